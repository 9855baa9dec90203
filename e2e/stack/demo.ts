// `make demo`: the whole stack on fixed ports, until Ctrl-C. Every port is checked before anything
// starts, every component after, and gatehouse's decisions are shown as they happen.
import { demoBanner } from './demo-banner.ts';
import { demoPorts, portsInUse, type DemoPort } from './demo-ports.ts';
import { followDecisions, verifyStack, watchStack } from './demo-watch.ts';
import { startStack, type CaddyStack, type Stack } from './start-stack.ts';

function fail(problems: readonly string[]): never {
  for (const problem of problems) console.error(`make demo: ${problem}`);
  process.exit(1);
}

/** `make demo PROXY=caddy` puts Caddy with forward_auth in front instead of nginx. */
function proxyFromEnv(): 'nginx' | 'caddy' {
  const raw = process.env['DEMO_PROXY'] ?? '';
  if (raw === '' || raw === 'nginx') return 'nginx';
  if (raw === 'caddy') return 'caddy';
  return fail([`PROXY (DEMO_PROXY) must be nginx or caddy: ${raw}`]);
}

const proxy = proxyFromEnv();
const { ports, problems } = demoPorts(process.env);
if (problems.length > 0) fail(problems);
const taken = await portsInUse(ports);
if (taken.length > 0) fail(taken);
const port = (variable: string): number => (ports.find((p) => p.variable === variable) as DemoPort).port;

let stack: Stack | CaddyStack;
try {
  stack = await startStack({
    proxy,
    nginxPort: port('DEMO_NGINX_PORT'),
    gatehousePorts: [port('DEMO_GATEHOUSE_PORT')],
    gatehouseMetricsPorts: [port('DEMO_METRICS_PORT')],
    upstreamPort: port('DEMO_UPSTREAM_PORT'),
    idpPort: port('DEMO_IDP_PORT'),
    // bob's denied page on /admin says what /admin needs.
    gatehouseEnv: { GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' },
  });
} catch (error) {
  fail([`could not start: ${(error as Error).message}`]);
}

let stopping = false;
const shutdown = (code: number): void => {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  stack.stop().then(
    () => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const broken = await verifyStack(stack);
if (broken.length > 0) {
  for (const problem of broken) console.error(`make demo: ${problem}`);
  shutdown(1);
} else {
  console.log(
    demoBanner({
      baseUrl: stack.baseUrl,
      proxy: stack.proxy,
      issuer: stack.idp.issuer,
      gatehouse: stack.gatehouse,
      echoPort: stack.echo.port,
    }),
  );
  followDecisions(stack, (line) => console.log(line));
  watchStack(stack, (message) => {
    console.error(`make demo: ${message}`);
    shutdown(1);
  });
}

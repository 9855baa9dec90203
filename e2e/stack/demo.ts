// `make demo`: the whole stack on fixed ports, until Ctrl-C.
import { DEMO_USERS } from '../idp/test-idp.ts';
import { startStack } from './start-stack.ts';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} is not a port: ${raw}`);
  return port;
}

/** `make demo PROXY=caddy` puts Caddy with forward_auth in front instead of nginx. */
function proxyFromEnv(): 'nginx' | 'caddy' {
  const raw = process.env['DEMO_PROXY'] ?? '';
  if (raw === '' || raw === 'nginx') return 'nginx';
  if (raw === 'caddy') return 'caddy';
  throw new Error(`PROXY (DEMO_PROXY) must be nginx or caddy: ${raw}`);
}

const stack = await startStack({
  proxy: proxyFromEnv(),
  nginxPort: portFromEnv('DEMO_NGINX_PORT', 8080),
  gatehousePorts: [portFromEnv('DEMO_GATEHOUSE_PORT', 4180)],
  gatehouseMetricsPorts: [portFromEnv('DEMO_METRICS_PORT', 9180)],
  upstreamPort: portFromEnv('DEMO_UPSTREAM_PORT', 9000),
  idpPort: portFromEnv('DEMO_IDP_PORT', 9400),
});

const users = DEMO_USERS.map((u) => {
  const groups = u.groups.length === 0 ? 'no groups' : `groups ${u.groups.join(', ')}`;
  const note = /[\r\n]/.test(u.preferredUsername) ? ' (preferred_username holds CR/LF: expect a 403)' : '';
  return `  ${u.login.padEnd(8)} password ${u.password.padEnd(8)} ${groups}${note}`;
}).join('\n');
console.log(`
gatehouse demo is running: ${stack.baseUrl}/

  ${stack.baseUrl}/        any signed-in user
  ${stack.baseUrl}/admin   members of "admins" only
  ${stack.baseUrl}/api     ${stack.proxy === 'caddy' ? 'API clients get 401, a browser is sent to sign in' : 'API: 401 instead of a sign-in redirect'}

Users (at the test IdP ${stack.idp.issuer}):
${users}

Gatehouse ${stack.gatehouse.map((g) => `:${g.port} (metrics :${g.metricsPort})`).join(', ')}, echo app :${stack.echo.port}, ${stack.proxy === 'caddy' ? 'Caddy (forward_auth)' : 'nginx (auth_request)'} in front.
Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

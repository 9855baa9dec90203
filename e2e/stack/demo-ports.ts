/**
 * The demo's ports, each with the variable that moves it, checked before anything starts: a port
 * another program holds would otherwise leave the demo half-started, with that program answering
 * the URL the banner prints.
 */
import { createServer } from 'node:net';

/** One port the demo needs and the variable that sets it. */
export interface DemoPort {
  readonly variable: string;
  readonly port: number;
  /** What listens there, for the message. */
  readonly what: string;
}

/** The ports and their defaults, read from `env`; a malformed value is a problem. */
export function demoPorts(env: NodeJS.ProcessEnv): { ports: DemoPort[]; problems: string[] } {
  const wanted: Array<[string, number, string]> = [
    ['DEMO_NGINX_PORT', 8080, 'the proxy in front'],
    ['DEMO_GATEHOUSE_PORT', 4180, 'gatehouse'],
    ['DEMO_METRICS_PORT', 9180, "gatehouse's metrics"],
    ['DEMO_UPSTREAM_PORT', 9000, 'the demo app'],
    ['DEMO_IDP_PORT', 9400, 'the test OpenID Provider'],
  ];
  const ports: DemoPort[] = [];
  const problems: string[] = [];
  for (const [variable, fallback, what] of wanted) {
    const raw = env[variable];
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${variable} is not a port: ${JSON.stringify(raw)}`);
    else ports.push({ variable, port, what });
  }
  for (const [i, a] of ports.entries()) {
    const b = ports.slice(i + 1).find((other) => other.port === a.port);
    if (b) problems.push(`${a.variable} and ${b.variable} are both ${a.port}; give each its own port`);
  }
  return { ports, problems };
}

/** Whether something already listens on `port` of `host`; an address this machine lacks counts as free. */
function taken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'EADDRNOTAVAIL' && error.code !== 'EAFNOSUPPORT'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * The ports another program holds, on 127.0.0.1 or ::1 (a browser may try either for
 * `localhost`), one line each naming the port and the variable that moves it.
 */
export async function portsInUse(ports: readonly DemoPort[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { variable, port, what } of ports) {
    if ((await taken(port, '127.0.0.1')) || (await taken(port, '::1'))) {
      problems.push(`port ${port} (${what}) is already in use; set ${variable} to a free port, e.g. make demo ${variable}=${port + 1}`);
    }
  }
  return problems;
}

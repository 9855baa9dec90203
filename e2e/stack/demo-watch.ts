/**
 * What keeps the demo honest once it runs: every component is checked to be up and to be ours
 * (not another program on its port), its processes are watched for as long as the demo runs, and
 * gatehouse's decisions are shown as they happen, one readable line each.
 */
import type { CaddyStack, Stack } from './start-stack.ts';

/** The processes of the stack with a name for messages and their logs. */
function processesOf(stack: Stack | CaddyStack): Array<{ name: string; pid: number; logs: () => string }> {
  const front = stack.proxy === 'caddy' ? { name: 'Caddy', pid: stack.caddy.pid, logs: stack.caddy.logs } : { name: 'nginx', pid: stack.nginx.pid, logs: stack.nginx.errorLog };
  return [front, ...stack.gatehouse.map((g) => ({ name: `gatehouse :${g.port}`, pid: g.pid, logs: g.logs }))];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function probe(url: string, init: RequestInit, check: (res: Response) => Promise<string | undefined>): Promise<string | undefined> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(3000) });
    return await check(res);
  } catch (error) {
    return `${url}: ${(error as Error).message}`;
  }
}

/**
 * Checks that every component runs and answers as itself: the processes are alive, gatehouse
 * answers /healthz and /metrics, the provider publishes its own issuer, the demo app echoes, and
 * the proxy in front sends a signed-out visitor to gatehouse's sign-in.
 * @returns one line per component that is not right; empty when all are
 */
export async function verifyStack(stack: Stack | CaddyStack): Promise<string[]> {
  const problems: string[] = [];
  for (const p of processesOf(stack)) if (!alive(p.pid)) problems.push(`${p.name} (pid ${p.pid}) is not running:\n${p.logs().slice(-2000)}`);
  const checks = [
    ...stack.gatehouse.flatMap((g) => [
      probe(`http://127.0.0.1:${g.port}/healthz`, {}, async (res) => (res.status === 200 ? undefined : `gatehouse :${g.port}/healthz answered ${res.status}`)),
      probe(`http://127.0.0.1:${g.metricsPort}/metrics`, {}, async (res) =>
        res.status === 200 && (await res.text()).includes('gatehouse_') ? undefined : `gatehouse's metrics :${g.metricsPort} are not gatehouse's`),
    ]),
    probe(`${stack.idp.issuer}/.well-known/openid-configuration`, {}, async (res) =>
      ((await res.json()) as { issuer?: string }).issuer === stack.idp.issuer ? undefined : `the test OpenID Provider at ${stack.idp.issuer} is not ours`),
    probe(`http://127.0.0.1:${stack.echo.port}/`, { headers: { accept: 'application/json' } }, async (res) =>
      typeof ((await res.json()) as { method?: unknown }).method === 'string' ? undefined : `the demo app on :${stack.echo.port} does not echo`),
    probe(`${stack.baseUrl}/`, { headers: { accept: 'text/html' } }, async (res) =>
      res.status === 302 && (res.headers.get('location') ?? '').includes('/oauth2/start')
        ? undefined
        : `${stack.baseUrl}/ answered ${res.status} instead of sending a visitor to sign in: is ${stack.proxy} in front?`),
  ];
  for (const problem of await Promise.all(checks)) if (problem !== undefined) problems.push(problem);
  return problems;
}

/**
 * Calls `onStopped` once, with a message, when a process of the stack exits while the demo runs.
 * @returns a function that stops watching
 */
export function watchStack(stack: Stack | CaddyStack, onStopped: (message: string) => void, everyMs = 1000): () => void {
  const timer = setInterval(() => {
    const dead = processesOf(stack).find((p) => !alive(p.pid));
    if (dead === undefined) return;
    clearInterval(timer);
    onStopped(`${dead.name} (pid ${dead.pid}) has stopped:\n${dead.logs().slice(-2000)}`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

const SHOWN_INFO = new Set(['signed in', 'signed out', 'back-channel logout', 'config reloaded']);

/**
 * One of gatehouse's JSON log lines as a person reads it: a decision as time, status, result,
 * user and reasons; sign-in and sign-out; every warning and error. Other lines give undefined.
 */
export function readableLogLine(line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '--:--:--';
  if (entry.msg === 'auth check') {
    // Quoted, so that a name with a control character shows it rather than breaking the line.
    const user = typeof entry.user === 'string' ? JSON.stringify(entry.user) : '(not signed in)';
    const reasons = Array.isArray(entry.reasons) ? entry.reasons.join(', ') : '';
    return `${time}  ${String(entry.status)} ${String(entry.result).padEnd(15)} ${user.padEnd(18)} ${reasons}`;
  }
  const level = String(entry.level);
  if (level !== 'warn' && level !== 'error' && !(level === 'info' && SHOWN_INFO.has(String(entry.msg)))) return undefined;
  const details = Object.entries(entry)
    .filter(([key]) => !['level', 'time', 'service', 'msg', 'pid', 'hostname'].includes(key))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  return `${time}  ${level.padEnd(5)} ${String(entry.msg)}${details ? `  ${details}` : ''}`;
}

/**
 * Follows the log of each gatehouse replica and writes its readable lines as they come.
 * @returns a function that stops following
 */
export function followDecisions(stack: Stack | CaddyStack, write: (line: string) => void, everyMs = 200): () => void {
  const seen = stack.gatehouse.map(() => 0);
  const timer = setInterval(() => {
    for (const [i, g] of stack.gatehouse.entries()) {
      const logs = g.logs();
      // The capture keeps only its latest megabytes: start over when it was cut.
      const from = (seen[i] ?? 0) > logs.length ? 0 : (seen[i] ?? 0);
      const end = logs.lastIndexOf('\n') + 1;
      if (end <= from) continue;
      seen[i] = end;
      for (const line of logs.slice(from, end).split('\n')) {
        const readable = line === '' ? undefined : readableLogLine(line);
        if (readable !== undefined) write(readable);
      }
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

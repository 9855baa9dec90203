/**
 * One check of the chaos load: with one session's cookie, through nginx or straight to a replica's
 * /oauth2/auth, on the plain or the backend=elasticsearch route. Its answer is counted in the phase
 * it was sent in, and what must never happen is recorded as it happens: a 200 for a session that
 * is not valid, a 200 naming another user, a 401 for a valid session (a session lost).
 */
import { request, type Agent } from 'node:http';
import { recordAnswer, type PhaseTally } from './phase-tally.ts';

/** One session the load uses. */
export interface LoadSession {
  /** How the report names its kind: valid, signed-out, forged, garbage, none… */
  readonly kind: string;
  /** True only for a live session: the one kind that may be answered 200. */
  readonly valid: boolean;
  /** The Cookie header; undefined sends none. */
  readonly cookie: string | undefined;
  /** The user a 200 must name. */
  readonly user?: string;
}

/** Where checks go. */
export interface LoadTargets {
  /** nginx's port on 127.0.0.1 (Host: localhost). */
  readonly nginxPort: number;
  /** The replicas' ports, for checks sent straight to /oauth2/auth. */
  readonly replicaPorts: readonly number[];
}

/** Where checks go, and which share of them goes which way. */
export interface CheckMix {
  readonly targets: LoadTargets;
  /** Share of checks sent straight to a replica (0..1); the rest go through nginx. */
  readonly directShare: number;
  /** Share of checks on the backend=elasticsearch route (0..1). */
  readonly elasticsearchShare: number;
}

/** How checks are sent: the mix, the timeout, and the agents. */
export interface CheckRouting extends CheckMix {
  /** A request not answered within this is counted as `timeout`. */
  readonly timeoutMs: number;
  /** The keep-alive agent of a port, shared by every worker. */
  agentFor(port: number): Agent;
}

/** What must never happen in an answer of `status` naming `seen` for `session`, or undefined. */
function violationOf(session: LoadSession, series: string, status: number, seen: unknown): string | undefined {
  if (status === 200 && !session.valid) return `200 for a ${session.kind} session (${series})`;
  if (status === 200 && seen !== session.user) return `200 naming ${String(seen)} for ${session.user} (${series})`;
  if (status === 401 && session.valid) return `401 for a valid session of ${session.user}: session lost (${series})`;
  return undefined;
}

/** Sends check number `n` for `session` and counts its answer in `tally`; never rejects. */
export function sendCheck(routing: CheckRouting, session: LoadSession, n: number, tally: PhaseTally): Promise<void> {
  const { targets } = routing;
  const direct = Math.random() < routing.directShare;
  const es = Math.random() < routing.elasticsearchShare;
  const port = direct ? (targets.replicaPorts[n % targets.replicaPorts.length] as number) : targets.nginxPort;
  const path = direct ? `/oauth2/auth${es ? '?backend=elasticsearch' : ''}` : `/${es ? 'es' : 'api'}/page-${n}`;
  const headers: Record<string, string> = { accept: 'application/json', host: direct ? `127.0.0.1:${port}` : 'localhost' };
  if (session.cookie !== undefined) headers.cookie = session.cookie;
  if (direct) Object.assign(headers, { 'x-original-url': `http://localhost/api/page-${n}`, 'x-original-method': 'GET', 'x-real-ip': '127.0.0.1' });
  const series = `${direct ? 'direct' : 'nginx'} ${es ? 'es' : 'api'} ${session.valid ? 'valid' : 'invalid'}`;
  const started = performance.now();
  const attempt = (retry: boolean): Promise<void> => new Promise<void>((resolve) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, path, headers, agent: routing.agentFor(port), timeout: routing.timeoutMs }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const seen = res.headers[direct ? 'x-auth-request-user' : 'x-seen-user'];
        recordAnswer(tally, series, String(status), performance.now() - started, violationOf(session, series, status, seen));
        resolve();
      });
      res.on('error', () => {
        recordAnswer(tally, series, 'error:response', performance.now() - started, undefined);
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A keep-alive connection the server closed just as this request went out: browsers and
      // curl send the request again on a new connection, and so does this client, once.
      if (!retry && !answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        tally.retries += 1;
        resolve(attempt(true));
        return;
      }
      const code = error.code === 'timeout' ? 'timeout' : `error:${error.code ?? 'unknown'}`;
      recordAnswer(tally, series, code, performance.now() - started, undefined);
      resolve();
    });
    req.end();
  });
  return attempt(false);
}

/**
 * Single requests the fault runs use around the load: is a replica serving a session, are all
 * sessions still there, what do the refresh counters say.
 */
import { httpRequest } from '../support/http-client.ts';
import type { ChaosStack } from './chaos-stack.ts';
import type { LoadSession } from './load-check.ts';

/** The status replica `index` answers for a check with `session`, on the plain route or the Elasticsearch one. */
export async function directStatus(stack: ChaosStack, index: number, session: LoadSession, route: 'api' | 'es' = 'api'): Promise<number> {
  const port = stack.replicas[index]?.port as number;
  const headers: Record<string, string> = { 'x-original-url': 'http://localhost/api/probe', 'x-original-method': 'GET', 'x-real-ip': '127.0.0.1', accept: 'application/json' };
  if (session.cookie) headers.cookie = session.cookie;
  const query = route === 'es' ? '?backend=elasticsearch' : '';
  return (await httpRequest(`http://127.0.0.1:${port}/oauth2/auth${query}`, { headers, timeoutMs: 5000 })).status;
}

/** True when both replicas are ready and answer 200 for `session` on both routes, straight and through nginx. */
export async function bothServe(stack: ChaosStack, session: LoadSession): Promise<boolean> {
  for (const index of [0, 1]) {
    const ready = await httpRequest(`http://127.0.0.1:${stack.replicas[index]?.port}/readyz`, { timeoutMs: 5000 });
    if (ready.status !== 200) return false;
    for (const route of ['api', 'es'] as const) if ((await directStatus(stack, index, session, route)) !== 200) return false;
  }
  const headers: Record<string, string> = { host: 'localhost', accept: 'application/json' };
  if (session.cookie) headers.cookie = session.cookie;
  for (const route of ['api', 'es']) {
    if ((await httpRequest(`http://127.0.0.1:${stack.nginx.port}/${route}/probe`, { headers, timeoutMs: 5000 })).status !== 200) return false;
  }
  return true;
}

/** The sessions that some replica no longer honours (anything but 200). */
export async function lostSessions(stack: ChaosStack, sessions: readonly LoadSession[]): Promise<string[]> {
  const lost: string[] = [];
  for (const session of sessions.filter((s) => s.valid)) {
    for (const index of [0, 1]) {
      const status = await directStatus(stack, index, session);
      if (status !== 200) lost.push(`${session.user} on replica ${index}: ${status}`);
    }
  }
  return lost;
}

/** gatehouse_token_refreshes_total by outcome, summed over both replicas. */
export async function refreshCounts(stack: ChaosStack): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const replica of stack.replicas) {
    const text = (await httpRequest(`http://127.0.0.1:${replica.metricsPort}/metrics`, { timeoutMs: 5000 })).body;
    for (const match of text.matchAll(/^gatehouse_token_refreshes_total\{outcome="(\w+)"\} (\d+)/gm)) {
      totals[match[1] as string] = (totals[match[1] as string] ?? 0) + Number(match[2]);
    }
  }
  return totals;
}

/**
 * Faults under load, then a rolling restart (make test-chaos; part of make test). Two gatehouse
 * replicas behind nginx on one redis-server with persistence on take a steady load of checks from
 * valid sessions and from cookies that must never pass, while Redis is stopped and started again,
 * Redis is frozen (SIGSTOP) and resumed, the OpenID Provider goes away and comes back, its signing
 * key rotates, and Elasticsearch turns slow and then fails. For each: no 200 for a session that
 * is not valid (and none naming another user), no 401 for a valid one, only the documented 5xx
 * while it lasts and each within its bound, both replicas serving again by themselves within the
 * recovery bound, and after the Redis restart every session still there. Then replicas are stopped
 * with SIGTERM one at a time and started again as a Deployment rollout does: not one valid check
 * through nginx gets anything but 200. The counts per phase are printed; `make test-chaos` also
 * writes them to docs/chaos-report.md (CHAOS_REPORT), so that a run of `make test` leaves the
 * published report as it was.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../stack/gatehouse-process.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { httpRequest } from '../support/http-client.ts';
import { bothServe, lostSessions, refreshCounts } from './chaos-probes.ts';
import { renderChaosReport, writeChaosReport, type ReportSection } from './chaos-report.ts';
import { CHAOS_SETTINGS, startChaosStack, timeUntil, type ChaosStack } from './chaos-stack.ts';
import type { LoadSession } from './load-check.ts';
import { startLoad, type LoadRun } from './load-loop.ts';
import { prepareSessions } from './load-sessions.ts';
import { maxLatency, statusesOf, type PhaseTally } from './phase-tally.ts';
import { rollingRestart } from './rollout.ts';

/** Both replicas serve again within this after a fault ends. */
const RECOVERY_BOUND_MS = 10_000;
/** Added to every latency bound: two cores shared with other work, nginx in between. */
const SLACK_MS = 1500;
const FAULT_MS = 5000;
const RATE = 150;

const isValid = (series: string): boolean => series.endsWith(' valid');
const isInvalid = (series: string): boolean => series.endsWith(' invalid');

describe('faults and a rolling restart under load', { timeout: 15 * 60_000 }, () => {
  let stack: ChaosStack;
  let sessions: LoadSession[];
  let load: LoadRun;
  const sections: ReportSection[] = [];

  before(async () => {
    stack = await startChaosStack();
    sessions = await prepareSessions(stack.baseUrl, 24, 2);
    load = startLoad({
      targets: { nginxPort: stack.nginx.port, replicaPorts: stack.replicas.map((r) => r.port) },
      sessions,
      concurrency: 16,
      ratePerSecond: RATE,
      directShare: 0.2,
      elasticsearchShare: 0.25,
      maxRequests: 200_000,
      maxSeconds: 300,
    });
    load.phase('baseline');
    await sleep(3000);
  });

  after(async () => {
    await load?.stop();
    const intro = `# Faults and a rolling restart under load

Written by \`make test-chaos\` (e2e/chaos/chaos.test.ts), which \`make test\` also runs. Two gatehouse
replicas behind nginx (rendered as ingress-nginx renders auth-url with auth-keepalive: an upstream
with both replicas, keepalive 32, \`proxy_next_upstream error timeout\`, 3 tries) share one
redis-server with \`appendonly yes\`, the test OpenID Provider (oidc-provider, ${CHAOS_SETTINGS.accessTokenTtlSeconds} s access
tokens, so sessions refresh during the run) and the Elasticsearch stand-in. 16 workers send about
${RATE} checks/s over keep-alive connections: ${sessions.filter((s) => s.valid).length} signed-in sessions and
${sessions.filter((s) => !s.valid).length} cookies that must never pass (none, garbage, a live value with one character changed,
sealed with a foreign key, signed out); 20 % go straight to a replica's /oauth2/auth, 25 % use the
\`backend=elasticsearch\` route. Settings: GATEHOUSE_REDIS_TIMEOUT ${CHAOS_SETTINGS.redisTimeoutMs} ms,
GATEHOUSE_ELASTICSEARCH_TIMEOUT ${CHAOS_SETTINGS.elasticsearchTimeoutMs} ms, GATEHOUSE_OIDC_TIMEOUT ${CHAOS_SETTINGS.oidcTimeoutMs} ms,
GATEHOUSE_CREDENTIAL_TTL 4 s, GATEHOUSE_SHUTDOWN_TIMEOUT ${CHAOS_SETTINGS.drainMs} ms, preStop ${CHAOS_SETTINGS.preStopMs} ms.

A series is \`<path> <route> <valid|invalid>\`: \`nginx\` is the answer the client got through nginx (a
gatehouse 5xx becomes nginx's 500), \`direct\` is gatehouse's own answer. Never allowed, in any phase:
a 200 for an invalid session, a 200 naming another user, a 401 for a valid session. Run on ${new Date().toISOString().slice(0, 10)}
on a 2-core machine shared with other work (load average at the start of the run: ${(await import('node:os')).loadavg()[0]?.toFixed(1)}).`;
    if (sections.length > 0) writeChaosReport(process.env.CHAOS_REPORT ? join(REPO_ROOT, process.env.CHAOS_REPORT) : undefined, renderChaosReport(intro, sections));
    await stack?.stop();
  });

  /** Runs one fault: before, during, the recovery after it ends (measured), and a steady stretch. */
  async function fault(name: string, inject: () => Promise<void>, heal: () => Promise<void>, faultMs = FAULT_MS) {
    load.phase(`${name}: before`);
    await sleep(2000);
    load.phase(`${name}: fault`);
    await inject();
    await sleep(faultMs);
    load.phase(`${name}: recovery`);
    await heal();
    const probe = sessions.find((s) => s.valid) as LoadSession;
    const recoveredMs = await timeUntil(() => bothServe(stack, probe), RECOVERY_BOUND_MS);
    load.phase(`${name}: after`);
    await sleep(3000);
    const phases = load.tallies().slice(-4) as [PhaseTally, PhaseTally, PhaseTally, PhaseTally];
    return { phases, recoveredMs };
  }

  /** The assertions every fault shares. */
  function assertFault(phases: readonly PhaseTally[], recoveredMs: number | undefined, allowed: { nginx: string[]; direct: string[] }, boundMs: number): void {
    const [beforeFault, during, recovery, afterFault] = phases as [PhaseTally, PhaseTally, PhaseTally, PhaseTally];
    for (const phase of phases) assert.deepEqual(phase.violations, [], phase.name);
    assert.ok(recoveredMs !== undefined, `both replicas did not serve again within ${RECOVERY_BOUND_MS} ms`);
    for (const steady of [beforeFault, afterFault]) {
      assert.deepEqual([...statusesOf(steady, isValid).keys()], ['200'], `${steady.name}: valid sessions`);
      assert.deepEqual([...statusesOf(steady, isInvalid).keys()], ['401'], `${steady.name}: invalid sessions`);
    }
    for (const phase of [during, recovery]) {
      for (const path of ['nginx', 'direct'] as const) {
        const seen = [...statusesOf(phase, (s) => s.startsWith(path)).keys()];
        const unexpected = seen.filter((status) => status !== '200' && status !== '401' && !allowed[path].includes(status));
        assert.deepEqual(unexpected, [], `${phase.name}: ${path} answers outside the documented ones`);
      }
      const slowest = maxLatency(phase, () => true);
      assert.ok(slowest <= boundMs, `${phase.name}: an answer took ${slowest.toFixed(0)} ms, bound ${boundMs} ms`);
    }
  }

  it('(a) Redis stopped and started again: fails closed with 503, recovers by itself, no session lost', async () => {
    const { phases, recoveredMs } = await fault(
      'Redis stopped',
      () => stack.redis.stop(),
      () => stack.redis.restart(),
    );
    const lost = await lostSessions(stack, sessions);
    // A check makes at most two store operations in a row (the session, then the credential
    // cache), each bounded by 1.25 × GATEHOUSE_REDIS_TIMEOUT.
    const bound = 2 * 1.25 * CHAOS_SETTINGS.redisTimeoutMs + SLACK_MS;
    sections.push({
      title: '(a) Redis stopped for 5 s, then started again (appendonly yes)',
      description: `redis-server gets SIGTERM (it writes its AOF and exits), stays down ${FAULT_MS / 1000} s, and starts again on the same port and data. Allowed during the fault: 503 from gatehouse, 500 through nginx; each answer within ${bound} ms.`,
      phases,
      measurements: [
        ['both replicas serving again after Redis was back', `${recoveredMs} ms (bound ${RECOVERY_BOUND_MS} ms)`],
        ['sessions lost across the restart', lost.length === 0 ? 'none' : lost.join(', ')],
      ],
    });
    assertFault(phases, recoveredMs, { nginx: ['500'], direct: ['503'] }, bound);
    assert.deepEqual(lost, [], 'every session survives a Redis restart with persistence on');
  });

  it('(b) Redis frozen with SIGSTOP, then resumed: the command deadline answers 503, no request waits on it', async () => {
    const { phases, recoveredMs } = await fault(
      'Redis frozen',
      async () => void process.kill(stack.redis.pid, 'SIGSTOP'),
      async () => void process.kill(stack.redis.pid, 'SIGCONT'),
    );
    const bound = 2 * 1.25 * CHAOS_SETTINGS.redisTimeoutMs + SLACK_MS;
    sections.push({
      title: '(b) Redis frozen with SIGSTOP for 5 s, then SIGCONT',
      description: `The connections stay open and nothing answers: only gatehouse's own deadline ends a command. Allowed during the fault: 503 from gatehouse, 500 through nginx (a replica may still answer from a copy checked within GATEHOUSE_REDIS_LOCAL_TTL); each answer within ${bound} ms.`,
      phases,
      measurements: [['both replicas serving again after SIGCONT', `${recoveredMs} ms (bound ${RECOVERY_BOUND_MS} ms)`]],
    });
    assertFault(phases, recoveredMs, { nginx: ['500'], direct: ['503'] }, bound);
  });

  it('(c) the OpenID Provider down and back: checks go on with the current tokens, sign-in works again after', async () => {
    const refreshesBefore = await refreshCounts(stack);
    let startStatus = 0;
    const { phases, recoveredMs } = await fault(
      'OpenID Provider down',
      async () => {
        await stack.idp.stopListening();
        // Sign-in can still start (discovery is loaded); finishing it needs the provider.
        startStatus = (await httpRequest(`${stack.baseUrl}/oauth2/start?rd=/api/`, { headers: { host: 'localhost' } })).status;
      },
      () => stack.idp.listen(),
    );
    const signInAfterMs = await timeUntil(async () => Boolean(await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob', rd: '/api/' })), RECOVERY_BOUND_MS);
    const refreshesAfter = await refreshCounts(stack);
    const bound = CHAOS_SETTINGS.oidcTimeoutMs + SLACK_MS;
    sections.push({
      title: '(c) OpenID Provider down for 5 s (listener closed, connections cut), then back',
      description: `Checks never need the provider except to refresh a session's tokens, which then goes on with its current tokens and tries again 5 s later. Allowed during the fault: 200 only for valid sessions; each answer within ${bound} ms (GATEHOUSE_OIDC_TIMEOUT + slack).`,
      phases,
      measurements: [
        ['/oauth2/start while the provider was down', String(startStatus)],
        ['a full sign-in succeeded after the provider was back', `${signInAfterMs} ms`],
        ['refreshes by outcome before → after', `${JSON.stringify(refreshesBefore)} → ${JSON.stringify(refreshesAfter)}`],
      ],
    });
    assertFault(phases, recoveredMs, { nginx: [], direct: [] }, bound);
    assert.equal(startStatus, 302);
    assert.ok(signInAfterMs !== undefined, 'sign-in works again once the provider is back');
  });

  it('(d) the provider rotates its signing key: checks and refreshes go on, and a new sign-in is accepted', async () => {
    const refreshesBefore = await refreshCounts(stack);
    let kid = '';
    const { phases, recoveredMs } = await fault(
      'signing key rotated',
      async () => {
        kid = stack.idp.rotateSigningKey();
      },
      async () => {},
    );
    const signInMs = await timeUntil(async () => Boolean(await signInOverHttp(stack.baseUrl, { login: 'carol', password: 'carol', rd: '/api/' })), 90_000);
    const refreshesAfter = await refreshCounts(stack);
    const bound = CHAOS_SETTINGS.oidcTimeoutMs + SLACK_MS;
    sections.push({
      title: '(d) The provider signs with a new key (listed first in its JWKS, the old one kept)',
      description: `ID tokens from refreshes and sign-ins now carry kid ${kid}, unknown to gatehouse's cached key set. Allowed: 200 only for valid sessions; each answer within ${bound} ms.`,
      phases,
      measurements: [
        ['a sign-in with a token signed by the new key succeeded', `${signInMs} ms after the rotation's 5 s fault window ended`],
        ['refreshes by outcome before → after', `${JSON.stringify(refreshesBefore)} → ${JSON.stringify(refreshesAfter)}`],
      ],
    });
    assertFault(phases, recoveredMs, { nginx: [], direct: [] }, bound);
    assert.ok(signInMs !== undefined, 'a sign-in after the rotation succeeds');
  });

  it('(e) Elasticsearch slow, then failing: the backend route answers 502/503 within its bound, the rest is untouched', async () => {
    const { phases, recoveredMs } = await fault(
      'Elasticsearch slow then failing',
      async () => {
        stack.es.setFault({ kind: 'delay', ms: 3 * CHAOS_SETTINGS.elasticsearchTimeoutMs });
        await sleep(FAULT_MS / 2);
        stack.es.setFault({ kind: 'status', status: 503 });
      },
      async () => stack.es.setFault(undefined),
    );
    // A check that needs a new credential makes at most a get and a put per host, each bounded by
    // GATEHOUSE_ELASTICSEARCH_TIMEOUT; a replica waiting for the other's lock re-reads the cache.
    const bound = 3 * CHAOS_SETTINGS.elasticsearchTimeoutMs + SLACK_MS;
    sections.push({
      title: '(e) Elasticsearch slow (3 × its timeout) for 2.5 s, then answering 503 for 2.5 s',
      description: `Credentials live 4 s, so checks on the backend=elasticsearch route keep needing Elasticsearch. Allowed there during the fault: 502 or 503 from gatehouse, 500 through nginx; the plain route is untouched; each answer within ${bound} ms.`,
      phases,
      measurements: [['both replicas serving again after Elasticsearch was back', `${recoveredMs} ms`]],
    });
    assertFault(phases, recoveredMs, { nginx: ['500'], direct: ['502', '503'] }, bound);
    const [, during] = phases;
    assert.deepEqual([...statusesOf(during, (s) => s.includes(' api ') && isValid(s)).keys()], ['200'], 'the plain route never needs Elasticsearch');
  });

  it('rolling restart: each replica leaves the endpoints, gets SIGTERM after the preStop pause, drains, starts again; not one valid check through nginx fails', async () => {
    await load.stop();
    const { phases, measurements, exits } = await rollingRestart(stack, sessions, RATE);
    const lost = await lostSessions(stack, sessions);
    measurements.push(['sessions lost across the restarts', lost.length === 0 ? 'none' : lost.join(', ')]);
    sections.push({
      title: 'Rolling restart',
      description: `Each replica in turn: removed from nginx's upstream (a reload, as the endpoint change), the preStop pause (${CHAOS_SETTINGS.preStopMs} ms here, preStopSeconds in the chart), SIGTERM, the drain (GATEHOUSE_SHUTDOWN_TIMEOUT ${CHAOS_SETTINGS.drainMs} ms here, drainSeconds in the chart), then started again on its port and put back once /readyz answers 200. Then the same without the endpoint change, SIGTERM while nginx still lists the replica, where only proxy_next_upstream and the drain stand between the client and an error. Required: every valid check through nginx answered 200, every invalid one 401, every replica exiting 0, and every session still there afterwards.`,
      phases,
      measurements,
    });
    for (const phase of phases) {
      assert.deepEqual(phase.violations, [], phase.name);
      assert.deepEqual([...statusesOf(phase, isValid).keys()].filter((status) => status !== '200'), [], `${phase.name}: a valid check was not answered 200`);
      assert.deepEqual([...statusesOf(phase, isInvalid).keys()].filter((status) => status !== '401'), [], `${phase.name}: an invalid check was not answered 401`);
    }
    assert.deepEqual(exits, ['exit code 0', 'exit code 0', 'exit code 0', 'exit code 0'], 'every replica shuts down cleanly');
    assert.deepEqual(lost, []);
  });
});

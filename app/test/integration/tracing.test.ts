/**
 * Tracing end to end: a gatehouse child process with OTEL_TRACES_EXPORTER=otlp, a real OpenID
 * Provider, a real redis-server as its session store, the Elasticsearch stand-in as a backend, and
 * an OTLP/HTTP receiver decoding the protobuf it exports. The check's span continues the trace of
 * an incoming traceparent; sign-in and callback have spans with the provider's and Redis's calls as
 * children; Elasticsearch is called with the same trace id; no exported value holds a credential.
 * A second gatehouse with tracing off sends nothing and loads no part of the SDK.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp, type DemoUser, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { REPO_ROOT, startGatehouse, type GatehouseProcess } from '../../../e2e/stack/gatehouse-process.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { PROBE_PREFIX } from '../support/module-probe.ts';
import type { ReceivedSpan } from '../support/otlp-protobuf.ts';
import { spanStrings, startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';

const PROBE = join(import.meta.dirname, '..', 'support', 'module-probe.ts');
const SERVER = 2;
const CLIENT = 3;

// Strings that must never appear in an exported span: the user's password, name and email too.
const USER: DemoUser = {
  login: 'tracy-7f3a',
  password: 'pw-Zq81-never-exported',
  email: 'tracy.9c2e@example.org',
  emailVerified: true,
  name: 'Tracy Quinn',
  preferredUsername: 'tracy-7f3a',
  groups: ['admins'],
  department: 'operations',
  realmRoles: [],
};

const traceparentOf = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;
const newTraceId = (): string => randomBytes(16).toString('hex');
const newSpanId = (): string => randomBytes(8).toString('hex');

/**
 * The SDK's packages and gatehouse's SDK set-up: none may load with tracing off. (The API, which
 * does nothing without an SDK, is loaded by prom-client; @elastic/transport loads its own copy of
 * @opentelemetry/core under its node_modules, tracing or not.)
 */
const OWN_PACKAGES = `${pathToFileURL(REPO_ROOT).href}/node_modules/@opentelemetry/`;
const isSdkModule = (url: string): boolean =>
  (url.startsWith(OWN_PACKAGES) && /^(sdk-|exporter-|otlp-|context-async-hooks\/|resources\/|core\/)/.test(url.slice(OWN_PACKAGES.length))) ||
  /\/observability\/tracing\/(?!tracing\.ts)/.test(url);
const probed = (logs: string): string[] => logs.split('\n').filter((line) => line.startsWith(PROBE_PREFIX)).map((line) => line.slice(PROBE_PREFIX.length));

describe('tracing with OpenTelemetry', () => {
  let receiver: OtlpReceiver;
  let quietReceiver: OtlpReceiver;
  let idp: TestIdp;
  let redis: RedisServerHandle;
  let es: ElasticsearchStandIn;
  let traced: GatehouseProcess;
  let untraced: GatehouseProcess;
  let origin: string;
  let cookie: string;
  const secrets: string[] = [USER.password, USER.login, USER.email];

  before(async () => {
    [receiver, quietReceiver] = await Promise.all([startOtlpReceiver(), startOtlpReceiver()]);
    const [port, metricsPort, offPort, offMetricsPort] = (await freePorts(4)) as [number, number, number, number];
    origin = `http://127.0.0.1:${port}`;
    const clientSecret = randomBytes(16).toString('hex');
    idp = await startTestIdp({
      users: [USER],
      clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: [`${origin}/oauth2/callback`, `http://127.0.0.1:${offPort}/oauth2/callback`] }],
    });
    redis = await startRedisServer();
    es = await startElasticsearchStandIn();
    const common = {
      GATEHOUSE_SESSION_STORE: 'redis',
      GATEHOUSE_REDIS_URL: redis.url,
      GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
      GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
      GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
      // Tokens in the answers, so that the test can look for them in the spans.
      GATEHOUSE_SET_AUTHORIZATION_HEADER: 'id_token',
      GATEHOUSE_SET_ACCESS_TOKEN_HEADER: 'true',
      NODE_OPTIONS: `--import=${PROBE}`,
    };
    const env = localGatehouseEnv({ issuer: idp.issuer, clientSecret, origin, port, metricsPort }, {
      ...common,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    });
    secrets.push(clientSecret, env.GATEHOUSE_COOKIE_SECRET as string, es.admin.password);
    traced = await startGatehouse({ port, metricsPort, env });
    // The same deployment with tracing off, an endpoint configured all the same.
    const offOrigin = `http://127.0.0.1:${offPort}`;
    untraced = await startGatehouse({
      port: offPort,
      metricsPort: offMetricsPort,
      env: localGatehouseEnv({ issuer: idp.issuer, clientSecret, origin: offOrigin, port: offPort, metricsPort: offMetricsPort }, { ...common, OTEL_EXPORTER_OTLP_ENDPOINT: quietReceiver.endpoint }),
    });
    const signedIn = await signInOverHttp(origin, { login: USER.login, password: USER.password });
    cookie = signedIn.cookieHeader;
    secrets.push(cookie, ...cookie.split(/;\s*/).map((pair) => pair.slice(pair.indexOf('=') + 1)));
  });

  after(async () => {
    await traced?.stop();
    await untraced?.stop();
    await es?.close();
    await redis?.stop();
    await idp?.close();
    await receiver?.close();
    await quietReceiver?.close();
  });

  it("gives a check a server span whose parent is the incoming traceparent, with the decision and a Redis child", async () => {
    const traceId = newTraceId();
    const parent = newSpanId();
    const answer = await httpRequest(`${origin}/oauth2/auth?allowed_groups=admins`, {
      headers: { cookie, traceparent: traceparentOf(traceId, parent), tracestate: 'vendor=opaque' },
    });
    assert.equal(answer.status, 200);
    for (const header of [answer.headers.authorization, answer.headers['x-auth-request-access-token']]) {
      assert.equal(typeof header, 'string');
      secrets.push(String(header).replace(/^Bearer /, ''));
    }
    const check = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.kind === SERVER));
    assert.equal(check.name, 'GET /oauth2/auth');
    assert.equal(check.parentSpanId, parent);
    assert.equal(check.traceState, 'vendor=opaque');
    assert.deepEqual(pick(check.attributes, ['http.request.method', 'url.path', 'url.scheme', 'http.route', 'http.response.status_code', 'server.address', 'server.port']), {
      'http.request.method': 'GET',
      'url.path': '/oauth2/auth',
      'url.scheme': 'http',
      'http.route': '/oauth2/auth',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(origin).port),
    });
    assert.equal(check.attributes['gatehouse.decision.result'], 'allow');
    assert.ok(Array.isArray(check.attributes['gatehouse.decision.reasons']) && check.attributes['gatehouse.decision.reasons'].length > 0);
    assert.equal(check.attributes['gatehouse.identity.source'], 'session');
    assert.equal(check.attributes['enduser.id'], undefined, 'the user is recorded only when configured');
    assert.equal(check.resource['service.name'], 'gatehouse');
    assert.equal(check.resource['deployment.environment.name'], 'test');
    // The first check after sign-in reads the session from Redis: one round trip, one child span.
    const get = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.name === 'redis get'));
    assert.equal(get.parentSpanId, check.spanId);
    assert.equal(get.kind, CLIENT);
    assert.deepEqual(pick(get.attributes, ['db.system.name', 'server.address', 'server.port', 'gatehouse.store.operation']), {
      'db.system.name': 'redis',
      'server.address': '127.0.0.1',
      'server.port': redis.port,
      'gatehouse.store.operation': 'get',
    });
  });

  it('records denials and missing sessions with their reasons, and starts a new trace without traceparent', async () => {
    const traceId = newTraceId();
    const denied = await httpRequest(`${origin}/oauth2/auth?allowed_groups=nobody-here`, { headers: { cookie, traceparent: traceparentOf(traceId, newSpanId()) } });
    assert.equal(denied.status, 403);
    const deny = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.kind === SERVER));
    assert.equal(deny.attributes['gatehouse.decision.result'], 'deny');
    assert.equal(deny.attributes['http.response.status_code'], 403);
    assert.equal(deny.status.code, 0, 'a 403 is gatehouse answering as it should, not an error');

    const before = new Set(receiver.spans().map((s) => s.spanId));
    const anonymous = await httpRequest(`${origin}/oauth2/auth`);
    assert.equal(anonymous.status, 401);
    const unauthenticated = await receiver.waitFor((spans) => spans.find((s) => !before.has(s.spanId) && s.kind === SERVER && s.attributes['http.response.status_code'] === 401));
    assert.equal(unauthenticated.parentSpanId, '');
    assert.equal(unauthenticated.attributes['gatehouse.decision.result'], 'unauthenticated');
    assert.deepEqual(unauthenticated.attributes['gatehouse.decision.reasons'], ['session-missing']);
  });

  it("traces sign-in and the callback, the provider's and Redis's calls as their children", async () => {
    const start = await receiver.waitFor((spans) => spans.find((s) => s.kind === SERVER && s.name === 'GET /oauth2/start'));
    assert.equal(start.attributes['http.route'], '/oauth2/start');
    assert.equal(start.attributes['http.response.status_code'], 302);
    const callback = await receiver.waitFor((spans) => spans.find((s) => s.kind === SERVER && s.name === 'GET /oauth2/callback'));
    // The code and state came in the query, which is never recorded.
    assert.equal(callback.attributes['url.path'], '/oauth2/callback');
    const children = receiver.spans().filter((s) => s.parentSpanId === callback.spanId);
    const token = children.find((s) => s.attributes['gatehouse.outbound.target'] === 'provider' && s.attributes['http.request.method'] === 'POST');
    assert.ok(token, `a provider call under the callback: ${children.map((s) => s.name).join(', ')}`);
    assert.equal(token.kind, CLIENT);
    assert.equal(token.name, `POST ${token.attributes['url.path']}`);
    assert.equal(token.attributes['server.port'], Number(new URL(idp.issuer).port));
    assert.equal(token.attributes['http.response.status_code'], 200);
    assert.ok(children.some((s) => s.name === 'redis set'), 'the new session is written to Redis under the callback');
    const startChildren = receiver.spans().filter((s) => s.parentSpanId === start.spanId);
    assert.ok(startChildren.some((s) => s.name === 'redis putOnce'), `the sign-in state is kept in Redis: ${startChildren.map((s) => s.name).join(', ')}`);
  });

  it('calls Elasticsearch in the check\'s trace, its span naming no user', async () => {
    const traceId = newTraceId();
    const answer = await httpRequest(`${origin}/oauth2/auth?backend=elasticsearch`, { headers: { cookie, traceparent: traceparentOf(traceId, newSpanId()) } });
    assert.equal(answer.status, 200);
    const basic = String(answer.headers.authorization).replace(/^Basic /, '');
    secrets.push(basic, Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':'));
    const check = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.kind === SERVER));
    const calls = await receiver.waitFor((spans) => {
      const found = spans.filter((s) => s.traceId === traceId && s.attributes['gatehouse.outbound.target'] === 'elasticsearch');
      return found.length > 0 ? found : undefined;
    });
    for (const call of calls) {
      assert.equal(call.parentSpanId, check.spanId);
      assert.equal(call.kind, CLIENT);
      assert.equal(call.attributes['url.path'], undefined, 'Elasticsearch paths name the user');
      assert.match(String(call.attributes['url.template']), /^\/_security\/user\/\{name\}/);
      assert.equal(call.attributes['server.port'], Number(new URL(es.url).port));
    }
    const seen = es.requestLog.filter((request) => request.traceparent?.split('-')[1] === traceId);
    assert.ok(seen.length > 0, 'Elasticsearch received the trace context');
    assert.deepEqual(
      seen.map((request) => request.traceparent?.split('-')[2]).sort(),
      calls.map((call) => call.spanId).sort(),
      "each request's parent is its own client span",
    );
  });

  it('exports no token, cookie, password, user name or email in any span', async () => {
    // Everything above has been exported by now (OTEL_BSP_SCHEDULE_DELAY=100).
    await sleep(500);
    const spans = receiver.spans();
    assert.ok(spans.length > 10);
    const leaks: string[] = [];
    for (const span of spans) {
      for (const value of spanStrings(span)) {
        for (const secret of secrets) if (secret.length >= 6 && value.includes(secret)) leaks.push(`${span.name}: ${value.slice(0, 80)}`);
        if (/[?&](code|state)=/.test(value)) leaks.push(`${span.name}: a query in ${value.slice(0, 80)}`);
      }
    }
    assert.deepEqual(leaks, []);
  });

  it('with tracing off sends nothing and loads no part of the SDK; on, it does', async () => {
    const offOrigin = `http://127.0.0.1:${untraced.port}`;
    const { cookieHeader } = await signInOverHttp(offOrigin, { login: USER.login, password: USER.password });
    const headers = { cookie: cookieHeader, traceparent: traceparentOf(newTraceId(), newSpanId()) };
    assert.equal((await httpRequest(`${offOrigin}/oauth2/auth?allowed_groups=admins`, { headers })).status, 200);
    assert.equal((await httpRequest(`${offOrigin}/oauth2/auth?backend=elasticsearch`, { headers })).status, 200);
    await sleep(500);
    assert.equal(quietReceiver.requests(), 0);
    assert.deepEqual(probed(untraced.logs()).filter(isSdkModule), []);
    // The probe does see them in the traced replica: the check above is not vacuous.
    const loaded = probed(traced.logs());
    for (const part of ['@opentelemetry/sdk-trace/', '@opentelemetry/exporter-trace-otlp-proto/', '@opentelemetry/context-async-hooks/', 'observability/tracing/otel-sdk.ts']) {
      assert.ok(loaded.some((url) => url.includes(part)), `${part} loaded with tracing on`);
    }
  });
});

function pick(attributes: ReceivedSpan['attributes'], names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, attributes[name]]));
}

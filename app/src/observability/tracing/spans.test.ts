/**
 * The span makers against OpenTelemetry's real SDK (spans kept in memory) and real HTTP on
 * loopback: the outbound interceptor's span, headers and failures, the check span's decision and
 * user rule, and the store's spans.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Agent, request } from 'undici';
import type { CheckOutcome } from '../../check/check-outcome.ts';
import { SOURCE_HEADER } from '../../check/source-header.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { ProxyAdapter } from '../../proxies/proxy-adapter.ts';
import { redisTestConfig } from '../../../test/support/redis-config.ts';
import { createCheckTracing } from './check-spans.ts';
import { outboundInterceptor, withTraceContext } from './outbound-spans.ts';
import { createStoreSpans } from './store-spans.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = provider.getTracer('test');

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const parentContext = (): Context => propagation.extract(ROOT_CONTEXT, { traceparent: PARENT });

let server: Server;
let origin: string;
const seen: IncomingHttpHeaders[] = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await provider.shutdown();
});
beforeEach(() => {
  exporter.reset();
  seen.length = 0;
});

describe('outbound spans', () => {
  it("make a client span under the active one and send its context, not the caller's", async () => {
    const agent = new Agent().compose(outboundInterceptor(tracer, 'provider'));
    const answer = await context.with(parentContext(), () =>
      request(`${origin}/token?code=secret-code`, { method: 'POST', dispatcher: agent, headers: ['traceparent', '00-11111111111111111111111111111111-2222222222222222-01', 'x-other', 'kept'] }),
    );
    await answer.body.text();
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.name, 'POST /token');
    assert.equal(span.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assert.deepEqual(span.attributes, {
      'http.request.method': 'POST',
      'gatehouse.outbound.target': 'provider',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(origin).port),
      'url.scheme': 'http',
      'url.path': '/token',
      'url.template': '/token',
      'http.response.status_code': 200,
    });
    assert.equal(seen[0]?.traceparent, `00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);
    assert.equal(seen[0]?.['x-other'], 'kept');
    await agent.close();
  });

  it('mark a 5xx and a refused connection as errors, by status and by code', async () => {
    const agent = new Agent().compose(outboundInterceptor(tracer, 'elasticsearch'));
    await (await request(`${origin}/fail`, { dispatcher: agent })).body.text();
    await assert.rejects(request('http://127.0.0.1:1/_security/user/alice', { dispatcher: agent }));
    const [failed, refused] = exporter.getFinishedSpans();
    assert.equal(failed?.attributes['error.type'], '500');
    assert.equal(failed?.status.code, 2);
    assert.equal(refused?.name, 'GET /_security/user/{name}');
    assert.equal(refused?.attributes['error.type'], 'ECONNREFUSED');
    assert.equal(refused?.attributes['url.path'], undefined);
    await agent.close();
  });

  it("carry the context in each of undici's header shapes, dropping a caller's", () => {
    const ctx = parentContext();
    const expected = ['traceparent', PARENT];
    assert.deepEqual(withTraceContext(undefined, ctx), { traceparent: PARENT });
    assert.deepEqual(withTraceContext({ Accept: 'x', TraceParent: 'old', tracestate: 'old' }, ctx), ['Accept', 'x', ...expected]);
    assert.deepEqual(withTraceContext(['accept', 'x', 'traceparent', 'old'], ctx), ['accept', 'x', ...expected]);
    assert.deepEqual(withTraceContext(new Map([['accept', ['a', 'b']]]), ctx), ['accept', 'a', 'accept', 'b', ...expected]);
    assert.deepEqual(withTraceContext({ accept: 'x' }, ROOT_CONTEXT), { accept: 'x' }, 'no span, nothing added');
  });
});

describe('check spans', () => {
  const allow: CheckOutcome = { kind: 'allow', status: 200, user: 'alice@example.com', reasons: [REASONS.groupOk], headers: ['X-Auth-Request-User', 'alice', SOURCE_HEADER, 'bearer'] };
  const adapter = (outcome: CheckOutcome, refuse = false): ProxyAdapter => ({
    endpoint: '/oauth2/auth',
    read: () => (refuse ? { refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail: 'x' } : { routeQuery: '', facts: () => { throw new Error('unused'); }, original: undefined }),
    answer: (_outcome, _request, _req, res) => {
      res.writeHead(outcome.status).end();
      return outcome.status;
    },
    refuse: (_refusal, res) => {
      res.writeHead(400).end();
      return 400;
    },
  });

  /** Serves one check through `tracing` and returns its span. */
  const oneCheck = async (recordUser: boolean, outcome: CheckOutcome, refuse = false, headers: Record<string, string> = {}) => {
    const tracing = createCheckTracing(tracer, adapter(outcome, refuse), recordUser);
    const check = createServer(
      tracing.wrap((req, res) => {
        const read = tracing.adapter.read(req);
        if ('refused' in read) tracing.adapter.refuse(read, res);
        else tracing.adapter.answer(outcome, read, req, res);
      }),
    );
    await new Promise<void>((resolve) => check.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(check.address() as AddressInfo).port}/oauth2/auth?allowed_groups=admins`;
    await (await request(url, { headers })).body.text();
    check.closeAllConnections();
    await new Promise((resolve) => check.close(resolve));
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    return span;
  };

  it('carry the result, reasons and source, and take their parent from traceparent', async () => {
    const span = await oneCheck(false, allow, false, { traceparent: PARENT });
    assert.equal(span.name, 'GET /oauth2/auth');
    assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assert.equal(span.attributes['gatehouse.decision.result'], 'allow');
    assert.deepEqual(span.attributes['gatehouse.decision.reasons'], allow.reasons);
    assert.equal(span.attributes['gatehouse.identity.source'], 'bearer');
    assert.equal(span.attributes['url.path'], '/oauth2/auth');
    assert.equal(span.attributes['enduser.id'], undefined);
  });

  it('name the user only with GATEHOUSE_TRACING_RECORD_USER', async () => {
    assert.equal((await oneCheck(true, allow)).attributes['enduser.id'], 'alice@example.com');
  });

  it("export nothing for a check its caller did not sample, whose calls say so downstream", async () => {
    const agent = new Agent().compose(outboundInterceptor(tracer, 'provider'));
    const tracing = createCheckTracing(tracer, adapter(allow), false);
    const check = createServer(
      tracing.wrap((req, res) => {
        void request(`${origin}/userinfo`, { dispatcher: agent })
          .then((answer) => answer.body.text())
          .then(() => tracing.adapter.answer(allow, { routeQuery: '', facts: () => ({}) as never, original: undefined }, req, res));
      }),
    );
    await new Promise<void>((resolve) => check.listen(0, '127.0.0.1', resolve));
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    await (await request(`http://127.0.0.1:${(check.address() as AddressInfo).port}/oauth2/auth`, { headers: { traceparent: unsampled } })).body.text();
    check.closeAllConnections();
    await new Promise((resolve) => check.close(resolve));
    await agent.close();
    assert.deepEqual(exporter.getFinishedSpans(), []);
    const [, traceId, , flags] = String(seen[0]?.traceparent).split('-');
    assert.equal(traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(flags, '00');
  });

  it('record a refused request as an error with its reason', async () => {
    const span = await oneCheck(false, allow, true);
    assert.equal(span.attributes['gatehouse.decision.result'], 'error');
    assert.deepEqual(span.attributes['gatehouse.decision.reasons'], [REASONS.forwardedRequestInvalid]);
    assert.equal(span.attributes['http.response.status_code'], 400);
  });
});

describe('store spans', () => {
  it('wrap each operation, its failure included, without its key', async () => {
    const traced = createStoreSpans(tracer, redisTestConfig('redis://127.0.0.1:6390/2'));
    assert.equal(await context.with(parentContext(), () => traced('get', async () => 'value')), 'value');
    await assert.rejects(traced('set', async () => Promise.reject(new TypeError('down'))));
    const [get, set] = exporter.getFinishedSpans();
    assert.equal(get?.name, 'redis get');
    assert.equal(get?.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assert.deepEqual(get?.attributes, { 'db.system.name': 'redis', 'server.address': '127.0.0.1', 'server.port': 6390, 'db.namespace': '2', 'gatehouse.store.operation': 'get' });
    assert.equal(set?.attributes['error.type'], 'TypeError');
    assert.equal(set?.status.code, 2);
    assert.equal(trace.getActiveSpan(), undefined);
  });
});

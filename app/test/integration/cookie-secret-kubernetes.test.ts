/**
 * Cookie keys from a Kubernetes Secret, against the kube-apiserver stand-in (TLS with a private CA,
 * gatehouse's own token, the chart's narrow RBAC): three replicas starting at once against an
 * empty API agree on one key (one create wins, the others meet 409 and read it), so a session
 * signed in at one is good at the others; a replica started later reads the Secret and creates
 * nothing; a key added to the Secret (as `kubectl replace` writes it) is picked up by every
 * replica without a restart while old cookies keep working; missing RBAC or a Secret without
 * valid keys stops start-up with a message naming what to fix and never the keys; an API answering
 * 503 at first is waited out.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { startKubeApiServerForGatehouse, type KubeApiServerForGatehouse } from '../support/kube-apiserver.ts';

const NAME = 'gatehouse-cookie-keys';
const SECRETS = '/api/v1/namespaces/auth/secrets';
// The chart's Role for cookie.fromKubernetes, and an operator who rotates keys.
const GRANTS = [
  { subject: { user: 'system:serviceaccount:auth:gatehouse' }, verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [NAME], namespace: 'auth' },
  { subject: { user: 'system:serviceaccount:auth:gatehouse' }, verbs: ['create'], apiGroups: [''], resources: ['secrets'], namespace: 'auth' },
  { subject: { user: 'system:serviceaccount:ops:admin' }, verbs: ['get', 'update'], apiGroups: [''], resources: ['secrets'], namespace: 'auth' },
];
const silent = { write: () => {} };

describe('cookie keys from a Kubernetes Secret', () => {
  let kube: KubeApiServerForGatehouse;
  let idp: TestIdp;
  let redis: RedisServerHandle;
  let ca: Agent;
  let operator: string;
  const replicas: Array<{ server: RunningServer; origin: string }> = [];
  let ports: number[];
  let clientSecret: string;

  const start = async (index: number, extra: Record<string, string> = {}): Promise<RunningServer> => {
    const [port, metricsPort] = [ports[index * 2] as number, ports[index * 2 + 1] as number];
    const origin = `http://127.0.0.1:${port}`;
    // No GATEHOUSE_COOKIE_SECRET: the keys come from the Secret.
    const { GATEHOUSE_COOKIE_SECRET: _none, ...env } = localGatehouseEnv({ issuer: idp.issuer, clientSecret, origin, port, metricsPort }, {
      ...kube.env('unused'),
      GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: NAME,
      GATEHOUSE_KUBERNETES_NAMESPACE: 'auth',
      GATEHOUSE_SESSION_STORE: 'redis',
      GATEHOUSE_REDIS_URL: redis.url,
      GATEHOUSE_LOG_LEVEL: 'warn',
      ...extra,
    });
    const server = await startServer(loadConfig(env), { logDestination: silent, keyFilePollMs: 100 });
    replicas.push({ server, origin });
    return server;
  };

  before(async () => {
    kube = await startKubeApiServerForGatehouse(GRANTS);
    redis = await startRedisServer();
    ports = await freePorts(10);
    clientSecret = randomBytes(16).toString('hex');
    const origins = Array.from({ length: 5 }, (_, i) => `http://127.0.0.1:${ports[i * 2]}/oauth2/callback`);
    idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: origins }] });
    ca = new Agent({ connect: { ca: readFileSync(kube.env('unused').GATEHOUSE_KUBERNETES_CA_FILE as string, 'utf8') } });
    operator = await kube.signer.issue({ namespace: 'ops', name: 'admin', audiences: [kube.signer.issuer] });
  });
  after(async () => {
    for (const { server } of replicas) await server.stop();
    await ca?.close();
    await idp?.close();
    await redis?.stop();
    await kube?.close();
  });

  const check = (origin: string, cookie: string) => httpRequest(`${origin}/oauth2/auth`, { headers: { cookie } }).then((r) => r.status);
  // A create is the only call on the collection's path; reads and replaces name the Secret.
  const creates = () => kube.standIn.requestLog.filter((r) => r.path === SECRETS);

  it('three replicas starting at once against an empty API agree on one key: a session from one is good at the others', async () => {
    const three = await Promise.all([0, 1, 2].map((i) => start(i)));
    const stored = kube.standIn.secrets.get('auth', NAME);
    assert.ok(stored, 'the Secret was created');
    const key = Buffer.from(Buffer.from(stored.data['cookie-secret'] as string, 'base64').toString(), 'base64');
    for (const server of three) assert.ok(server.deps.config.cookie.keys[0]?.equals(key), 'every replica holds the stored key');
    const made = creates();
    assert.equal(made.filter((c) => c.status === 201).length, 1, 'one create won');
    assert.ok(made.every((c) => c.status === 201 || c.status === 409), 'the others met AlreadyExists');
    const [a, b, c] = replicas as [(typeof replicas)[0], (typeof replicas)[0], (typeof replicas)[0]];
    const cookie = (await signInOverHttp(a.origin, { login: 'alice', password: 'alice' })).cookieHeader;
    assert.deepEqual([await check(a.origin, cookie), await check(b.origin, cookie), await check(c.origin, cookie)], [200, 200, 200]);
  });

  it('a replica started later reads the Secret and creates nothing', async () => {
    const createsBefore = creates().length;
    const late = await start(3);
    assert.equal(creates().length, createsBefore);
    assert.ok(late.deps.config.cookie.keys[0]?.equals(replicas[0]?.server.deps.config.cookie.keys[0] as Buffer));
  });

  it('a key added to the Secret reaches every replica without a restart; cookies sealed before still work', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const before = (await signInOverHttp(a.origin, { login: 'bob', password: 'bob' })).cookieHeader;
    const current = await (await fetch(`${kube.standIn.url}${SECRETS}/${NAME}`, { dispatcher: ca, headers: { authorization: `Bearer ${operator}` } })).json() as { metadata: object; data: Record<string, string> };
    const oldText = Buffer.from(current.data['cookie-secret'] as string, 'base64').toString();
    const fresh = randomBytes(32);
    // What `kubectl replace` sends: the object as read, its resourceVersion included, with the new key first.
    const replaced = await fetch(`${kube.standIn.url}${SECRETS}/${NAME}`, {
      method: 'PUT',
      dispatcher: ca,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...current, data: { 'cookie-secret': Buffer.from(`${fresh.toString('base64')},${oldText}`).toString('base64') } }),
    });
    assert.equal(replaced.status, 200);
    for (let i = 0; i < 100 && !replicas.every(({ server }) => server.deps.sealer.generation() > 0); i++) await sleep(50);
    for (const { server } of replicas) assert.equal(server.deps.sealer.generation(), 1, 'each replica applied the new key list once');
    assert.equal(await check(b.origin, before), 200, 'a cookie sealed with the old key still opens');
    const after = (await signInOverHttp(b.origin, { login: 'carol', password: 'carol' })).cookieHeader;
    assert.equal(await check(a.origin, after), 200, 'a cookie sealed with the new key opens everywhere');
    const sealed = replicas[0]?.server.deps.sealer.seal(Buffer.from('x'), 'probe') as string;
    const only = (await import('../../src/session/seal.ts')).createSealer([fresh]);
    assert.deepEqual(only.unseal(sealed, 'probe'), Buffer.from('x'), 'the new key seals');
  });

  it('without the RBAC to read the Secret, or with a Secret holding no valid keys, start-up stops and says why', async () => {
    await assert.rejects(start(4, { GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'not-granted' }), (err: Error) => {
      assert.match(err.message, /cookie keys' Secret auth\/not-granted: gatehouse may not read or create it \(RBAC: get on secrets\/not-granted/);
      return true;
    });
    const current = await (await fetch(`${kube.standIn.url}${SECRETS}/${NAME}`, { dispatcher: ca, headers: { authorization: `Bearer ${operator}` } })).json() as { metadata: object };
    await fetch(`${kube.standIn.url}${SECRETS}/${NAME}`, {
      method: 'PUT',
      dispatcher: ca,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...current, data: { 'cookie-secret': Buffer.from('short-and-secret').toString('base64') } }),
    });
    await assert.rejects(start(4), (err: Error) => {
      assert.match(err.message, /^the Secret auth\/gatehouse-cookie-keys: cookie-secret must be 32 bytes/);
      assert.doesNotMatch(err.message, /short-and-secret/);
      return true;
    });
    await sleep(300);
    assert.equal(replicas[0]?.server.deps.sealer.generation(), 1, 'running replicas keep the keys in use');
  });
});

describe('cookie keys from a Kubernetes Secret, the API overloaded at start-up', () => {
  let kube: KubeApiServerForGatehouse;
  let server: RunningServer | undefined;
  before(async () => {
    kube = await startKubeApiServerForGatehouse(GRANTS);
  });
  after(async () => {
    await server?.stop();
    await kube?.close();
  });

  it('answers of 503 are waited out, growing the pause each time, and the Secret is made once the API answers', async () => {
    kube.standIn.secrets.fail(2, 503);
    const [port = 0, metricsPort = 0] = await freePorts(2);
    const { GATEHOUSE_COOKIE_SECRET: _none, ...env } = localGatehouseEnv({ issuer: 'http://127.0.0.1:9/unused', clientSecret: 'x', origin: `http://127.0.0.1:${port}`, port, metricsPort }, {
      ...kube.env('unused'),
      GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: NAME,
      GATEHOUSE_KUBERNETES_NAMESPACE: 'auth',
      GATEHOUSE_LOG_LEVEL: 'warn',
    });
    const started = Date.now();
    server = await startServer(loadConfig(env), { logDestination: silent });
    assert.ok(Date.now() - started >= 1400, 'it waited 0.5 s, then 1 s, before asking again');
    assert.deepEqual(kube.standIn.requestLog.filter((r) => r.path.startsWith(SECRETS)).map((r) => r.status), [503, 503, 404, 201]);
    assert.equal(server.deps.config.cookie.keys.length, 1);
  });
});

/**
 * Two gatehouse replicas on a real redis-server, signing in through the Elasticsearch stand-in's
 * OpenID Connect realm: a session made on one replica is answered on both with Elasticsearch's
 * token, and a token due for refresh is refreshed exactly once however the checks are spread —
 * Elasticsearch takes each refresh token once, so a second refresh on the other replica would be
 * refused and end the session.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../stand-ins/elasticsearch/stand-in.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.ts';

const FACILITATOR = { username: 'facilitator', password: 'facilitator-password', roles: ['facilitator-role'] };

describe('two replicas on Redis, signing in through the Elasticsearch realm', () => {
  let redis: RedisServerHandle;
  let es: ElasticsearchStandIn;
  let stack: Stack;
  before(async () => {
    redis = await startRedisServer();
    const clientSecret = randomBytes(16).toString('hex');
    // 30 s Elasticsearch tokens and gatehouse's 60 s refresh window: every session is due at once.
    es = await startElasticsearchStandIn({ admin: FACILITATOR, roles: { 'facilitator-role': ['manage_oidc', 'manage_token'] }, tokenLifetimeSeconds: 30 });
    stack = await startStack({
      gatehousePorts: await freePorts(2),
      gatehouseMetricsPorts: await freePorts(2),
      extraIdpClients: (baseUrl) => [{ clientId: 'elasticsearch-rp', clientSecret, redirectUris: [`${baseUrl}/oauth2/callback`], pkce: false }],
      gatehouseEnv: {
        GATEHOUSE_SESSION_STORE: 'redis',
        GATEHOUSE_REDIS_URL: redis.url,
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: FACILITATOR.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: FACILITATOR.password,
        GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc1',
        GATEHOUSE_BACKEND: 'elasticsearch-oidc',
      },
    });
    es.addOidcRealm({
      name: 'oidc1',
      issuer: stack.idp.issuer,
      clientId: 'elasticsearch-rp',
      clientSecret,
      redirectUri: `${stack.baseUrl}/oauth2/callback`,
      requestedScopes: ['profile', 'groups'],
      claims: { principal: 'preferred_username', groups: 'groups' },
      roleMappings: [{ roles: ['viewer'] }],
    });
  });
  after(async () => {
    await stack?.stop();
    await es?.close();
    await redis?.stop();
  });

  const direct = (replica: number, cookie: string) => httpRequest(`http://127.0.0.1:${stack.gatehouse[replica]?.port}/oauth2/auth`, { headers: { cookie } });
  const refreshes = (): number => es.requestLog.filter((r) => r.path === '/_security/oauth2/token').length;

  it('50 concurrent checks across both replicas on a token due for refresh: exactly one refresh, every answer a token Elasticsearch takes', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    const before = refreshes();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => direct(i % 2, cookieHeader)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(refreshes() - before, 1, 'one refresh reached Elasticsearch');
    const tokens = [...new Set(answers.map((a) => String(a.headers.authorization)))];
    assert.ok(tokens.length <= 2, 'the old token or the one refreshed token');
    assert.ok(es.authenticate(tokens.at(-1) as string));
    assert.equal((await direct(0, cookieHeader)).headers.authorization, (await direct(1, cookieHeader)).headers.authorization, 'both replicas answer with the refreshed token');
  });
});

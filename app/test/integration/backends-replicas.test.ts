/**
 * Two replicas configured as an elastauth user would (the Redis cache, no `secret_key`): they share
 * one credential cache in a real redis-server, so concurrent first requests spread over both make
 * one Elasticsearch user, and every password either hands out is the one Elasticsearch accepts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';

const SECRET = 'upstream-secret-0123456789abcdef';

describe('Elasticsearch credentials shared by replicas through Redis', () => {
  let es: ElasticsearchStandIn;
  let redis: RedisServerHandle;
  let replicas: SourceServer[];
  before(async () => {
    es = await startElasticsearchStandIn();
    redis = await startRedisServer();
    const env = {
      GATEHOUSE_AUTH_PROVIDER: 'authelia',
      GATEHOUSE_TRUSTED_HEADER_SECRET: SECRET,
      GATEHOUSE_BACKEND: 'elasticsearch',
      GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
      GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
      GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
      GATEHOUSE_SESSION_STORE: 'redis',
      GATEHOUSE_REDIS_URL: redis.url,
    };
    // No cookie secret: each replica makes its own, and the cache key comes from the admin password.
    replicas = [await startSourceServer(env), await startSourceServer(env)];
  });
  after(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await redis?.stop();
    await es?.close();
  });

  it('concurrent first requests over both replicas: one upsert, one password, accepted', async () => {
    const headers = { 'x-gatehouse-upstream-secret': SECRET, 'remote-user': 'frank', 'remote-groups': 'devs' };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (replicas[i % 2] as SourceServer).check('', headers)));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    assert.equal(es.upserts('frank'), 1);
    const passwords = new Set(answers.map((answer) => answer.headers.authorization));
    assert.equal(passwords.size, 1);
    assert.ok(es.authenticate([...passwords][0] ?? ''));
  });
});

/**
 * The Grafana dashboard shipped in the chart queries only what gatehouse exports. A gatehouse runs
 * in-process with every part the dashboard shows (Redis store, the Elasticsearch backend against
 * its stand-in, a config file, the proxy endpoints), traffic makes each metric emit samples (a
 * sign-in, a failed callback, checks allowed, denied and unauthenticated at each endpoint, a
 * refresh, an upsert and an Elasticsearch failure, a sign-out everywhere, a reload, a Redis
 * outage), and every query's metric and label names are compared with the scraped exposition.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../app/test/support/harness.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../stand-ins/elasticsearch/stand-in.ts';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.ts';
import { checkQueries, dashboardQueries, exposedNames } from './check-dashboard.ts';

const DASHBOARD = join(import.meta.dirname, '../../chart/files/grafana-dashboard.json');
const nginx = { 'x-original-url': 'https://app.example.com/reports', 'x-original-method': 'GET' };
const forwarded = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/', 'x-forwarded-for': '198.51.100.7' };

describe('the Grafana dashboard against a running gatehouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-dashboard-'));
  let redis: RedisServerHandle;
  let es: ElasticsearchStandIn;
  let h: Harness;
  let exposition = '';
  before(async () => {
    redis = await startRedisServer();
    es = await startElasticsearchStandIn();
    writeFileSync(join(dir, 'config.yaml'), 'default_roles: [kibana_user]\n');
    h = await startHarness({
      GATEHOUSE_SESSION_STORE: 'redis',
      GATEHOUSE_REDIS_URL: redis.url,
      GATEHOUSE_REDIS_LOCAL_TTL: '0',
      GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
      GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
      GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
      GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32',
      GATEHOUSE_CONFIG_FILE: join(dir, 'config.yaml'),
    });
    const alice = await h.signIn('alice');
    const bob = await h.signIn('bob');
    await h.request('/oauth2/callback?state=unknown&code=x');
    for (const cookie of [alice, undefined]) {
      const auth: Record<string, string> = cookie === undefined ? {} : { cookie };
      await h.request('/oauth2/auth?allowed_groups=admins', { headers: { ...nginx, ...auth } });
      await h.request('/oauth2/forward-auth', { headers: { ...forwarded, ...auth } });
      await h.request('/oauth2/ext-authz/reports', { headers: { host: 'app.example.com', ...auth } });
    }
    await h.request('/oauth2/auth?allowed_groups=nobody', { headers: { cookie: alice } });
    await h.request('/oauth2/auth?backend=elasticsearch', { headers: { cookie: alice } });
    es.setFault({ kind: 'status', status: 503 });
    await h.request('/oauth2/auth?backend=elasticsearch', { headers: { cookie: bob } });
    es.setFault(undefined);
    // The test provider's access tokens live 300 s and are refreshed 60 s before they expire.
    h.advance(250_000);
    await h.request('/oauth2/auth', { headers: { cookie: alice } });
    await h.request('/oauth2/sign_out?everywhere=true', { headers: { cookie: bob } });
    h.server.deps.identity.reload('SIGHUP');
    await redis.stop();
    await h.request('/oauth2/auth', { headers: { cookie: alice } });
    exposition = await (await fetch(`${h.metricsUrl}/metrics`)).text();
  });
  after(async () => {
    await h?.stop();
    await es?.close();
    await redis?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('every query names metrics and labels gatehouse exports', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Parameters<typeof dashboardQueries>[0];
    const queries = dashboardQueries(dashboard);
    assert.ok(queries.length >= 25, `the dashboard's queries were found (${queries.length})`);
    assert.deepEqual(checkQueries(queries, exposedNames(exposition)), []);
  });

  it('the traffic reached every part the dashboard shows', () => {
    for (const sample of [
      /gatehouse_http_requests_total\{endpoint="\/oauth2\/forward-auth",code="200"\}/,
      /gatehouse_http_requests_total\{endpoint="\/oauth2\/ext-authz",code="401"\}/,
      /gatehouse_auth_decisions_total\{result="deny",reason="group-unauthorized"\}/,
      /gatehouse_logins_total\{stage="failed",reason="[a-z-]+"\}/,
      /gatehouse_token_refreshes_total\{outcome="success"\} 1/,
      /gatehouse_sessions_revoked_total\{reason="sign_out_everywhere"\}/,
      /gatehouse_store_errors_total\{operation="\w+"\} [1-9]/,
      /gatehouse_elasticsearch_upserts_total\{outcome="created"\} 1/,
      /gatehouse_elasticsearch_errors_total\{operation="\w+"\} [1-9]/,
      /gatehouse_config_reloads_total\{outcome="unchanged"\} 1/,
    ]) {
      assert.match(exposition, sample);
    }
  });

  it('a query on a metric or label gatehouse does not export fails the check', () => {
    const exposed = exposedNames(exposition);
    const problems = checkQueries(
      [
        { where: 'misspelt metric', expr: 'sum(rate(gatehouse_http_request_total[5m]))' },
        { where: 'missing label', expr: 'sum by (route) (rate(gatehouse_auth_decisions_total[5m]))' },
      ],
      exposed,
    );
    assert.deepEqual(problems, [
      'misspelt metric: gatehouse_http_request_total is not in the exposition',
      'missing label: gatehouse_auth_decisions_total has no label route to group or match by',
    ]);
  });
});

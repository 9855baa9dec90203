import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configuredBackends, createRoutePolicyCache } from '../policy/route-policy-cache.ts';
import { ConfigError, loadConfig } from './load-config.ts';

// Sign-in through Elasticsearch's realm: no GATEHOUSE_OIDC_* at all, gatehouse is no relying party.
const realm = {
  GATEHOUSE_REDIRECT_URL: 'https://kibana.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
  GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://es.example.com:9200',
  GATEHOUSE_ELASTICSEARCH_USERNAME: 'facilitator',
  GATEHOUSE_ELASTICSEARCH_PASSWORD: 'facilitator-password',
  GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc1',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('a realm, Elasticsearch and the callback are enough: no provider client, the backend offered', () => {
  const config = loadConfig({ ...realm, GATEHOUSE_BACKEND: 'elasticsearch-oidc' });
  assert.deepEqual(config.backend.elasticsearchOidc, { realm: 'oidc1', issuer: undefined });
  assert.equal(config.backend.default, 'elasticsearch-oidc');
  assert.equal(config.oidc, undefined, 'no provider discovery: Elasticsearch is the relying party');
  assert.equal(config.login?.redirectUrl?.href, 'https://kibana.example.com/oauth2/callback');
  const byIssuer = loadConfig({ ...realm, GATEHOUSE_ELASTICSEARCH_OIDC_REALM: '', GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: 'https://op.example.org' });
  assert.deepEqual(byIssuer.backend.elasticsearchOidc, { realm: undefined, issuer: 'https://op.example.org' });
});

test('provider settings beside a realm serve the bearer source only', () => {
  const provider = { GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com', GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse' };
  assert.equal(loadConfig({ ...realm, ...provider }).oidc, undefined);
  const both = loadConfig({ ...realm, ...provider, GATEHOUSE_IDENTITY_SOURCES: 'bearer,session' });
  assert.equal(both.oidc?.clientId, 'gatehouse');
});

test('every problem of the realm settings is named at once', () => {
  assert.deepEqual(problemsOf({ ...realm, GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: 'not a url', GATEHOUSE_ELASTICSEARCH_HOSTS: '' }), [
    'GATEHOUSE_ELASTICSEARCH_OIDC_REALM and GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER are both set; prepare takes one of realm or iss',
    'GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: "not a url" is not an http(s) URL (the realm\'s op.issuer)',
    'GATEHOUSE_ELASTICSEARCH_OIDC_REALM (or GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER) needs GATEHOUSE_ELASTICSEARCH_HOSTS: the Elasticsearch whose realm signs users in',
  ]);
  assert.ok(problemsOf({ ...realm, GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc 1' }).some((p) => p.includes('without spaces')));
  assert.ok(problemsOf({ ...realm, GATEHOUSE_ELASTICSEARCH_DRY_RUN: 'true' }).some((p) => p.startsWith('GATEHOUSE_ELASTICSEARCH_DRY_RUN cannot be on')));
  const { GATEHOUSE_ELASTICSEARCH_PASSWORD: _omit, ...noPassword } = realm;
  assert.ok(problemsOf(noPassword).some((p) => p.startsWith('GATEHOUSE_ELASTICSEARCH_PASSWORD is required')));
});

test('the realm needs the session source, and the backend needs the realm', () => {
  assert.ok(
    problemsOf({ ...realm, GATEHOUSE_IDENTITY_SOURCES: 'trusted-headers', GATEHOUSE_TRUSTED_HEADER_SECRET: 'a-secret-of-enough-length' }).includes(
      'GATEHOUSE_ELASTICSEARCH_OIDC_REALM (or GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER) signs browsers in and needs the session source: GATEHOUSE_AUTH_PROVIDER=login, or session in GATEHOUSE_IDENTITY_SOURCES',
    ),
  );
  const { GATEHOUSE_ELASTICSEARCH_OIDC_REALM: _omit, ...noRealm } = realm;
  const problems = problemsOf({ ...noRealm, GATEHOUSE_BACKEND: 'elasticsearch-oidc' });
  assert.ok(problems.some((p) => p.startsWith('GATEHOUSE_BACKEND=elasticsearch-oidc needs GATEHOUSE_ELASTICSEARCH_OIDC_REALM')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('GATEHOUSE_OIDC_ISSUER_URL is required')), 'without a realm, the session source is a relying party again');
});

test('a route may name backend=elasticsearch-oidc only where the realm is configured', () => {
  const plain = {
    ...realm,
    GATEHOUSE_ELASTICSEARCH_OIDC_REALM: '',
    GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
    GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
    GATEHOUSE_OIDC_CLIENT_SECRET: 's3cret',
  };
  const routeOf = (env: Record<string, string>) =>
    createRoutePolicyCache(() => new Map(), { backends: configuredBackends(loadConfig(env).backend), sources: ['session'] });
  assert.equal(routeOf(realm)('backend=elasticsearch-oidc').backend, 'elasticsearch-oidc');
  assert.throws(() => routeOf(plain)('backend=elasticsearch-oidc'), /backend=elasticsearch-oidc is not configured/);
  assert.throws(() => routeOf(realm)('backend=elasticsearch-odic'), /backend must be one of none, elasticsearch, elasticsearch-oidc, eventstore/);
});

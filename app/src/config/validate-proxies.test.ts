import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV as valid } from '../../test/support/config-env.ts';



test('the sign-in URL defaults to /oauth2/start beside the callback; no proxy is trusted by default', () => {
  const config = loadConfig(valid);
  assert.equal(config.proxies.signinUrl?.href, 'https://app.example.com/oauth2/start');
  assert.deepEqual(config.proxies.trust, { sources: [], secret: undefined });
});

test('a shared sign-in host and trusted proxies by network and secret', () => {
  const config = loadConfig({
    ...valid,
    GATEHOUSE_SIGNIN_URL: 'https://auth.example.com/oauth2/start',
    GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.0.0.0/8, fd00::/8',
    GATEHOUSE_TRUSTED_PROXY_SECRET: 'a'.repeat(16) + ',' + 'b'.repeat(20),
  });
  assert.equal(config.proxies.signinUrl?.href, 'https://auth.example.com/oauth2/start');
  assert.deepEqual(config.proxies.trust.sources, ['10.0.0.0/8', 'fd00::/8']);
  assert.deepEqual(config.proxies.trust.secret, { header: 'X-Gatehouse-Proxy-Secret', values: ['a'.repeat(16), 'b'.repeat(20)] });
});

test('without browser sign-in there is no sign-in URL, and setting one is a problem', () => {
  const bearerOnly = { GATEHOUSE_AUTH_PROVIDER: 'oidc', GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com', GATEHOUSE_OIDC_CLIENT_ID: 'api' };
  assert.equal(loadConfig(bearerOnly).proxies.signinUrl, undefined);
  assert.ok(problemsOf({ ...bearerOnly, GATEHOUSE_SIGNIN_URL: 'https://auth.example.com/oauth2/start' }).some((p) => p.includes('browser sign-in is not configured')));
});

test('every proxy problem is named, all at once', () => {
  const problems = problemsOf({
    ...valid,
    GATEHOUSE_SIGNIN_URL: 'https://u:p@auth.example.com/oauth2/start?x=1',
    GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.0.0.0/33,not-a-network',
    GATEHOUSE_TRUSTED_PROXY_SECRET: 'short',
    GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER: 'Bad Header:',
  });
  for (const expected of [
    'GATEHOUSE_SIGNIN_URL must have no query',
    'GATEHOUSE_SIGNIN_URL must not hold credentials',
    'GATEHOUSE_TRUSTED_PROXY_SOURCES[0]',
    'GATEHOUSE_TRUSTED_PROXY_SOURCES[1]',
    'GATEHOUSE_TRUSTED_PROXY_SECRET[0]: must be at least 16 characters',
    'GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER must be a header name',
  ]) {
    assert.ok(problems.some((p) => p.startsWith(expected)), `${expected} in ${problems.join(' | ')}`);
  }
  for (const raw of ['/oauth2/start', 'ftp://auth.example.com/oauth2/start']) {
    assert.ok(problemsOf({ ...valid, GATEHOUSE_SIGNIN_URL: raw }).some((p) => p.startsWith('GATEHOUSE_SIGNIN_URL')), raw);
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { problemsOf, VALID_ENV } from '../../test/support/config-env.ts';
import { loadConfig } from './load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-providers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const secretFile = join(dir, 'secret');
writeFileSync(secretFile, 'partner-secret\n');
let files = 0;

/** The environment with a config file holding `doc`. */
function withFile(doc: unknown, env: Record<string, string> = VALID_ENV): Record<string, string> {
  const path = join(dir, `config-${files++}.yaml`);
  writeFileSync(path, stringify(doc));
  return { ...env, GATEHOUSE_CONFIG_FILE: path };
}

const partners = { id: 'partners', name: 'Partner account', issuer: 'https://partners.example.org', client_id: 'gh', client_secret_file: secretFile };

test('listed providers load with their secret from the file, hosts lower-cased and scopes defaulted', () => {
  const config = loadConfig(withFile({ providers: [{ ...partners, hosts: ['Partners.Example.com', '.b2b.example.com'] }] }));
  assert.equal(config.providers.length, 1);
  const [listed] = config.providers;
  assert.equal(listed?.id, 'partners');
  assert.equal(listed?.name, 'Partner account');
  assert.equal(listed?.oidc.clientSecret, 'partner-secret');
  assert.equal(listed?.oidc.issuerUrl.href, 'https://partners.example.org/');
  assert.deepEqual(listed?.oidc.scopes, ['openid', 'profile', 'email']);
  assert.deepEqual(listed?.hosts, ['partners.example.com', '.b2b.example.com']);
  assert.ok(config.oidc, 'the GATEHOUSE_OIDC_* provider stays');
  assert.deepEqual(loadConfig(VALID_ENV).providers, [], 'no list, no listed providers');
});

test('with listed providers the GATEHOUSE_OIDC_* provider is optional for sign-in, but not for Bearer tokens', () => {
  const { GATEHOUSE_OIDC_ISSUER_URL: _i, GATEHOUSE_OIDC_CLIENT_ID: _c, GATEHOUSE_OIDC_CLIENT_SECRET: _s, ...rest } = VALID_ENV;
  const config = loadConfig(withFile({ providers: [partners] }, rest));
  assert.equal(config.oidc, undefined);
  assert.equal(config.providers[0]?.id, 'partners');
  const problems = problemsOf(withFile({ providers: [partners] }, { ...rest, GATEHOUSE_IDENTITY_SOURCES: 'session,bearer' }));
  assert.ok(problems.some((p) => p.startsWith('GATEHOUSE_OIDC_ISSUER_URL is required')), problems.join('\n'));
  assert.ok(problemsOf(rest).some((p) => p.startsWith('GATEHOUSE_OIDC_ISSUER_URL is required')), 'without a list it is required as before');
});

test('every problem of the list is reported at once, naming the provider and key', () => {
  const problems = problemsOf(
    withFile({
      providers: [
        { ...partners, issuer: 'http://partners.example.org', scopes: ['email'], hosts: ['not a host'], colour: 'blue' },
        { ...partners, id: 'default' },
        { id: 'Bad Id' },
        { ...partners, id: 'nosecret', client_secret_file: join(dir, 'missing') },
        { ...partners, id: 'noclient', client_id: '' },
        { ...partners, id: 'other', hosts: ['partners.example.com'] },
        { ...partners, id: 'another', hosts: ['partners.example.com'] },
        { ...partners, id: 'other' },
        'text',
      ],
    }),
  );
  const expected = [
    'providers[0]: unknown key "colour"',
    'providers.partners.issuer uses http:',
    'providers.partners.scopes: must include openid',
    'providers.partners.hosts: "not a host" is not a host name',
    'providers.default: the id "default" names the GATEHOUSE_OIDC_* provider',
    'providers[2].id: must be 1 to 32 lower-case letters',
    'providers.nosecret.client_secret_file: cannot read',
    'providers.noclient.client_id: is required',
    'providers.another.hosts: "partners.example.com" is already a host of providers.other',
    'providers.other: the id is listed twice',
    'providers[8]: must be a mapping',
  ];
  for (const start of expected) assert.ok(problems.some((p) => p.startsWith(start)), `${start}\n in:\n${problems.join('\n')}`);
  assert.ok(!problems.some((p) => p.includes('partner-secret')), 'no secret in a problem');
  assert.deepEqual(problemsOf(withFile({ providers: [] })), ['providers: must be a non-empty list of providers, each with id, issuer, client_id and client_secret_file']);
});

test('the list needs gatehouse to sign browsers in itself', () => {
  const problems = problemsOf(withFile({ providers: [partners] }, { ...VALID_ENV, GATEHOUSE_AUTH_PROVIDER: 'oidc' }));
  assert.ok(problems.some((p) => p.startsWith('providers: the listed providers sign browsers in')), problems.join('\n'));
});

test("a provider's own claims and role settings are checked with the file, prefixed with its id", () => {
  const problems = problemsOf(withFile({ providers: [{ ...partners, claims: { username: { path: 'email', pattern: '([^@]+)@x' } }, default_roles: 'reader', realm_name: '' }] }));
  for (const start of ['providers.partners: claims.username.pattern', 'providers.partners: default_roles: must be a list', 'providers.partners: realm_name']) {
    assert.ok(problems.some((p) => p.startsWith(start)), `${start}\n in:\n${problems.join('\n')}`);
  }
});

test('without GATEHOUSE_REDIRECT_URL, callbacks are per host when the allowed hosts are listed; otherwise it is required', () => {
  const { GATEHOUSE_REDIRECT_URL: _r, ...rest } = VALID_ENV;
  const config = loadConfig({ ...rest, GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: 'app1.example.com,.example.org' });
  assert.equal(config.login?.redirectUrl, undefined);
  assert.equal(config.login?.postLogoutRedirectUrl, undefined);
  assert.equal(config.proxies.signinUrl, undefined, 'sign-in goes to /oauth2/start on the original host');
  assert.ok(problemsOf(rest).some((p) => p.startsWith('GATEHOUSE_REDIRECT_URL is required')));
  const realm = { ...rest, GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: 'app1.example.com', GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc1', GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://es.example.com:9200', GATEHOUSE_ELASTICSEARCH_USERNAME: 'gh', GATEHOUSE_ELASTICSEARCH_PASSWORD: 'pw' };
  assert.ok(problemsOf(realm).some((p) => p.startsWith('GATEHOUSE_REDIRECT_URL is required')), "the realm's rp.redirect_uri is one fixed URL");
});

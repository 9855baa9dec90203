import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV } from '../../test/support/config-env.ts';

let dir: string;
let secretFile: string;
let keyFile: string;
let jwkFile: string;
const SECRET = 'introspection-secret-value';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-bearer-config-'));
  secretFile = join(dir, 'client-secret');
  writeFileSync(secretFile, `${SECRET}\n`);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  jwkFile = join(dir, 'key.jwk');
  writeFileSync(jwkFile, JSON.stringify(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function withFile(yaml: string, env: Record<string, string> = {}): Record<string, string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return { ...VALID_ENV, GATEHOUSE_IDENTITY_SOURCES: 'session,bearer', GATEHOUSE_CONFIG_FILE: file, ...env };
}

test('a list of issuers loads with every setting, the secrets read from their files', () => {
  const config = loadConfig(
    withFile(`
bearer:
  cache_size: 500
  issuers:
    - issuer: https://token.actions.githubusercontent.com
      audiences: [https://github.com/example-org]
      algorithms: [RS256]
      clock_skew: 60s
      username_prefix: "github:"
      claims: { username: repository, groups: repository_owner }
    - issuer: https://login.example.com/realms/staff
      audiences: [gatehouse, account]
      jwks_uri: https://login.example.com/realms/staff/protocol/openid-connect/certs
      introspection:
        client_id: gatehouse
        client_secret_file: ${secretFile}
        audience_claim: client_id
        max_cache: 2m
    - issuer: https://as.example.com
      audiences: [https://api.example.com]
      introspection: { endpoint: https://as.example.com/introspect, client_id: gh, auth_method: private_key_jwt, private_key_file: ${keyFile}, key_id: k1 }
    - issuer: https://as2.example.com
      audiences: [https://api.example.com]
      introspection: { client_id: gh, auth_method: client_secret_post, client_secret_file: ${secretFile} }
    - issuer: https://as3.example.com
      audiences: [https://api.example.com]
      introspection: { client_id: gh, auth_method: private_key_jwt, private_key_file: ${jwkFile} }
`),
  );
  const bearer = config.bearer;
  assert.ok(bearer);
  assert.equal(bearer.cacheSize, 500);
  const [github, staff, as, as2, as3] = bearer.issuers;
  assert.equal(github?.issuer, 'https://token.actions.githubusercontent.com');
  assert.equal(github?.discoveryUrl.href, 'https://token.actions.githubusercontent.com/.well-known/openid-configuration');
  assert.deepEqual(github?.algorithms, ['RS256']);
  assert.equal(github?.clockSkewSec, 60);
  assert.equal(github?.usernamePrefix, 'github:');
  assert.deepEqual(github?.claims?.username.source, { kind: 'path', segments: ['repository'], label: 'repository' });
  assert.equal(github?.introspection, undefined);
  assert.equal(staff?.jwksUri?.href, 'https://login.example.com/realms/staff/protocol/openid-connect/certs');
  assert.equal(staff?.claims, undefined, 'without its own mapping, the file’s claims section applies');
  assert.equal(staff?.clockSkewSec, 30);
  assert.deepEqual(staff?.introspection?.auth, { method: 'client_secret_basic', secret: SECRET });
  assert.equal(staff?.introspection?.audienceClaim, 'client_id');
  assert.equal(staff?.introspection?.maxCacheMs, 120_000);
  assert.equal(as?.introspection?.endpoint?.href, 'https://as.example.com/introspect');
  assert.deepEqual([as?.introspection?.auth.method, as?.introspection?.auth.method === 'private_key_jwt' && as.introspection.auth.alg], ['private_key_jwt', 'ES256']);
  assert.equal(as2?.introspection?.auth.method, 'client_secret_post');
  assert.equal(as3?.introspection?.auth.method === 'private_key_jwt' && as3.introspection.auth.alg, 'RS256');
  assert.ok(Object.isFrozen(bearer.issuers));
});

test('without the section, the bearer source trusts the OpenID Provider alone, as before', () => {
  assert.equal(loadConfig({ ...VALID_ENV, GATEHOUSE_IDENTITY_SOURCES: 'session,bearer' }).bearer, undefined);
});

test('every problem of the section is reported at once, naming its place; no secret is echoed', () => {
  writeFileSync(join(dir, 'not-a-key.pem'), `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`);
  const problems = problemsOf(
    withFile(`
bearer:
  cache_size: 0
  extra: 1
  issuers:
    - issuer: http://insecure.example.com
      audiences: []
      algorithms: [HS256, none, RS256]
      clock_skew: 1h
      username_prefix: "has space"
      claims: { username: { pattern: '(.*)' } }
      colour: blue
    - issuer: https://a.example.com
      audiences: [api]
    - issuer: https://a.example.com
      audiences: [api]
      jwks_uri: ftp://a.example.com/keys
      introspection: { auth_method: client_secret_post, client_secret_file: ${join(dir, 'missing')}, audience_claim: sub }
    - issuer: https://b.example.com
      audiences: [api]
      introspection: { client_id: x, auth_method: private_key_jwt, private_key_file: ${join(dir, 'not-a-key.pem')}, max_cache: 2h }
    - nonsense
`),
  );
  const expected = [
    'bearer: unknown key "extra"; known keys: issuers, cache_size',
    'bearer.issuers[0]: unknown key "colour"',
    'bearer.issuers[0].issuer: uses http:',
    'bearer.issuers[0].audiences: expected a non-empty list of strings',
    'bearer.issuers[0].algorithms: HS256, none not allowed',
    'bearer.issuers[0].clock_skew: at most 300s',
    'bearer.issuers[0].username_prefix: expected up to 64 visible ASCII characters',
    'bearer.issuers[0].claims.username',
    'bearer.issuers[2].jwks_uri: expected an https URL',
    'bearer.issuers[2].introspection.client_id: expected the client id',
    'bearer.issuers[2].introspection.audience_claim: expected aud or client_id',
    'bearer.issuers[2].introspection.client_secret_file: cannot read',
    'bearer.issuers[2].issuer: https://a.example.com is listed twice',
    'bearer.issuers[3].introspection.max_cache: at most 60m',
    'bearer.issuers[3].introspection.private_key_file: not a private key in PEM (PKCS#8) or JWK form',
    'bearer.issuers[4]: expected a mapping with issuer and audiences',
    'bearer.cache_size: expected a whole number from 1 to 1000000',
  ];
  for (const start of expected) assert.ok(problems.some((p) => p.startsWith(start)), `${start}\n in ${problems.join('\n')}`);
  assert.ok(!problems.join('\n').includes(SECRET));
});

test('the section must be read by a token source, and the provider’s validation modes do not apply to a list', () => {
  const section = 'bearer: { issuers: [{ issuer: https://a.example.com, audiences: [api] }] }\n';
  assert.ok(problemsOf(withFile(section, { GATEHOUSE_IDENTITY_SOURCES: 'session' })).some((p) => p.startsWith('bearer: the config file lists token issuers, but neither bearer nor introspection')));
  assert.ok(problemsOf(withFile(section, { GATEHOUSE_BEARER_VALIDATION: 'userinfo' })).some((p) => p.startsWith('GATEHOUSE_BEARER_VALIDATION=userinfo applies only without bearer.issuers')));
});

test('the introspection source needs an issuer with an introspection block', () => {
  const section = 'bearer: { issuers: [{ issuer: https://a.example.com, audiences: [api] }] }\n';
  assert.ok(problemsOf(withFile(section, { GATEHOUSE_IDENTITY_SOURCES: 'introspection' })).some((p) => p.startsWith('GATEHOUSE_IDENTITY_SOURCES: introspection needs at least one issuer')));
  assert.ok(problemsOf(withFile('', { GATEHOUSE_IDENTITY_SOURCES: 'session,introspection' })).some((p) => p.startsWith('GATEHOUSE_IDENTITY_SOURCES: introspection needs the config file')));
});

test('with a list of issuers, the bearer source needs no OpenID Provider', () => {
  const config = loadConfig({
    GATEHOUSE_IDENTITY_SOURCES: 'bearer',
    GATEHOUSE_CONFIG_FILE: withFile('bearer: { issuers: [{ issuer: https://token.actions.githubusercontent.com, audiences: [https://github.com/example-org] }] }\n').GATEHOUSE_CONFIG_FILE as string,
  });
  assert.equal(config.oidc, undefined);
  assert.equal(config.bearer?.issuers.length, 1);
  assert.ok(problemsOf({ GATEHOUSE_IDENTITY_SOURCES: 'bearer' }).some((p) => p.startsWith('GATEHOUSE_OIDC_ISSUER_URL is required')));
});

test('the documented example of the bearer section loads without problems', async () => {
  const { FILE_SECTIONS } = await import('./file-reference.ts');
  const section = FILE_SECTIONS.find((s) => s.keys.includes('bearer'));
  assert.ok(section);
  const config = loadConfig(withFile(section.example.replace('/etc/gatehouse/secrets/staff-introspection', secretFile)));
  assert.deepEqual(config.bearer?.issuers.map((i) => i.issuer), ['https://token.actions.githubusercontent.com', 'https://login.example.com/realms/staff']);
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV as valid } from '../../test/support/config-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-assertion-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('off by default; on, the issuer is the sign-in origin and an assertion lives a minute', () => {
  assert.equal(loadConfig(valid).assertion, undefined);
  assert.deepEqual(loadConfig({ ...valid, GATEHOUSE_ASSERTION: 'on' }).assertion, { issuer: 'https://app.example.com', keyFile: undefined, ttlMs: 60_000 });
  const shared = loadConfig({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_SIGNIN_URL: 'https://auth.example.com/oauth2/start', GATEHOUSE_ASSERTION_TTL: '2m' });
  assert.deepEqual([shared.assertion?.issuer, shared.assertion?.ttlMs], ['https://auth.example.com', 120_000]);
  assert.equal(loadConfig({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_ISSUER: 'https://gatehouse.auth.svc/x' }).assertion?.issuer, 'https://gatehouse.auth.svc/x');
});

test('a key file is read at start-up and its problems are named', () => {
  const good = join(dir, 'good.pem');
  writeFileSync(good, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  assert.equal(loadConfig({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_KEY_FILE: good }).assertion?.keyFile, good);
  const rsa = join(dir, 'rsa.pem');
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_KEY_FILE: rsa }), ['GATEHOUSE_ASSERTION_KEY_FILE: key 1 is an rsa key; use P-256 (ES256) or Ed25519 (EdDSA)']);
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_KEY_FILE: join(dir, 'missing.pem') }), [
    `GATEHOUSE_ASSERTION_KEY_FILE: cannot read ${JSON.stringify(join(dir, 'missing.pem'))} (ENOENT)`,
  ]);
});

test('bad issuers and lifetimes are named; without browser sign-in the issuer is required', () => {
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_ISSUER: 'auth.example.com', GATEHOUSE_ASSERTION_TTL: '5s' }), [
    'GATEHOUSE_ASSERTION_ISSUER: "auth.example.com" is not an absolute URL (e.g. https://auth.example.com)',
    'GATEHOUSE_ASSERTION_TTL must be between 10s and 10m: long enough to reach the upstream, short enough that a stolen one soon expires',
  ]);
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_ISSUER: 'https://auth.example.com/?a#b' }), ['GATEHOUSE_ASSERTION_ISSUER must have no query, fragment or credentials']);
  const bearerOnly = { GATEHOUSE_AUTH_PROVIDER: 'oidc', GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com', GATEHOUSE_OIDC_CLIENT_ID: 'api', GATEHOUSE_ASSERTION: 'on' };
  assert.deepEqual(problemsOf(bearerOnly), [
    'GATEHOUSE_ASSERTION_ISSUER is required without browser sign-in (there is no sign-in origin to default to), e.g. https://auth.example.com',
  ]);
  assert.equal(loadConfig({ ...bearerOnly, GATEHOUSE_ASSERTION_ISSUER: 'https://api-gate.example.com' }).assertion?.issuer, 'https://api-gate.example.com');
});

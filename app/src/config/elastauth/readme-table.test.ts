// The README's "Moving from elastauth" table says which elastauth keys gatehouse refuses and which
// it accepts with a warning; this holds each key it names to what the translation really does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { translateElastauth } from './translate-elastauth.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

/** A document showing each setting the README names, and the key path its message starts with. */
const SAMPLES: Readonly<Record<string, readonly [Record<string, unknown>, string]>> = {
  'cache.type: file': [{ cache: { type: 'file' } }, 'cache.type'],
  'proxy.enabled: true': [{ proxy: { enabled: true } }, 'proxy.enabled'],
  'enable_group_whitelist: true': [{ enable_group_whitelist: true }, 'enable_group_whitelist'],
  'use_pkce: false': [{ oidc: { use_pkce: false } }, 'oidc.use_pkce'],
  'oidc.userinfo_endpoint': [{ oidc: { userinfo_endpoint: 'https://idp.example.com/userinfo' } }, 'oidc.userinfo_endpoint'],
  'oidc.jwks_uri': [{ oidc: { jwks_uri: 'https://idp.example.com/certs' } }, 'oidc.jwks_uri'],
  'proxy.*': [{ proxy: { enabled: false, elasticsearch_url: 'https://es:9200', timeout: '30s' } }, 'proxy'],
  'proxy.enabled: false': [{ proxy: { enabled: false } }, ''],
  listen: [{ listen: '0.0.0.0:3000' }, 'listen'],
  'log_format: text': [{ log_format: 'text' }, 'log_format'],
  'enable_metrics: false': [{ enable_metrics: false }, 'enable_metrics'],
  'enableOtel: true': [{ enableOtel: true }, 'enableOtel'],
  'extend_cache: true': [{ extend_cache: true }, 'extend_cache'],
  debug: [{ debug: true }, 'debug'],
  group_whitelist: [{ group_whitelist: ['admins'] }, 'group_whitelist'],
  'cache.path': [{ cache: { type: 'memory', path: '/tmp/elastauth-cache' } }, 'cache.path'],
  'oidc.authorization_endpoint': [{ oidc: { authorization_endpoint: 'https://idp.example.com/auth' } }, 'oidc.authorization_endpoint'],
  'oidc.token_endpoint': [{ oidc: { token_endpoint: 'https://idp.example.com/token' } }, 'oidc.token_endpoint'],
  'oidc.client_auth_method': [{ oidc: { client_auth_method: 'client_secret_post' } }, 'oidc.client_auth_method'],
  'oidc.custom_headers': [{ oidc: { custom_headers: { 'X-Custom-Header': 'value' } } }, 'oidc.custom_headers'],
};

/** The backticked settings of the table row whose second cell starts with `outcome`. */
function rowKeys(outcome: string): string[] {
  const row = README.split('\n').find((line) => line.startsWith('| ') && line.split(' | ')[1]?.startsWith(outcome));
  assert.ok(row, `the README has a row "${outcome}…" in the elastauth table`);
  return [...(row.split(' | ')[0] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

function translate(doc: Record<string, unknown>) {
  const problems: string[] = [];
  const out = translateElastauth({ auth_provider: 'oidc', ...doc }, problems);
  return { problems, warnings: out.warnings };
}

test('every setting the README says is refused is refused, with a message naming it', () => {
  const keys = rowKeys('refused at start-up');
  assert.ok(keys.length >= 5);
  for (const key of keys) {
    const sample = SAMPLES[key];
    assert.ok(sample, `a sample for "${key}"`);
    const { problems } = translate(sample[0]);
    assert.ok(problems.some((p) => p.startsWith(`${sample[1]}:`)), `${key}: ${problems.join('; ') || 'accepted'}`);
  }
});

test('every setting the README says is accepted with a warning is, and is not refused', () => {
  const keys = rowKeys('accepted, each with a warning');
  assert.ok(keys.length >= 10);
  for (const key of keys) {
    const sample = SAMPLES[key];
    assert.ok(sample, `a sample for "${key}"`);
    const { problems, warnings } = translate(sample[0]);
    assert.deepEqual(problems, [], key);
    if (sample[1] !== '') assert.ok(warnings.some((w) => w.startsWith(`${sample[1]}:`)), `${key}: ${warnings.join('; ') || 'no warning'}`);
  }
});

/**
 * Properties of the elastauth translation as start-up runs it, from the file's text to the frozen
 * Config: whatever the file holds, loading ends in a Config or a ConfigError listing problems and
 * never in another error; a file whose translation has a problem never starts gatehouse; and a
 * secret (secret_key, oidc.client_secret, elasticsearch.password, credentials in a host URL) is
 * never repeated in a problem or a warning, whatever else is wrong.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../load-config.ts';
import { ELASTAUTH_KEYS, translateElastauth } from './translate-elastauth.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-elastauth-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BASE_ENV = {
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 'env-secret',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
};

/** Values near what elastauth files hold, and the ways they go wrong. */
const scalar = fc.oneof(
  fc.constantFrom('oidc', 'authelia', 'memory', 'redis', 'file', 'jwks', 'userinfo', 'both', 'true', 'false', '1h', '90m', '3600', '', 'redis:6379', 'https://es:9200', 'http://es:9200', 'openid profile', '${UNSET_VARIABLE}', 'X-Remote-User', 'debug', 'WARNING'),
  fc.boolean(),
  fc.integer({ min: -5, max: 70000 }),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('type', 'hosts', 'issuer', 'client_id', 'scopes', 'username', 'groups', 'expiration', 'redis_host', 'redis_db', 'enabled', 'header_username', 'dry_run', 'token_validation', 'use_pkce'), scalar, { maxKeys: 4 }));
const doc = fc.dictionary(fc.constantFrom(...ELASTAUTH_KEYS), value, { maxKeys: 6 });

test('property: loading any elastauth-style file ends in a Config or a ConfigError, and a translation problem never starts', () => {
  fc.assert(
    fc.property(doc, (content) => {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, stringify(content));
      const problems: string[] = [];
      translateElastauth(structuredClone(content), problems);
      try {
        loadConfig({ ...BASE_ENV, GATEHOUSE_CONFIG_FILE: file });
        assert.deepEqual(problems, [], 'started although the translation found problems');
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        assert.ok(error.problems.length > 0);
      }
    }),
    { seed: 15015, numRuns: 300 },
  );
});

test('property: the file as raw text, YAML or not, never makes loading throw anything but ConfigError', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.constantFrom('oidc:', '  issuer: x', 'cache: {type: redis}', '- a', '&a [*a]', '!!binary x', '%YAML 1.2', '---', '? x', ': y', '"\\u0000"', '${A}', '{{', '\t', '  ', 'secret_key: 00'), { maxLength: 8 }).map((lines) => lines.join('\n')),
  );
  fc.assert(
    fc.property(text, (content) => {
      const file = join(dir, 'raw.yaml');
      writeFileSync(file, content);
      try {
        loadConfig({ ...BASE_ENV, GATEHOUSE_CONFIG_FILE: file });
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
      }
    }),
    { seed: 15016, numRuns: 300 },
  );
});

test('property: a secret in the file is never repeated in a problem or a warning', () => {
  const secret = fc.constant(null).map(() => `S3cr3t-${randomBytes(9).toString('base64url')}`);
  fc.assert(
    fc.property(doc, secret, fc.constantFrom('secret_key', 'oidc.client_secret', 'elasticsearch.password', 'elasticsearch.hosts'), (content, hidden, where) => {
      const placed: Record<string, unknown> = structuredClone(content);
      const section = (name: string): Record<string, unknown> => {
        const current = placed[name];
        const object = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
        placed[name] = object;
        return object;
      };
      if (where === 'secret_key') placed.secret_key = hidden;
      else if (where === 'oidc.client_secret') section('oidc').client_secret = hidden;
      else if (where === 'elasticsearch.password') section('elasticsearch').password = hidden;
      else section('elasticsearch').hosts = [`https://admin:${hidden}@es:9200`];
      const problems: string[] = [];
      const out = translateElastauth(placed, problems);
      for (const text of [...problems, ...out.warnings]) assert.ok(!text.includes(hidden), `${where} echoed in: ${text}`);
      const file = join(dir, 'secret.yaml');
      writeFileSync(file, stringify(placed));
      try {
        loadConfig({ ...BASE_ENV, GATEHOUSE_CONFIG_FILE: file });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        assert.ok(!error.message.includes(hidden), `${where} echoed in: ${error.message}`);
      }
    }),
    { seed: 15017, numRuns: 300 },
  );
});

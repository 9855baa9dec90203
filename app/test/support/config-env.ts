/** The smallest valid environment for the login provider, and the problems loadConfig reports, for config tests. */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load-config.ts';

/** A valid login-provider environment (fixed test key). */
export const VALID_ENV: Readonly<Record<string, string>> = Object.freeze({
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's3cret',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
});

/** Every problem loadConfig reports for `env`; fails the test when it loads. */
export function problemsOf(env: Readonly<Record<string, string>>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

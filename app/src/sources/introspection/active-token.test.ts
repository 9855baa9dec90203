import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REASONS } from '../../policy/reasons.ts';
import { checkActiveToken, type ActiveTokenRules } from './active-token.ts';

const NOW = 1_800_000_000;
const rules: ActiveTokenRules = { issuer: 'https://as.example.com', audiences: ['https://api.example.com'], audienceClaim: 'aud', clockSkewSec: 30 };
const good = { active: true, token_type: 'Bearer', iss: rules.issuer, aud: 'https://api.example.com', exp: NOW + 60, sub: 'alice', scope: 'read', client_id: 'cli' };

const outcome = (members: Record<string, unknown>, r: ActiveTokenRules = rules): string => {
  const checked = checkActiveToken(members, r, NOW);
  return checked.ok ? 'ok' : checked.reason;
};

test('an active access token for this audience names its claims, without active', () => {
  const checked = checkActiveToken(good, rules, NOW);
  assert.ok(checked.ok);
  assert.equal(checked.claims.active, undefined);
  assert.equal(checked.claims.sub, 'alice');
  assert.equal(checked.claims.scope, 'read');
});

test('the answer must prove the audience, in aud or client_id as configured; it is never assumed', () => {
  assert.equal(outcome({ ...good, aud: ['x', 'https://api.example.com'] }), 'ok');
  assert.equal(outcome({ ...good, aud: 'https://other.example.com' }), REASONS.bearerWrongAudience);
  assert.equal(outcome({ ...good, aud: undefined }), REASONS.bearerWrongAudience);
  const byClient = { ...rules, audiences: ['cli'], audienceClaim: 'client_id' as const };
  assert.equal(outcome(good, byClient), 'ok');
  assert.equal(outcome({ ...good, client_id: 'other' }, byClient), REASONS.bearerWrongAudience);
});

test('only access tokens: a refresh token (no token_type) or another type is refused; Keycloak’s typ counts', () => {
  assert.equal(outcome({ ...good, token_type: undefined }), REASONS.bearerInvalid);
  assert.equal(outcome({ ...good, token_type: 'refresh_token' }), REASONS.bearerInvalid);
  assert.equal(outcome({ ...good, token_type: 'DPoP' }), REASONS.bearerInvalid);
  assert.equal(outcome({ ...good, token_type: 'access_token' }), 'ok');
  assert.equal(outcome({ ...good, token_type: undefined, typ: 'Bearer' }), 'ok');
  assert.equal(outcome({ ...good, token_type: undefined, typ: 'Refresh' }), REASONS.bearerInvalid);
});

test('another issuer, an expired or not yet valid token is refused, with the clock skew', () => {
  assert.equal(outcome({ ...good, iss: 'https://evil.example.com' }), REASONS.bearerInvalid);
  assert.equal(outcome({ ...good, exp: NOW - 31 }), REASONS.bearerExpired);
  assert.equal(outcome({ ...good, exp: NOW - 29 }), 'ok');
  assert.equal(outcome({ ...good, exp: 'soon' }), REASONS.bearerExpired);
  assert.equal(outcome({ ...good, nbf: NOW + 31 }), REASONS.bearerInvalid);
});

test('a client’s own token has no sub: its client_id stands in; with neither, it names no one', () => {
  const checked = checkActiveToken({ ...good, sub: undefined }, rules, NOW);
  assert.ok(checked.ok && checked.claims.sub === 'cli');
  assert.equal(outcome({ ...good, sub: undefined, client_id: undefined }), REASONS.bearerInvalid);
});

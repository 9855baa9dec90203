import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicies } from './named/parse-policies.ts';
import { decide, NO_FACTS } from './decide.ts';
import { PolicyQueryError } from './query-policy.ts';
import { REASONS } from './reasons.ts';
import { createRoutePolicyCache } from './route-policy-cache.ts';
import { holdsScope, parseAllowedScopes, scopesOf } from './token-scopes.ts';

test('a token’s scopes come from scope (space-separated) and scp (list or string), together', () => {
  assert.deepEqual([...scopesOf({ scope: 'api:read  api:write' })], ['api:read', 'api:write']);
  assert.deepEqual([...scopesOf({ scp: ['a', 'b', 7] })], ['a', 'b']);
  assert.deepEqual([...scopesOf({ scp: 'a b' })], ['a', 'b']);
  assert.deepEqual([...scopesOf({ scope: 'a', scp: ['b'] })], ['a', 'b']);
  assert.equal(scopesOf({ scope: 5 }).size, 0);
  assert.equal(scopesOf({}).size, 0);
  const claims = { scope: 'x' };
  assert.equal(scopesOf(claims), scopesOf(claims), 'worked out once per claims object');
});

test('allowed_scopes: any one listed scope admits the token; commas or spaces separate', () => {
  assert.deepEqual(parseAllowedScopes('api:read,api:write'), ['api:read', 'api:write']);
  assert.deepEqual(parseAllowedScopes('api:read api:write, api:read'), ['api:read', 'api:write']);
  assert.ok(holdsScope(['api:write', 'api:read'], { scope: 'openid api:read' }));
  assert.ok(!holdsScope(['api:write'], { scope: 'openid api:read' }));
  assert.ok(!holdsScope(['api:write'], { scope: 'api:writer' }), 'a scope is a whole word, never a prefix');
});

test('allowed_scopes naming no scope, or one with a character RFC 6749 forbids, is a broken policy', () => {
  for (const value of ['', ',', ' , ', 'a"b', 'a\\b', 'é', 'a\u0000']) {
    assert.throws(() => parseAllowedScopes(value), PolicyQueryError, JSON.stringify(value));
  }
  assert.throws(() => parseAllowedScopes(Array.from({ length: 65 }, (_, i) => `s${i}`).join(',')), /more than 64/);
});

test('on a route: a token without the scope is denied with scope-insufficient; with it, scope-ok', () => {
  const parse = createRoutePolicyCache(() => parsePolicies({}).policies, { backends: ['none'], sources: ['session', 'bearer'] });
  const subject = (claims: Record<string, unknown>) => ({ user: 'ci', groups: ['deployers'], roles: [], claims });
  const route = parse('allowed_scopes=deploy%20admin&allowed_groups=deployers');
  assert.deepEqual(route.query.allowedScopes, ['deploy', 'admin']);
  assert.deepEqual(decide(route.query, subject({ scope: 'read deploy' }), NO_FACTS), { allow: true, reasons: [REASONS.groupOk, REASONS.scopeOk] });
  assert.deepEqual(decide(route.query, subject({ scope: 'read' }), NO_FACTS), { allow: false, reasons: [REASONS.scopeInsufficient] });
  assert.deepEqual(decide(route.query, subject({}), NO_FACTS).reasons, [REASONS.scopeInsufficient]);
  assert.equal(parse('allowed_scopes=a&allowed_scopes=b').query.allowedScopes?.join(), 'a', 'the first value counts');
  assert.throws(() => parse('allowed_scopes=%zz'), PolicyQueryError);
});

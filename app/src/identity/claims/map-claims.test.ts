import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CLAIM_VALUE_LENGTH, mapClaims } from './map-claims.ts';
import type { MappedIdentity } from './map-claims.ts';
import { parseClaimsConfig } from './parse-claims-config.ts';

function configOf(section: unknown) {
  const { config, problems } = parseClaimsConfig(section);
  assert.deepEqual(problems, [], 'the test config must parse');
  return config;
}

const staff = { username: { path: 'email_verified', pattern: '^([^@]+)@staff\\.example\\.com$' } };
const uriGroups = { groups: { claim: 'http://example.info/claims/groups' } };

const rows: [string, unknown, Record<string, unknown>, MappedIdentity | string][] = [
  ['defaults read sub, email, groups and name', undefined,
    { sub: 'u1', email: 'a@example.com', groups: ['g1', 'g2'], name: 'A B' },
    { username: 'u1', email: 'a@example.com', groups: ['g1', 'g2'], name: 'A B' }],
  ['Elastic guide: claims.principal sub, claims.groups a URI claim', uriGroups,
    { sub: 'u1', 'http://example.info/claims/groups': ['finance-team'] },
    { username: 'u1', groups: ['finance-team'] }],
  ['Elastic guide: james.wong@staff.example.com becomes james.wong', staff,
    { email_verified: 'james.wong@staff.example.com' }, { username: 'james.wong', groups: [] }],
  ['anchored pattern: the attacker suffix yields no principal', staff,
    { email_verified: 'admin@staff.example.com.attacker.net' },
    'the username claim "email_verified" did not match its pattern'],
  ['anchored pattern: an attacker prefix yields no principal', staff,
    { email_verified: 'x@evil.com,admin@staff.example.com' },
    'the username claim "email_verified" did not match its pattern'],
  ['a missing principal claim', { username: 'preferred_username' }, { sub: 'u1' },
    'the username claim "preferred_username" is missing'],
  ['a principal that is not a string', undefined, { sub: 42 }, 'the username claim "sub" has no usable string value'],
  ['an empty principal', undefined, { sub: '' }, 'the username claim "sub" has no usable string value'],
  ['a multi-valued principal takes the first surviving value', staff,
    { email_verified: ['a@other.com', 42, 'b@staff.example.com', 'c@staff.example.com'] },
    { username: 'b', groups: [] }],
  ['a single string group becomes a one-element list', undefined, { sub: 'u1', groups: 'admins' },
    { username: 'u1', groups: ['admins'] }],
  ['group elements that do not match, are empty or are not strings are dropped; duplicates go',
    { groups: { pattern: '^team-([a-z]+)$' } },
    { sub: 'u1', groups: ['team-a', 'admins', 'team-', 7, null, { x: 1 }, 'team-b', 'team-a'] },
    { username: 'u1', groups: ['a', 'b'] }],
  ['a dotted path reads Keycloak realm roles', { groups: 'realm_access.roles' },
    { sub: 'u1', realm_access: { roles: ['admin'] } }, { username: 'u1', groups: ['admin'] }],
  ['an array in the middle of a path yields no groups', { groups: 'orgs.name' },
    { sub: 'u1', orgs: [{ name: 'x' }] }, { username: 'u1', groups: [] }],
  ['scalar fields take the first string of a list; non-string scalars are ignored', { dn: 'dn' },
    { sub: 'u1', email: ['a@x.com', 'b@x.com'], name: 12, dn: ['cn=a,dc=x'] },
    { username: 'u1', email: 'a@x.com', groups: [], dn: 'cn=a,dc=x' }],
  ['an optional pattern that does not match drops only that field',
    { email: { pattern: '^([^@]+@corp\\.com)$' } }, { sub: 'u1', email: 'a@gmail.com' },
    { username: 'u1', groups: [] }],
  ['a disabled field is not mapped', { groups: null }, { sub: 'u1', groups: ['g'] }, { username: 'u1', groups: [] }],
  ['claim strings over the length cap are ignored', undefined,
    { sub: 'x'.repeat(MAX_CLAIM_VALUE_LENGTH + 1), groups: ['g', 'y'.repeat(MAX_CLAIM_VALUE_LENGTH + 1)] },
    'the username claim "sub" has no usable string value'],
  ['a claim on the prototype is not a claim', { username: 'constructor' }, { sub: 'u1' },
    'the username claim "constructor" is missing'],
];

for (const [title, section, claims, want] of rows) {
  test(title, () => {
    const result = mapClaims(configOf(section), claims);
    if (typeof want === 'string') {
      assert.equal(result.identity, undefined);
      assert.deepEqual(result.problems, [want]);
    } else {
      assert.deepEqual(result.identity, want);
      assert.deepEqual(result.problems, []);
    }
  });
}

test('a value at the length cap is still used', () => {
  const sub = 'x'.repeat(MAX_CLAIM_VALUE_LENGTH);
  assert.equal(mapClaims(configOf(undefined), { sub }).identity?.username, sub);
});

test('needsUserinfo follows the userinfo setting', () => {
  const complete = { sub: 'u1', email: 'a@x.com', groups: [], name: 'A' };
  const partial = { sub: 'u1' };
  const needs = (userinfo: string, claims: Record<string, unknown>) => mapClaims(configOf({ userinfo }), claims).needsUserinfo;
  assert.equal(needs('auto', complete), false, 'auto: every mapped claim is in the ID token');
  assert.equal(needs('auto', partial), true, 'auto: a mapped claim is missing');
  assert.equal(needs('always', complete), true);
  assert.equal(needs('never', partial), false);
  const present = mapClaims(configOf({ userinfo: 'auto', email: null, groups: null, name: null }), { sub: 'u1', x: 1 });
  assert.equal(present.needsUserinfo, false, 'disabled fields are not wanted');
  const noName = mapClaims(configOf({ userinfo: 'auto' }), { name: 'only' });
  assert.equal(noName.needsUserinfo, true, 'a missing principal still asks for UserInfo');
  assert.equal(noName.identity, undefined);
});

test('with UserInfo: it fills missing claims, the ID token wins, and needsUserinfo is false', () => {
  const config = configOf({ userinfo: 'always', groups: 'realm_access.roles' });
  const result = mapClaims(
    config,
    { sub: 'u1', email: 'token@x.com', realm_access: { roles: ['a'] } },
    { sub: 'u1', email: 'info@x.com', name: 'Info', realm_access: { roles: ['b'] } },
  );
  assert.deepEqual(result.identity, { username: 'u1', email: 'token@x.com', groups: ['a', 'b'], name: 'Info' });
  assert.equal(result.needsUserinfo, false);
});

test('UserInfo can supply the principal the ID token lacks', () => {
  const result = mapClaims(configOf({ username: 'preferred_username' }), { sub: 'u1' }, { sub: 'u1', preferred_username: 'alice' });
  assert.equal(result.identity?.username, 'alice');
});

test('UserInfo for another subject fails the mapping', () => {
  const result = mapClaims(configOf(undefined), { sub: 'u1' }, { sub: 'admin', groups: ['admins'] });
  assert.equal(result.identity, undefined);
  assert.equal(result.needsUserinfo, false);
  assert.match(result.problems[0] ?? '', /different subject/);
});

test('claims that throw when read fail the mapping without throwing', () => {
  const hostile = new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('boom'); } });
  const result = mapClaims(configOf(undefined), hostile as Record<string, unknown>);
  assert.equal(result.identity, undefined);
  assert.deepEqual(result.problems, ['the claims could not be read: boom']);
});

test('a value at the length cap is still evaluated, and one past it is dropped', () => {
  const config = configOf({ username: { path: 'email', pattern: '^([a-z0-9._-]+)@staff\\.example\\.com$' } });
  assert.equal(mapClaims(config, { email: `${'a'.repeat(MAX_CLAIM_VALUE_LENGTH - 1)}!` }).identity, undefined);
  const atCap = `${'a'.repeat(MAX_CLAIM_VALUE_LENGTH - '@staff.example.com'.length)}@staff.example.com`;
  assert.equal(mapClaims(config, { email: atCap }).identity?.username.length, MAX_CLAIM_VALUE_LENGTH - '@staff.example.com'.length);
  assert.equal(mapClaims(config, { email: `a${atCap}` }).identity, undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeUserinfoClaims } from './merge-userinfo.ts';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('UserInfo adds claims the ID token lacks and never replaces a scalar', () => {
  const { claims, problems } = mergeUserinfoClaims(
    { sub: 'u1', email: 'token@example.com' },
    { sub: 'u1', email: 'info@example.com', name: 'Info Name' },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(plain(claims), { sub: 'u1', email: 'token@example.com', name: 'Info Name' });
});

test('arrays are unioned in ID token order and objects merge key by key', () => {
  const { claims } = mergeUserinfoClaims(
    { sub: 'u1', groups: ['a', 'b'], realm_access: { roles: ['r1'] } },
    { sub: 'u1', groups: ['b', 'c'], realm_access: { roles: ['r2'], extra: true } },
  );
  assert.deepEqual(plain(claims), { sub: 'u1', groups: ['a', 'b', 'c'], realm_access: { roles: ['r1', 'r2'], extra: true } });
});

test('a type conflict keeps the ID token value and says so', () => {
  const { claims, problems } = mergeUserinfoClaims({ sub: 'u1', name: 'N' }, { sub: 'u1', name: ['x'] });
  assert.equal(claims?.name, 'N');
  assert.deepEqual(problems, ['claim "name" is string in the ID token but array in UserInfo; the ID token\'s value was kept']);
});

test('a UserInfo response for another subject, or without one, is not used (OIDC Core 5.3.2)', () => {
  for (const userinfo of [{ sub: 'u2', groups: ['admin'] }, { groups: ['admin'] }, { sub: 1 }]) {
    const merged = mergeUserinfoClaims({ sub: 'u1' }, userinfo);
    assert.equal(merged.claims, undefined);
    assert.equal(merged.problems.length, 1);
  }
});

test('a claim named __proto__ stays an ordinary key', () => {
  const userinfo = JSON.parse('{"sub":"u1","__proto__":{"polluted":true}}') as Record<string, unknown>;
  const { claims } = mergeUserinfoClaims({ sub: 'u1' }, userinfo);
  assert.ok(claims && Object.hasOwn(claims, '__proto__'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((claims as Record<string, unknown>).polluted, undefined);
});

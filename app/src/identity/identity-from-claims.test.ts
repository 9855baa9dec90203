import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClaimsConfig } from './claims/parse-claims-config.ts';
import { identityFromClaims, type UserinfoFetcher } from './identity-from-claims.ts';

const idToken = {
  sub: 'u-1',
  iss: 'https://idp.example.com',
  aud: 'gatehouse',
  nonce: 'n',
  email: 'James.Wong@staff.example.com',
  email_verified: true,
  preferred_username: 'jw',
  name: 'James Wong',
};

function claims(section: unknown) {
  const parsed = parseClaimsConfig(section);
  assert.deepEqual(parsed.problems, []);
  return parsed.config;
}

function userinfo(value: Record<string, unknown> | Error): UserinfoFetcher & { calls: number } {
  const fetcher = async () => {
    fetcher.calls += 1;
    if (value instanceof Error) throw value;
    return value;
  };
  fetcher.calls = 0;
  return fetcher;
}

test('defaults: sub is the user, protocol claims are not kept', async () => {
  const result = await identityFromClaims(claims(undefined), idToken, userinfo({ sub: 'u-1' }));
  assert.ok(result.ok);
  assert.equal(result.identity.user, 'u-1');
  assert.equal(result.identity.name, 'James Wong');
  assert.deepEqual(Object.keys(result.identity.claims).sort(), ['email', 'email_verified', 'name', 'preferred_username', 'sub']);
});

test('auto: UserInfo is fetched only when the ID token lacks a mapped claim, and fills it', async () => {
  const present = userinfo({ sub: 'u-1', groups: ['x'] });
  const config = claims({ groups: 'realm_access.roles' });
  const fetched = await identityFromClaims(config, idToken, userinfo({ sub: 'u-1', realm_access: { roles: ['admin'] } }));
  assert.ok(fetched.ok && fetched.usedUserinfo);
  assert.deepEqual(fetched.identity.groups, ['admin']);
  const withGroups = await identityFromClaims(config, { ...idToken, realm_access: { roles: ['a'] } }, present);
  assert.equal(present.calls, 0);
  assert.ok(withGroups.ok && !withGroups.usedUserinfo);
});

test('auto: a failed UserInfo call falls back to the ID token when it has a principal', async () => {
  const result = await identityFromClaims(claims({ groups: 'realm_access.roles' }), idToken, userinfo(new Error('down')));
  assert.ok(result.ok);
  assert.deepEqual(result.identity.groups, []);
});

test('always: a failed UserInfo call fails the sign-in', async () => {
  await assert.rejects(identityFromClaims(claims({ userinfo: 'always' }), idToken, userinfo(new Error('down'))), /down/);
});

test('never: UserInfo is not called', async () => {
  const fetcher = userinfo({ sub: 'u-1' });
  await identityFromClaims(claims({ userinfo: 'never', groups: 'absent' }), idToken, fetcher);
  assert.equal(fetcher.calls, 0);
});

test('a UserInfo sub that differs fails the mapping', async () => {
  const result = await identityFromClaims(claims({ userinfo: 'always' }), idToken, userinfo({ sub: 'someone-else' }));
  assert.equal(result.ok, false);
});

test('claim_patterns: the first group becomes the value; no principal fails with a reason', async () => {
  const config = claims({ username: { path: 'email', pattern: '^([^@]+)@staff\\.example\\.com$' } });
  const ok = await identityFromClaims(config, idToken, userinfo({ sub: 'u-1' }));
  assert.ok(ok.ok);
  assert.equal(ok.identity.user, 'James.Wong');
  const attacker = await identityFromClaims(config, { ...idToken, email: 'admin@staff.example.com.attacker.net' }, userinfo({ sub: 'u-1' }));
  assert.deepEqual(attacker, { ok: false, problems: ['the username claim "email" did not match its pattern'] });
});

test('an email the provider marks unverified is not asserted', async () => {
  const result = await identityFromClaims(claims(undefined), { ...idToken, email_verified: false }, userinfo({ sub: 'u-1' }));
  assert.ok(result.ok);
  assert.equal(result.identity.email, undefined);
});

test('a token without sub is refused', async () => {
  assert.deepEqual(await identityFromClaims(claims(undefined), { email: 'x@example.com' }, userinfo({ sub: 'u-1' })), {
    ok: false,
    problems: ['the ID token has no sub claim'],
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatTrustedAuth, trustedAuthHeaderName } from './trusted-header.ts';

/**
 * How EventStoreDB reads the header (TrustedHttpAuthenticationProvider): split at ';', more than
 * two parts is refused, the user as it stands, each ','-separated role trimmed.
 */
function readAsTheDatabaseDoes(value: string): { user: string; roles: string[] } | 'unauthorized' {
  const parts = value.split(';');
  if (parts.length > 2) return 'unauthorized';
  return { user: parts[0] as string, roles: parts.length === 2 ? (parts[1] as string).split(',').map((r) => r.trim()) : [] };
}

describe('formatTrustedAuth', () => {
  const accepted: Array<[string, string[], string]> = [
    ['alice', [], 'alice'],
    ['alice', ['readers'], 'alice; readers'],
    ['alice', ['readers', 'writers', 'readers'], 'alice; readers, writers'],
    ['alice', ['$admins', '$ops'], 'alice; $admins, $ops'],
    ['Zoë Örtlund', ['data readers'], 'Zoë Örtlund; data readers'],
    ['bob@example.com', ['team-a'], 'bob@example.com; team-a'],
  ];
  for (const [user, roles, value] of accepted) {
    test(`${JSON.stringify(user)} with ${JSON.stringify(roles)} → ${JSON.stringify(value)}`, () => {
      assert.deepEqual(formatTrustedAuth(user, roles), { ok: true, value });
      assert.deepEqual(readAsTheDatabaseDoes(value), { user, roles: [...new Set(roles)] });
    });
  }

  const refused: Array<[string, string[], string, number?]> = [
    ['', [], 'user_empty'],
    ['bob;$admins', [], 'user_separator'],
    ['a;b;c', [], 'user_separator'],
    ['bob,x', [], 'user_separator'],
    ['bob\r\nES-TrustedAuth: root; $admins', [], 'user_control_character'],
    ['bob\n', [], 'user_control_character'],
    ['bob\u0000', [], 'user_control_character'],
    ['bob\u007f', [], 'user_control_character'],
    ['bob\u0085', [], 'user_control_character'],
    ['bob\u2028', [], 'user_control_character'],
    ['bob\u2029', [], 'user_control_character'],
    ['\u202enimda', [], 'user_control_character'],
    [' bob', [], 'user_surrounding_whitespace'],
    ['bob ', [], 'user_surrounding_whitespace'],
    ['bob\u00a0', [], 'user_surrounding_whitespace'],
    ['   ', [], 'user_surrounding_whitespace'],
    ['$admins', [], 'user_system_name'],
    ['$ops', ['readers'], 'user_system_name'],
    ['alice', ['x,$admins'], 'role_separator', 0],
    ['alice', ['ok', 'x;root'], 'role_separator', 1],
    ['alice', ['a\tb'], 'role_control_character', 0],
    ['alice', ['ok', ''], 'role_empty', 1],
    ['alice', [' $admins'], 'role_surrounding_whitespace', 0],
    ['alice', ['$ops '], 'role_surrounding_whitespace', 0],
    ['alice', ['r'.repeat(5000)], 'header_too_long'],
  ];
  for (const [user, roles, reason, role] of refused) {
    test(`refuses ${JSON.stringify(user)} with ${JSON.stringify(roles).slice(0, 40)}: ${reason}`, () => {
      assert.deepEqual(formatTrustedAuth(user, roles), { ok: false, reason, ...(role === undefined ? {} : { role }) });
    });
  }

  test('anything not a string in the input is refused, not thrown', () => {
    assert.equal(formatTrustedAuth(undefined as unknown as string, []).ok, false);
    assert.equal(formatTrustedAuth('alice', [null as unknown as string]).ok, false);
    assert.deepEqual(formatTrustedAuth('alice', undefined as unknown as string[]), { ok: true, value: 'alice' });
  });
});

describe('formatTrustedAuth, for any input', () => {
  const nasty = fc.constantFrom(';', ',', ' ', '\t', '\r', '\n', '\u0000', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u202e', '\ufeff', '$', 'a', 'é', '😀');
  const name = fc.oneof(fc.string(), fc.array(fc.oneof(nasty, fc.string({ maxLength: 3 })), { maxLength: 6 }).map((p) => p.join('')));
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

  test('never throws, and whatever it emits reads back exactly and holds no control character', () => {
    fc.assert(
      fc.property(name, fc.array(name, { maxLength: 5 }), (user, roles) => {
        const result = formatTrustedAuth(user, roles);
        if (!result.ok) return;
        assert.ok(!control.test(result.value));
        assert.deepEqual(readAsTheDatabaseDoes(result.value), { user, roles: [...new Set(roles)] });
        assert.ok(!user.includes(';') && !user.includes(','));
        for (const role of roles) assert.ok(!role.includes(',') && !role.includes(';') && role.trim() === role);
      }),
      { numRuns: 2000 },
    );
  });

  test('accepts every user and role made only of safe characters', () => {
    const safe = fc.stringMatching(/^[A-Za-z0-9@._-][A-Za-z0-9@._ -]{0,20}[A-Za-z0-9@._-]$/);
    fc.assert(
      fc.property(safe.filter((u) => !u.startsWith('$')), fc.array(safe, { maxLength: 5 }), (user, roles) => {
        assert.equal(formatTrustedAuth(user, roles).ok, true);
      }),
    );
  });
});

describe('trustedAuthHeaderName', () => {
  test('defaults to ES-TrustedAuth, takes either name in any case, refuses others', () => {
    assert.equal(trustedAuthHeaderName(undefined), 'ES-TrustedAuth');
    assert.equal(trustedAuthHeaderName('kurrent-trustedauth'), 'Kurrent-TrustedAuth');
    assert.equal(trustedAuthHeaderName('ES-TrustedAuth'), 'ES-TrustedAuth');
    assert.throws(() => trustedAuthHeaderName('KurrentDB-TrustedAuth'), /ES-TrustedAuth, Kurrent-TrustedAuth/);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isBasic, MAX_LOGIN_LENGTH, readBasicCredentials } from './read-basic-credentials.ts';

const header = (raw: string): string => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

test('reads login and password as UTF-8, the password may hold colons, the scheme any case (RFC 7617)', () => {
  assert.deepEqual(readBasicCredentials(header('alice:s3cret')), { login: 'alice', password: 's3cret' });
  assert.deepEqual(readBasicCredentials(header('alice:a:b:c')), { login: 'alice', password: 'a:b:c' });
  assert.deepEqual(readBasicCredentials(header('jürgen:pässword')), { login: 'jürgen', password: 'pässword' });
  assert.deepEqual(readBasicCredentials(`bAsIc   ${Buffer.from('bob:x').toString('base64')}`), { login: 'bob', password: 'x' });
});

test('an empty password is its own problem, refused before anything is asked', () => {
  assert.deepEqual(readBasicCredentials(header('alice:')), { problem: 'empty-password' });
});

test('no Basic scheme is "not basic"; everything that cannot be a credential is malformed', () => {
  for (const value of [undefined, '', 'Bearer abc', 'Basicabc', 'Digest username="a"']) assert.deepEqual(readBasicCredentials(value), { problem: 'not-basic' }, String(value));
  const malformed = [
    'Basic ',
    'Basic !!!!',
    'Basic YWxpY2U', // not padded to a multiple of 4
    header('alice'), // no colon
    header(':password'), // no login
    header(' alice:pw'),
    header('ali\u0007ce:pw'),
    header('alice\u0085:pw'),
    header('alice:pw\u0000x'),
    header(`${'a'.repeat(MAX_LOGIN_LENGTH + 1)}:pw`),
    `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`, // not UTF-8
    `Basic ${'QUFB'.repeat(5000)}`,
  ];
  for (const value of malformed) assert.deepEqual(readBasicCredentials(value), { problem: 'malformed' }, value.slice(0, 60));
});

test('isBasic looks only at the scheme', () => {
  assert.equal(isBasic('Basic anything'), true);
  assert.equal(isBasic('basic x'), true);
  assert.equal(isBasic('Bearer x'), false);
  assert.equal(isBasic(undefined), false);
});

test('never throws on any header', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (value) => {
      readBasicCredentials(value);
      readBasicCredentials(`Basic ${value}`);
    }),
  );
});

test('any login without a colon or control character and any non-empty password round-trip', () => {
  const login = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[:\u0000-\u001f\u007f-\u009f]/.test(s) && s.trim() === s && s.length > 0);
  const password = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\u0000'));
  fc.assert(fc.property(login, password, (l, p) => assert.deepEqual(readBasicCredentials(header(`${l}:${p}`)), { login: l, password: p })));
});

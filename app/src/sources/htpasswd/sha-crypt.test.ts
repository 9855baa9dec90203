/**
 * SHA-crypt against the test vectors of its specification ("Unix crypt using SHA-256 and
 * SHA-512", U. Drepper) and against the real tools that write such hashes: Debian's htpasswd
 * (-2, -5, -r) and openssl passwd (-5, -6).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseShaCrypt, shaCrypt } from './sha-crypt.ts';

const setting = (text: string) => {
  const m = /^\$([56])\$(?:rounds=(\d+)\$)?([^$]*)/.exec(text);
  assert.ok(m);
  return { variant: m[1] as '5' | '6', rounds: m[2] === undefined ? undefined : Number(m[2]), salt: m[3] as string };
};

const VECTORS: readonly (readonly [string, string, string])[] = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['$5$rounds=10$roundstoolow', 'the minimum number is still observed', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
  ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
];

test("the specification's test vectors", () => {
  for (const [salt, password, expected] of VECTORS) assert.equal(shaCrypt(Buffer.from(password), setting(salt)), expected, salt);
});

test('what htpasswd -2 and -5 write verifies, with the default and with given rounds; another password does not', () => {
  for (const args of [['-2'], ['-5'], ['-2', '-r', '1500'], ['-5', '-r', '20000']]) {
    const line = execFileSync('htpasswd', ['-nb', ...args, 'alice', 'pässwörd: with colon'], { encoding: 'utf8' }).trim();
    const stored = line.slice(line.indexOf(':') + 1);
    const parsed = parseShaCrypt(stored);
    assert.ok(parsed, stored);
    assert.equal(shaCrypt(Buffer.from('pässwörd: with colon'), parsed), stored, args.join(' '));
    assert.notEqual(shaCrypt(Buffer.from('pässwörd: with colon '), parsed), stored);
  }
});

test('what openssl passwd -5 and -6 write, for long passwords and salts too', () => {
  for (const variant of ['5', '6'] as const) {
    for (const [salt, password] of [['ab', 'x'], ['0123456789abcdef', 'p'.repeat(200)], ['./AZaz09', 'x y z']] as const) {
      const expected = execFileSync('openssl', ['passwd', `-${variant}`, '-salt', salt, password], { encoding: 'utf8' }).trim();
      assert.equal(shaCrypt(Buffer.from(password), { variant, rounds: undefined, salt }), expected, `${variant} ${salt}`);
    }
  }
});

test('parses only well-formed hashes', () => {
  assert.equal(parseShaCrypt('$5$salt$short'), undefined);
  assert.equal(parseShaCrypt('$7$salt$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'), undefined);
  assert.equal(parseShaCrypt('$5$saltstringsaltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'), undefined, 'salt over 16');
  assert.deepEqual(parseShaCrypt('$5$rounds=5000$abc$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'), {
    variant: '5',
    rounds: 5000,
    salt: 'abc',
    digest: '5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
  });
});

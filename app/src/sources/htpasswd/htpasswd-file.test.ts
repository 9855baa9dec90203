/** The htpasswd file as Debian 12's htpasswd writes it, each scheme accepted or refused with how to re-hash. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { MAX_BCRYPT_COST, parseHtpasswd } from './htpasswd-file.ts';

const htpasswd = (...args: string[]): string => execFileSync('htpasswd', ['-nb', ...args], { encoding: 'utf8' }).trim();

test('bcrypt ($2y$ from htpasswd -B, $2a$, $2b$) and SHA-256/512-crypt (-2, -5) are accepted', () => {
  const text = [
    '# service accounts',
    htpasswd('-B', 'alice', 'a'),
    htpasswd('-B', '-C', '10', 'bob', 'b'),
    'carol:$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    'dave:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    '',
    htpasswd('-2', 'erin', 'e'),
    htpasswd('-5', 'frank', 'f'),
  ].join('\n');
  const { users, problems } = parseHtpasswd(text, 'users');
  assert.deepEqual(problems, []);
  assert.deepEqual([...users.keys()], ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
  assert.deepEqual([...users.values()].map((u) => u.scheme), ['bcrypt', 'bcrypt', 'bcrypt', 'bcrypt', 'sha-crypt', 'sha-crypt']);
  const bob = users.get('bob');
  assert.equal(bob?.scheme === 'bcrypt' && bob.cost, 10);
});

test("Debian 12's default (MD5-crypt), {SHA}, crypt DES and plaintext are refused, each saying how to re-hash and never showing the hash", () => {
  const md5 = htpasswd('alice', 'a');
  assert.match(md5, /^alice:\$apr1\$/, "htpasswd's default here is still MD5-crypt");
  const lines = [md5, htpasswd('-s', 'bob', 'b'), htpasswd('-d', 'carol', 'c'), htpasswd('-p', 'dave', 'Pl41nT3xtSecret'), 'erin:$1$abcdefgh$0123456789012345678901', 'frank:$y$j9T$abc$def'];
  const { users, problems } = parseHtpasswd(lines.join('\n'), 'GATEHOUSE_HTPASSWD_FILE users');
  assert.equal(users.size, 0);
  assert.equal(problems.length, 6);
  const expect = [/alice.*MD5-crypt \(\$apr1\$/, /bob.*unsalted SHA-1/, /carol.*crypt\(3\) DES/, /dave.*plaintext/, /erin.*MD5-crypt \(\$1\$\)/, /frank.*unknown scheme/];
  problems.forEach((problem, i) => {
    assert.match(problem, expect[i] as RegExp);
    assert.match(problem, /^GATEHOUSE_HTPASSWD_FILE users line \d+: user "\w+" .*re-hash it with: htpasswd -B <file> \w+$/);
    const hash = (lines[i] as string).split(':')[1] as string;
    assert.ok(!problem.includes(hash), 'the hash is never repeated');
  });
});

test('malformed lines, duplicate users and bcrypt costs too slow to check are refused', () => {
  const slow = htpasswd('-B', '-C', String(MAX_BCRYPT_COST + 1), 'slow', 's');
  const { problems } = parseHtpasswd(['no-colon-here', ':nouser', ' spaced:x', htpasswd('-B', 'twice', 'a'), htpasswd('-B', 'twice', 'b'), slow].join('\n'), 'f');
  assert.equal(problems.length, 5);
  assert.match(problems[0] as string, /line 1 is not "user:hash"/);
  assert.match(problems[3] as string, /"twice" is listed twice/);
  assert.match(problems[4] as string, new RegExp(`bcrypt cost ${MAX_BCRYPT_COST + 1}.*htpasswd -B -C ${MAX_BCRYPT_COST}`));
});

test('Windows line ends and a trailing comment field are tolerated, as Apache reads the file', () => {
  const line = htpasswd('-B', 'alice', 'a');
  const { users, problems } = parseHtpasswd(`${line}:Alice Liddell\r\n`, 'f');
  assert.deepEqual(problems, []);
  assert.equal(users.size, 1);
});

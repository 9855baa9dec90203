/** Passwords checked against what the real htpasswd writes, in constant time, a missing user costing what a wrong password costs. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseHtpasswd, type StoredHash } from './htpasswd-file.ts';
import { dummyHashFor, verifyPassword } from './verify-password.ts';

const stored = (...args: string[]): StoredHash => {
  const line = execFileSync('htpasswd', ['-nb', ...args, 'user', 'Correct horse: battery staple'], { encoding: 'utf8' }).trim();
  const parsed = parseHtpasswd(line, 'f').users.get('user');
  assert.ok(parsed, line);
  return parsed;
};

test('a right password matches and a wrong one does not, for every accepted scheme', async () => {
  for (const args of [['-B'], ['-B', '-C', '8'], ['-2'], ['-5']]) {
    const hash = stored(...args);
    assert.equal(await verifyPassword('Correct horse: battery staple', hash), true, args.join(' '));
    for (const wrong of ['Correct horse: battery stapl', 'correct horse: battery staple', '', 'Correct horse: battery staple\u0000']) {
      assert.equal(await verifyPassword(wrong, hash), false, `${args.join(' ')} ${JSON.stringify(wrong)}`);
    }
  }
});

test('$2a$ and $2b$ hashes verify as bcrypt', async () => {
  const { users } = parseHtpasswd('a:$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\nb:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'f');
  // The published bcrypt test vector: "U*U" with that salt.
  assert.equal(await verifyPassword('U*U', users.get('a') as StoredHash), true);
  assert.equal(await verifyPassword('U*U', users.get('b') as StoredHash), true);
});

test("the dummy has the file's most common scheme and cost, and no password matches it", async () => {
  const hashes = [stored('-B', '-C', '6'), stored('-B', '-C', '6'), stored('-5')];
  const dummy = await dummyHashFor(hashes);
  assert.equal(dummy.scheme, 'bcrypt');
  assert.equal(dummy.scheme === 'bcrypt' && dummy.cost, 6);
  assert.equal(await verifyPassword('Correct horse: battery staple', dummy), false);
  const sha = await dummyHashFor([stored('-5', '-r', '6000')]);
  assert.ok(sha.scheme === 'sha-crypt' && sha.variant === '6' && sha.rounds === 6000);
  assert.equal((await dummyHashFor([])).scheme, 'bcrypt');
});

test('checking against the dummy takes as long as a wrong password against a real hash', async () => {
  const real = stored('-B', '-C', '8');
  const dummy = await dummyHashFor([real]);
  const once = async (hash: StoredHash): Promise<number> => {
    const started = performance.now();
    await verifyPassword('a wrong password', hash);
    return performance.now() - started;
  };
  // Interleaved and compared by median, so that load from other processes hits both alike.
  const wrong: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < 12; i++) {
    wrong.push(await once(real));
    missing.push(await once(dummy));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const [w, m] = [median(wrong), median(missing)];
  assert.ok(Math.max(w, m) / Math.min(w, m) < 1.5, `wrong ${w.toFixed(1)} ms, missing ${m.toFixed(1)} ms`);
});

/**
 * Checks a password against an htpasswd hash: the hash is computed again with the stored salt and
 * cost (bcryptjs for bcrypt, sha-crypt.ts for SHA-crypt) and compared in constant time. A login
 * that is not in the file is checked against a dummy hash of the file's most common scheme and
 * cost, so that it takes as long as a wrong password and timing never tells which logins exist.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { bcryptPackage } from '../../optional-packages.ts';
import { shaCrypt } from './sha-crypt.ts';
import type { StoredHash } from './htpasswd-file.ts';

/** Whether `password` matches `stored`. */
export async function verifyPassword(password: string, stored: StoredHash): Promise<boolean> {
  if (stored.scheme === 'bcrypt') {
    // bcryptjs hashes in slices between event-loop turns; the stored hash gives salt and cost.
    return sameString(await bcryptPackage().hash(password, stored.hash.slice(0, 29)), stored.hash);
  }
  // The digest alone is compared: a stored rounds= below the minimum is written back raised.
  const computed = shaCrypt(Buffer.from(password, 'utf8'), stored);
  return sameString(computed.slice(computed.lastIndexOf('$') + 1), stored.digest);
}

/** Constant-time equality of two ASCII strings (a length difference is not secret). */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The kind of a hash, for picking the dummy: scheme with cost or rounds. */
function costKey(stored: StoredHash): string {
  return stored.scheme === 'bcrypt' ? `bcrypt:${stored.cost}` : `sha-crypt:${stored.variant}:${stored.rounds ?? 'default'}`;
}

/** A hash nobody's password matches, with the cost most users of `users` have (bcrypt cost 5, htpasswd -B's default, when empty). */
export async function dummyHashFor(users: Iterable<StoredHash>): Promise<StoredHash> {
  const counts = new Map<string, { count: number; sample: StoredHash }>();
  for (const stored of users) {
    const key = costKey(stored);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { count: 1, sample: stored });
  }
  const sample = [...counts.values()].sort((a, b) => b.count - a.count)[0]?.sample;
  const secret = randomBytes(24).toString('base64');
  if (sample?.scheme === 'sha-crypt') {
    const setting = { variant: sample.variant, rounds: sample.rounds, salt: randomBytes(12).toString('base64').replace(/[^./0-9A-Za-z]/g, '.').slice(0, 16) };
    const computed = shaCrypt(Buffer.from(secret), setting);
    return { scheme: 'sha-crypt', ...setting, digest: computed.slice(computed.lastIndexOf('$') + 1) };
  }
  const cost = sample?.scheme === 'bcrypt' ? sample.cost : 5;
  const bcrypt = bcryptPackage();
  return { scheme: 'bcrypt', cost, hash: await bcrypt.hash(secret, await bcrypt.genSalt(cost)) };
}

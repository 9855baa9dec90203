/**
 * Reads an htpasswd file: one `user:hash` per line, `#` comments and blank lines ignored. Only
 * slow, salted schemes are accepted: bcrypt (`$2y$`, `$2a$`, `$2b$`, what `htpasswd -B` writes)
 * and SHA-256/512-crypt (`$5$`, `$6$`, `htpasswd -2` / `-5`). What Debian 12's `htpasswd` writes
 * by default (MD5-crypt, `$apr1$`), `{SHA}`, crypt(3) DES and plaintext are refused, each with the
 * command that re-hashes the user. A hash is never repeated in a message.
 */
import { effectiveRounds, parseShaCrypt, type ShaCryptHash } from './sha-crypt.ts';

/** One user's stored hash. */
export type StoredHash =
  | { readonly scheme: 'bcrypt'; readonly cost: number; readonly hash: string }
  | ({ readonly scheme: 'sha-crypt' } & ShaCryptHash);

/** The users of one file, and what is wrong with it. */
export interface HtpasswdUsers {
  readonly users: ReadonlyMap<string, StoredHash>;
  readonly problems: readonly string[];
}

/** bcrypt costs above this make each check take seconds of CPU in JavaScript. */
export const MAX_BCRYPT_COST = 14;
/** SHA-crypt rounds above this block the process for over 100 ms per check. */
export const MAX_SHA_CRYPT_ROUNDS = 100_000;
/** Files above this are refused: an htpasswd file of real users is far smaller. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const DES = /^[./0-9A-Za-z]{13}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The refused schemes, by how their hashes start. */
const WEAK: readonly (readonly [string, string])[] = [
  ['$apr1$', "MD5-crypt ($apr1$, htpasswd's default on Debian 12)"],
  ['$1$', 'MD5-crypt ($1$)'],
  ['{SHA}', 'unsalted SHA-1 ({SHA})'],
];

/** The name of the refused (weak or unknown) scheme `hash` uses. */
function weakScheme(hash: string): string {
  for (const [prefix, name] of WEAK) if (hash.startsWith(prefix)) return name;
  if (DES.test(hash)) return 'crypt(3) DES or a plaintext password';
  return hash.startsWith('$') ? 'an unknown scheme' : 'a plaintext password';
}

/** Parses one hash; a string problem when it is not accepted. */
function parseHash(hash: string): StoredHash | string {
  const bcrypt = BCRYPT.exec(hash);
  if (bcrypt) {
    const cost = Number(bcrypt[1]);
    if (cost < 4 || cost > 31) return 'is not a valid bcrypt hash';
    if (cost > MAX_BCRYPT_COST) return `uses bcrypt cost ${cost}, above ${MAX_BCRYPT_COST}: each check would take seconds of CPU; re-hash it with htpasswd -B -C ${MAX_BCRYPT_COST} or lower`;
    return { scheme: 'bcrypt', cost, hash };
  }
  const sha = parseShaCrypt(hash);
  if (sha) {
    if (effectiveRounds(sha.rounds) > MAX_SHA_CRYPT_ROUNDS) return `uses ${effectiveRounds(sha.rounds)} SHA-crypt rounds, above ${MAX_SHA_CRYPT_ROUNDS}; re-hash it with htpasswd -B`;
    return { scheme: 'sha-crypt', ...sha };
  }
  return `uses ${weakScheme(hash)}, which gatehouse refuses`;
}

/**
 * Parses the file's text; every problem names the line and the user.
 * @param label - how messages name the file (the variable and path)
 */
export function parseHtpasswd(text: string, label: string): HtpasswdUsers {
  const users = new Map<string, StoredHash>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${label} line ${index + 1}`;
    const colon = line.indexOf(':');
    const user = colon === -1 ? '' : line.slice(0, colon);
    if (colon <= 0 || CONTROL.test(user) || user.trim() !== user) {
      problems.push(`${at} is not "user:hash"`);
      return;
    }
    if (users.has(user)) {
      problems.push(`${at}: user ${JSON.stringify(user)} is listed twice`);
      return;
    }
    // htpasswd itself writes nothing after the hash; Apache ignores a trailing ":comment".
    const hash = line.slice(colon + 1).split(':')[0] as string;
    const parsed = parseHash(hash);
    if (typeof parsed === 'string') {
      const rehash = parsed.includes('re-hash') ? '' : `; re-hash it with: htpasswd -B <file> ${user}`;
      problems.push(`${at}: user ${JSON.stringify(user)} ${parsed}${rehash}`);
      return;
    }
    users.set(user, parsed);
  });
  return { users, problems };
}

/**
 * SHA-256-crypt (`$5$`) and SHA-512-crypt (`$6$`), the schemes `htpasswd -2` / `-5` write, as
 * Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" specifies them (the algorithm glibc's
 * crypt(3) implements): a salt of at most 16 characters, `rounds=N$` (1000 to 999999999, 5000
 * when absent), and the digest in crypt's base64 with the specification's byte order.
 */
import { createHash } from 'node:crypto';

/** The two variants. */
export type ShaCryptVariant = '5' | '6';

/** A parsed `$5$…` / `$6$…` hash. */
export interface ShaCryptHash {
  readonly variant: ShaCryptVariant;
  /** Rounds as written (undefined: the default, and then not written in the output). */
  readonly rounds: number | undefined;
  readonly salt: string;
  /** The encoded digest after the last `$`. */
  readonly digest: string;
}

const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHAPE = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([^$\n]{0,16})\$([./0-9A-Za-z]+)$/;

// The specification's output order: each triple is written as four characters, last byte first.
const ORDER: Readonly<Record<ShaCryptVariant, readonly (readonly number[])[]>> = {
  '5': [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [-1, 31, 30]],
  '6': [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [-1, -1, 63],
  ],
};
const ENCODED_LENGTH: Readonly<Record<ShaCryptVariant, number>> = { '5': 43, '6': 86 };

/** Parses a `$5$`/`$6$` string; undefined when it is not one. */
export function parseShaCrypt(text: string): ShaCryptHash | undefined {
  const match = SHAPE.exec(text);
  if (!match) return undefined;
  const variant = match[1] as ShaCryptVariant;
  const digest = match[4] as string;
  if (digest.length !== ENCODED_LENGTH[variant]) return undefined;
  return { variant, rounds: match[2] === undefined ? undefined : Number(match[2]), salt: match[3] as string, digest };
}

/** The rounds actually run for a written value. */
export function effectiveRounds(rounds: number | undefined): number {
  if (rounds === undefined) return DEFAULT_ROUNDS;
  return Math.min(Math.max(rounds, MIN_ROUNDS), MAX_ROUNDS);
}

/** `length` bytes of `block` repeated. */
function repeated(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += block.length) block.copy(out, at, 0, Math.min(block.length, length - at));
  return out;
}

function encode(variant: ShaCryptVariant, digest: Buffer): string {
  let out = '';
  for (const [a, b, c] of ORDER[variant]) {
    // The last group holds fewer bytes (-1): they read as zero and fewer characters are written.
    const byte = (i: number | undefined): number => (i === undefined || i < 0 ? 0 : (digest[i] as number));
    let w = (byte(a) << 16) | (byte(b) << 8) | byte(c);
    const chars = a !== undefined && a >= 0 ? 4 : b !== undefined && b >= 0 ? 3 : 2;
    for (let n = 0; n < chars; n++) {
      out += ALPHABET[w & 0x3f];
      w >>= 6;
    }
  }
  return out;
}

/**
 * Computes the full `$5$…`/`$6$…` string of `password` with the variant, rounds and salt of
 * `setting` (a parsed hash; its own digest is ignored).
 */
export function shaCrypt(password: Buffer, setting: Omit<ShaCryptHash, 'digest'>): string {
  const algorithm = setting.variant === '5' ? 'sha256' : 'sha512';
  const H = (...parts: Buffer[]): Buffer => {
    const h = createHash(algorithm);
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const size = setting.variant === '5' ? 32 : 64;
  const P = password;
  const salt = setting.salt.slice(0, 16);
  const S = Buffer.from(salt, 'utf8');
  const rounds = effectiveRounds(setting.rounds);

  const B = H(P, S, P);
  const a = createHash(algorithm).update(P).update(S).update(repeated(B, P.length));
  for (let n = P.length; n > 0; n >>= 1) a.update(n & 1 ? B : P);
  const A = a.digest();
  const dp = createHash(algorithm);
  for (let i = 0; i < P.length; i++) dp.update(P);
  const Pp = repeated(dp.digest(), P.length);
  const ds = createHash(algorithm);
  for (let i = 0; i < 16 + (A[0] as number); i++) ds.update(S);
  const Sp = repeated(ds.digest(), S.length);

  let C = A;
  for (let i = 0; i < rounds; i++) {
    const c = createHash(algorithm);
    c.update(i & 1 ? Pp : C);
    if (i % 3 !== 0) c.update(Sp);
    if (i % 7 !== 0) c.update(Pp);
    c.update(i & 1 ? C : Pp);
    C = c.digest();
  }
  if (C.length !== size) throw new Error('unexpected digest size');
  const roundsPart = setting.rounds === undefined ? '' : `rounds=${rounds}$`;
  return `$${setting.variant}$${roundsPart}${salt}$${encode(setting.variant, C)}`;
}

/**
 * The keys assertions are signed with and the JWKS that publishes them. The key file's first key
 * signs and every key in it is published. The file is read again on every poll and compared (a
 * mounted Secret changes by a symlink swap, a rewrite in place may keep its size and mtime); a key
 * that leaves it stays published for one assertion lifetime, until the last assertion it signed
 * has expired. Key ids are RFC 7638 thumbprints, so every replica reading the same file names the
 * same key the same way. Without a file, one P-256 key is made at start-up: it exists in this
 * process only.
 */
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint } from 'jose';
import type { AssertionSettings } from '../config/validate-assertion.ts';
import type { Logger } from '../observability/logger.ts';
import { parseAssertionKeys, type AssertionAlgorithm, type AssertionPrivateKey } from './assertion-key-pem.ts';

/** The key that signs, with its published id. */
export interface SigningKey extends AssertionPrivateKey {
  readonly kid: string;
}

/** The key ring. */
export interface AssertionKeys {
  /** The key that signs now. */
  signing(): SigningKey;
  /** The JWKS document (RFC 7517 §5) as JSON text: the file's keys and the retired ones still in use. */
  jwks(): string;
  /** Changes whenever the signing key does, so cached assertions are signed again. */
  generation(): number;
  /** Stops watching the key file. */
  close(): void;
}

/** What the ring needs besides its settings. */
export interface AssertionKeyOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** How often the key file is checked for changes; 2 s by default. */
  readonly pollMs?: number;
}

interface PublishedKey {
  readonly kid: string;
  readonly jwk: JsonWebKey;
}

async function withKid(keys: readonly AssertionPrivateKey[]): Promise<{ signing: SigningKey[]; published: PublishedKey[] }> {
  const signing: SigningKey[] = [];
  const published: PublishedKey[] = [];
  for (const { key, alg } of keys) {
    const { kty, crv, x, y } = createPublicKey(key).export({ format: 'jwk' });
    const publicJwk = { kty, crv, x, ...(y === undefined ? {} : { y }) } as { kty: string; crv: string; x: string; y?: string };
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    signing.push({ key, alg, kid });
    published.push({ kid, jwk: { ...publicJwk, kid, alg: alg satisfies AssertionAlgorithm, use: 'sig' } });
  }
  return { signing, published };
}

function keysIn(text: string): AssertionPrivateKey[] {
  const parsed = parseAssertionKeys(text);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.keys;
}

/**
 * Loads the keys (or makes one) and starts watching the key file.
 * @throws Error when the key file cannot be read at start-up (the config check has read it once already)
 */
export async function createAssertionKeys(settings: AssertionSettings, options: AssertionKeyOptions): Promise<AssertionKeys> {
  const { logger, now } = options;
  const path = settings.keyFile;
  // One read gives both the keys and the text later polls compare with.
  let lastText = path === undefined ? '' : readFileSync(path, 'utf8');
  const initial = path === undefined ? [{ key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, alg: 'ES256' as const }] : keysIn(lastText);
  let current = await withKid(initial);
  // kid → the retired key and when its last assertion expires.
  const retired = new Map<string, { key: PublishedKey; until: number }>();
  let generation = 0;
  let document: string | undefined;
  let nextExpiry = Infinity;

  const apply = (next: typeof current): void => {
    const kept = new Set(next.published.map((k) => k.kid));
    for (const key of current.published) if (!kept.has(key.kid)) retired.set(key.kid, { key, until: now() + settings.ttlMs });
    for (const kid of kept) retired.delete(kid);
    if (next.signing[0]?.kid !== current.signing[0]?.kid) generation += 1;
    current = next;
    document = undefined;
  };

  let reading = false;
  const check = (): void => {
    if (path === undefined || reading) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      logger.error({ err: (err as NodeJS.ErrnoException).code }, 'assertion key file unreadable; keeping the current keys');
      return;
    }
    if (text === lastText) return;
    const parsed = parseAssertionKeys(text);
    if ('problems' in parsed) {
      logger.error({ problems: parsed.problems }, 'assertion key file holds unusable keys; keeping the current keys');
      lastText = text;
      return;
    }
    reading = true;
    withKid(parsed.keys).then(
      (next) => {
        lastText = text;
        apply(next);
        logger.info({ signing: current.signing[0]?.kid, published: current.published.length + retired.size }, 'assertion keys reloaded');
      },
      (err: unknown) => logger.error({ err: (err as Error).message }, 'assertion keys could not be read; keeping the current keys'),
    ).finally(() => {
      reading = false;
    });
  };
  const timer = path === undefined ? undefined : setInterval(check, options.pollMs ?? 2000).unref();
  logger.info({ kid: current.signing[0]?.kid, alg: current.signing[0]?.alg, keys: path === undefined ? 'generated' : 'file' }, 'identity assertions on');

  return {
    signing: () => current.signing[0] as SigningKey,
    generation: () => generation,
    jwks() {
      const at = now();
      if (at >= nextExpiry) {
        for (const [kid, entry] of retired) if (entry.until <= at) retired.delete(kid);
        document = undefined;
      }
      if (document === undefined) {
        const keys = [...current.published, ...[...retired.values()].map((entry) => entry.key)];
        nextExpiry = Math.min(Infinity, ...[...retired.values()].map((entry) => entry.until));
        document = JSON.stringify({ keys: keys.map((key) => key.jwk) });
      }
      return document;
    },
    close() {
      clearInterval(timer);
    },
  };
}

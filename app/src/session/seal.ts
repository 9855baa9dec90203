/**
 * Authenticated encryption (AES-256-GCM) for values that leave the server: cookies and the
 * sealed state of a sign-out. The first key seals; every key is tried to unseal, so keys rotate
 * without ending sessions. The purpose is bound in as associated data, so a value sealed for one
 * cookie cannot be replayed as another.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD = 1 + IV_BYTES + TAG_BYTES;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True when `text` (base64url characters only) is the one text its bytes encode to. Decoding
 * ignores a lone last character and the unused low bits of the last one, so without this check a
 * sealed value with a character appended or its last one changed would open as the original.
 */
function isCanonical(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = BASE64URL.indexOf(text.charAt(text.length - 1));
  return (last & (rest === 2 ? 15 : 3)) === 0;
}

/** Seals and unseals small values with a rotating key list. */
export interface Sealer {
  /** Encrypts `plaintext` for `purpose`; the result is URL- and cookie-safe. */
  seal(plaintext: Buffer, purpose: string): string;
  /**
   * Decrypts a sealed value, or returns undefined for anything malformed, tampered, sealed for
   * another purpose, or longer than `maxLength` characters (8 KiB by default: a cookie's bound).
   */
  unseal(sealed: string, purpose: string, maxLength?: number): Buffer | undefined;
  /** {@link seal} without the text encoding: the sealed bytes, for stores that keep binary values. */
  sealBytes(plaintext: Buffer, purpose: string): Buffer;
  /** {@link unseal} of what {@link sealBytes} made; undefined for anything malformed, tampered or sealed for another purpose. */
  unsealBytes(raw: Buffer, purpose: string): Buffer | undefined;
  /** Replaces the key list (rotation): the first new key seals from now on. */
  setKeys(keys: readonly Buffer[]): void;
  /** Changes on every setKeys, so caches of unsealed values know to start over. */
  generation(): number;
}

/**
 * Creates a sealer.
 * @param keys - 32-byte keys; the first seals
 * @throws Error when no key is given or a key is not 32 bytes
 */
export function createSealer(initialKeys: readonly Buffer[]): Sealer {
  // KeyObjects made once: building one from raw bytes on every call costs more than the decryption.
  const toKeyObjects = (keys: readonly Buffer[]): KeyObject[] => {
    if (keys.length === 0 || keys.some((key) => key.length !== 32)) {
      throw new Error('sealer needs one or more 32-byte keys');
    }
    return keys.map((key) => createSecretKey(key));
  };
  let keyObjects = toKeyObjects(initialKeys);
  let sealKey = keyObjects[0] as KeyObject;
  let generation = 0;
  const sealBytes = (plaintext: Buffer, purpose: string): Buffer => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]);
  };
  const unsealBytes = (raw: Buffer, purpose: string): Buffer | undefined => {
    if (raw.length < OVERHEAD || raw[0] !== VERSION) return undefined;
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const body = raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    for (const key of keyObjects) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(tag);
        const plain = decipher.update(body);
        // GCM's final() only checks the tag and yields nothing: no second copy of the plaintext.
        const rest = decipher.final();
        return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
      } catch {
        // Wrong key or tampered value: try the next key; none left means undefined below.
      }
    }
    return undefined;
  };
  return {
    setKeys(keys) {
      keyObjects = toKeyObjects(keys);
      sealKey = keyObjects[0] as KeyObject;
      generation += 1;
    },
    generation: () => generation,
    seal: (plaintext, purpose) => sealBytes(plaintext, purpose).toString('base64url'),
    sealBytes,
    unseal(sealed, purpose, maxLength = 8192) {
      if (sealed.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(sealed) || !isCanonical(sealed)) return undefined;
      return unsealBytes(Buffer.from(sealed, 'base64url'), purpose);
    },
    unsealBytes,
  };
}

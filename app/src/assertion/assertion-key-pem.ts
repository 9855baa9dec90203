/**
 * The private keys of a PEM file, in file order, each with the JWS algorithm it signs with:
 * P-256 keys sign ES256 (RFC 7518 §3.4), Ed25519 keys EdDSA (RFC 8037). Any other key is refused
 * by name, so a wrong file is a start-up message rather than an upstream that cannot verify.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

/** A JWS algorithm gatehouse signs assertions with. */
export type AssertionAlgorithm = 'ES256' | 'EdDSA';

/** One private key and its algorithm. */
export interface AssertionPrivateKey {
  readonly key: KeyObject;
  readonly alg: AssertionAlgorithm;
}

const BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

/** The algorithm a private key signs with; a problem naming the key when it can sign neither. */
export function algorithmOf(key: KeyObject): AssertionAlgorithm | string {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `is a${key.asymmetricKeyType === 'ec' || key.asymmetricKeyType === 'rsa' ? 'n' : ''} ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''} key; use P-256 (ES256) or Ed25519 (EdDSA)`;
}

/**
 * Reads every private key of `pem`.
 * @returns the keys, or the problems (each naming the key by its place in the file)
 */
export function parseAssertionKeys(pem: string): { readonly keys: AssertionPrivateKey[] } | { readonly problems: string[] } {
  const keys: AssertionPrivateKey[] = [];
  const problems: string[] = [];
  const blocks = [...pem.matchAll(BLOCK)];
  if (blocks.length === 0) return { problems: ['holds no PEM private key (-----BEGIN PRIVATE KEY-----)'] };
  blocks.forEach((block, index) => {
    const which = `key ${index + 1}`;
    const label = block[1] as string;
    if (!label.endsWith('PRIVATE KEY') || label.includes('ENCRYPTED')) {
      const what = label.includes('ENCRYPTED') ? 'is encrypted' : `is a ${label} block`;
      problems.push(`${which} ${what}; give unencrypted private keys (PRIVATE KEY or EC PRIVATE KEY)`);
      return;
    }
    let key: KeyObject;
    try {
      key = createPrivateKey(block[0]);
    } catch {
      problems.push(`${which} is not a readable private key`);
      return;
    }
    const alg = algorithmOf(key);
    if (alg !== 'ES256' && alg !== 'EdDSA') problems.push(`${which} ${alg}`);
    else keys.push({ key, alg });
  });
  return problems.length > 0 ? { problems } : { keys };
}

/**
 * Parses an issuer's `introspection` block: the RFC 7662 endpoint (or discovery's), the client id
 * and authentication (`client_secret_basic`, `client_secret_post` with the secret read from a
 * mounted file, or `private_key_jwt` with a private key file), where the answer proves the
 * audience, and how long an answer may be remembered. Secrets come from files only, so they never
 * sit in the ConfigMap; the files are read once, here. Every problem is appended; nothing throws.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { describe, isMapping, own } from '../policy/named/config-values.ts';
import { readMountedFile, readSeconds, readUrl } from './bearer-values.ts';
import type { AudienceClaim, IntrospectionClientAuth, IntrospectionSettings } from './bearer-settings.ts';

const KEYS = ['endpoint', 'client_id', 'auth_method', 'client_secret_file', 'private_key_file', 'key_id', 'audience_claim', 'max_cache'];
const METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
const AUDIENCE_CLAIMS: readonly AudienceClaim[] = ['aud', 'client_id'];
const DEFAULT_MAX_CACHE_SEC = 60;
const MAX_MAX_CACHE_SEC = 3600;
const EC_ALGORITHMS: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** The algorithm a private key signs with; undefined for a key type that cannot sign a client assertion. */
function algorithmOf(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec') return EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return undefined;
}

function privateKeyAuth(file: unknown, keyId: unknown, where: string, problems: string[]): IntrospectionClientAuth | undefined {
  const text = readMountedFile(file, `${where}.private_key_file`, problems);
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) problems.push(`${where}.key_id: expected a string`);
  if (text === undefined) return undefined;
  let key: KeyObject;
  try {
    key = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as import('node:crypto').JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch {
    // The message of a failed parse may quote the key: say only what is wrong.
    problems.push(`${where}.private_key_file: not a private key in PEM (PKCS#8) or JWK form`);
    return undefined;
  }
  const alg = algorithmOf(key);
  if (alg === undefined) {
    problems.push(`${where}.private_key_file: an RSA, EC (P-256, P-384, P-521) or Ed25519 key is needed`);
    return undefined;
  }
  return { method: 'private_key_jwt', privateKey: text, alg, kid: typeof keyId === 'string' && keyId !== '' ? keyId : undefined };
}

function clientAuth(block: Readonly<Record<string, unknown>>, where: string, problems: string[]): IntrospectionClientAuth | undefined {
  const method = own(block, 'auth_method') ?? 'client_secret_basic';
  if (!(METHODS as readonly unknown[]).includes(method)) {
    problems.push(`${where}.auth_method: expected one of ${METHODS.join(', ')}, got ${describe(method)}`);
    return undefined;
  }
  if (method === 'private_key_jwt') {
    if (own(block, 'client_secret_file') !== undefined) problems.push(`${where}.client_secret_file: not used with private_key_jwt`);
    return privateKeyAuth(own(block, 'private_key_file'), own(block, 'key_id'), where, problems);
  }
  if (own(block, 'private_key_file') !== undefined) problems.push(`${where}.private_key_file: only used with private_key_jwt`);
  const secret = readMountedFile(own(block, 'client_secret_file'), `${where}.client_secret_file`, problems)?.trim();
  if (secret === '') problems.push(`${where}.client_secret_file: the file is empty`);
  if (!secret) return undefined;
  return { method: method as 'client_secret_basic' | 'client_secret_post', secret };
}

/**
 * Parses the block at `where` (e.g. `bearer.issuers[0].introspection`).
 * @returns the settings, or undefined when the block cannot be used
 */
export function parseIntrospection(value: unknown, where: string, allowHttp: boolean, problems: string[]): IntrospectionSettings | undefined {
  if (!isMapping(value)) {
    problems.push(`${where}: expected a mapping with client_id and the client authentication, got ${describe(value)}`);
    return undefined;
  }
  for (const name of Object.keys(value)) if (!KEYS.includes(name)) problems.push(`${where}: unknown key "${name}"; known keys: ${KEYS.join(', ')}`);
  const endpointValue = own(value, 'endpoint');
  const endpoint = endpointValue === undefined ? undefined : readUrl(endpointValue, `${where}.endpoint`, allowHttp, problems);
  const clientId = own(value, 'client_id');
  if (typeof clientId !== 'string' || clientId === '') problems.push(`${where}.client_id: expected the client id gatehouse introspects as`);
  const audienceClaim = own(value, 'audience_claim') ?? 'aud';
  if (!AUDIENCE_CLAIMS.includes(audienceClaim as AudienceClaim)) problems.push(`${where}.audience_claim: expected aud or client_id, got ${describe(audienceClaim)}`);
  const cacheValue = own(value, 'max_cache');
  const maxCacheSec = cacheValue === undefined ? DEFAULT_MAX_CACHE_SEC : readSeconds(cacheValue, `${where}.max_cache`, false, problems);
  if (maxCacheSec !== undefined && maxCacheSec > MAX_MAX_CACHE_SEC) problems.push(`${where}.max_cache: at most ${MAX_MAX_CACHE_SEC / 60}m`);
  const auth = clientAuth(value, where, problems);
  if (auth === undefined || typeof clientId !== 'string' || clientId === '' || (endpointValue !== undefined && endpoint === undefined)) return undefined;
  return {
    endpoint,
    clientId,
    auth,
    audienceClaim: audienceClaim as AudienceClaim,
    maxCacheMs: (maxCacheSec ?? DEFAULT_MAX_CACHE_SEC) * 1000,
  };
}

/**
 * What the credential cache holds for one user, and how it is sealed: the password, a
 * fingerprint of what was written with it (roles, groups, full name, email) and its expiry, as
 * JSON sealed with AES-256-GCM under a key derived for this purpose alone, with the username as
 * associated data. An entry copied to another user's key, altered, or sealed under another key
 * does not open; the caller replaces it.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { createSealer } from '../../session/seal.ts';
import { BackendRefusedError } from '../errors.ts';

/** A cached credential, opened. */
export interface CredentialEntry {
  readonly password: string;
  /** {@link identityFingerprint} of the identity the user was last written for. */
  readonly fingerprint: string;
  /** Epoch ms after which the password is no longer handed out. */
  readonly expiresAt: number;
}

/** The identity fields written to Elasticsearch. */
export interface CredentialIdentity {
  readonly username: string;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly fullName?: string | undefined;
  readonly email?: string | undefined;
}

/** Seals and opens entries, bound to their username. */
export interface CredentialSealer {
  seal(username: string, entry: CredentialEntry): string;
  /** The entry, or undefined for anything malformed, tampered, sealed for another user or under another key. */
  open(username: string, sealed: string): CredentialEntry | undefined;
}

// The info label makes these keys differ from the cookie keys even when both come from one secret.
const HKDF_INFO = 'gatehouse elasticsearch credential cache v1';
const HKDF_SALT = 'gatehouse';
const MAX_SEALED = 4096;

function deriveKey(secret: Buffer | string): Buffer {
  const input = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (typeof secret === 'string' ? input.length < 32 : input.length !== 32) {
    throw new Error('the credential cache needs a 32-byte key or a secret of at least 32 bytes');
  }
  return Buffer.from(hkdfSync('sha256', input, HKDF_SALT, HKDF_INFO, 32));
}

const purposeOf = (username: string): string => `elasticsearch-credential:${username}`;

/**
 * Creates a sealer from one or more secrets (32-byte keys, or strings of at least 32 bytes); the
 * first seals, all open, so the secrets can rotate like the cookie keys.
 * @throws Error when no secret is given or one is too short
 */
export function createCredentialSealer(secrets: readonly (Buffer | string)[]): CredentialSealer {
  if (secrets.length === 0) throw new Error('the credential cache needs a secret');
  const sealer = createSealer(secrets.map(deriveKey));
  return {
    seal(username, entry) {
      const json = JSON.stringify({ v: 1, p: entry.password, f: entry.fingerprint, e: entry.expiresAt });
      return sealer.seal(Buffer.from(json, 'utf8'), purposeOf(username));
    },
    open(username, sealed) {
      const plain = sealer.unseal(sealed, purposeOf(username), MAX_SEALED);
      if (plain === undefined) return undefined;
      try {
        const raw = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
        const { v, p, f, e } = raw;
        if (v !== 1 || typeof p !== 'string' || p.length < 32 || typeof f !== 'string' || typeof e !== 'number') return undefined;
        return { password: p, fingerprint: f, expiresAt: e };
      } catch {
        return undefined;
      }
    },
  };
}

/** Roles and groups as sets: order and repeats do not change what Elasticsearch grants. */
const asSet = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** A digest of everything written to the user but the password: a change means a new upsert. */
export function identityFingerprint(identity: CredentialIdentity): string {
  const material = JSON.stringify([asSet(identity.roles), asSet(identity.groups), identity.fullName ?? null, identity.email ?? null]);
  return createHash('sha256').update(material).digest('base64url');
}

/** A password from the CSPRNG: 32 random bytes, 43 base64url characters. */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The cache and lock key of a user's credential.
 * @throws BackendRefusedError `invalid_username` (403) for a name that is not well-formed UTF-16
 * (a lone surrogate), which no key can name: it could not be encoded, nor sent as UTF-8
 */
export function credentialKey(username: string): string {
  if (!username.isWellFormed()) throw new BackendRefusedError('invalid_username', 'the username holds a lone UTF-16 surrogate');
  return encodeURIComponent(username);
}

/** The `Authorization` value that authenticates `username` with `password`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

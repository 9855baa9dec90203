/**
 * The users of the Elasticsearch stand-in (not Elasticsearch): native users, the reserved
 * built-in users, internal users and the anonymous user, with the validation Elastic documents
 * for the create-or-update-users API. Passwords are kept only as salted hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A user as the get-users API shows it. */
export interface StandInUser {
  readonly username: string;
  readonly roles: readonly string[];
  readonly full_name: string | null;
  readonly email: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
}

/** A user to seed, e.g. a pre-existing human user that gatehouse must never overwrite. */
export interface SeedUser {
  readonly username: string;
  readonly password?: string;
  readonly roles?: readonly string[];
  readonly full_name?: string | null;
  readonly email?: string | null;
  readonly metadata?: Record<string, unknown>;
  readonly enabled?: boolean;
}

/** Elastic's built-in users and their roles; the API refuses to change anything but their password. */
const RESERVED_ROLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  elastic: ['superuser'],
  kibana: ['kibana_system'],
  kibana_system: ['kibana_system'],
  logstash_system: ['logstash_system'],
  beats_system: ['beats_system'],
  apm_system: ['apm_system'],
  remote_monitoring_user: ['remote_monitoring_collector', 'remote_monitoring_agent'],
});

/** The names of Elastic's built-in users. */
export const RESERVED_USERS: readonly string[] = Object.freeze(Object.keys(RESERVED_ROLES));

/** Some of Elasticsearch's internal users: never in the get-users API, refused by put. */
export const INTERNAL_USERS: readonly string[] = Object.freeze([
  '_system', '_xpack', '_xpack_security', '_async_search', '_security_profile',
]);

/** Elastic's username rule: 1 to 507 printable Basic Latin characters, no surrounding whitespace. */
const VALID_NAME = /^(?! )[\x20-\x7e]{1,507}(?<! )$/;

const hash = (salt: Buffer, password: string): Buffer => createHash('sha256').update(salt).update(password).digest();

interface Row {
  user: StandInUser;
  salt: Buffer;
  digest: Buffer | undefined;
}

/** Where a username stands before a write. */
export type WriteBlock = 'reserved' | 'anonymous' | 'internal' | 'invalid' | undefined;

/** The users and their passwords. */
export class UserTable {
  readonly #rows = new Map<string, Row>();
  readonly #anonymous: string | undefined;

  /** @param anonymousUsername - `xpack.security.authc.anonymous.username`, when anonymous access is configured */
  constructor(anonymousUsername: string | undefined) {
    this.#anonymous = anonymousUsername;
    for (const [username, roles] of Object.entries(RESERVED_ROLES)) {
      this.#store({ username, roles, full_name: null, email: null, metadata: { _reserved: true }, enabled: true }, undefined);
    }
  }

  /** Why a write to `username` is refused, or undefined when it may be written. */
  blockOf(username: string): WriteBlock {
    if (RESERVED_USERS.includes(username)) return 'reserved';
    if (username === this.#anonymous) return 'anonymous';
    if (INTERNAL_USERS.includes(username)) return 'internal';
    return VALID_NAME.test(username) ? undefined : 'invalid';
  }

  get(username: string): StandInUser | undefined {
    return this.#rows.get(username)?.user;
  }

  all(): StandInUser[] {
    return [...this.#rows.values()].map((row) => row.user);
  }

  /** Creates or replaces a user; a password left out keeps the current one (an update). */
  put(user: StandInUser, password: string | undefined): boolean {
    const existing = this.#rows.get(user.username);
    this.#store(user, password, existing);
    return existing === undefined;
  }

  setEnabled(username: string, enabled: boolean): boolean {
    const row = this.#rows.get(username);
    if (!row) return false;
    row.user = { ...row.user, enabled };
    return true;
  }

  seed(seed: SeedUser): void {
    this.#store(
      {
        username: seed.username,
        roles: [...(seed.roles ?? [])],
        full_name: seed.full_name ?? null,
        email: seed.email ?? null,
        metadata: seed.metadata ?? {},
        enabled: seed.enabled ?? true,
      },
      seed.password,
    );
  }

  /** The enabled user whose password this is, as the native realm would authenticate it. */
  authenticate(username: string, password: string): StandInUser | undefined {
    const row = this.#rows.get(username);
    if (!row || row.digest === undefined || !row.user.enabled) return undefined;
    return timingSafeEqual(hash(row.salt, password), row.digest) ? row.user : undefined;
  }

  #store(user: StandInUser, password: string | undefined, existing?: Row): void {
    const salt = password === undefined && existing ? existing.salt : randomBytes(16);
    const digest = password === undefined ? existing?.digest : hash(salt, password);
    this.#rows.set(user.username, { user, salt, digest });
  }
}

/**
 * Hands out a Basic credential for an Elasticsearch native-realm user that gatehouse manages.
 * A cached credential written for the same roles, groups, name and email is used as it is;
 * otherwise one run per user and identity (single-flight in the process, a lock in the cache
 * across replicas) checks that the user is gatehouse's to write, writes it, and caches the
 * password sealed. Waiters re-read the cache for the winner's credential instead of writing
 * again, so concurrent first requests make exactly one upsert and every answer carries the
 * password Elasticsearch holds. Broken cache entries are replaced; nothing here logs a password.
 */
import { createSingleFlight, withLock } from '../coordination.ts';
import { BackendRefusedError, BackendUnavailableError, type RefusalReason } from '../errors.ts';
import type { BackendLogger } from '../logger.ts';
import type { CredentialCache } from './credential-cache.ts';
import {
  basicAuthorization,
  credentialKey,
  identityFingerprint,
  newPassword,
  type CredentialEntry,
  type CredentialIdentity,
  type CredentialSealer,
} from './credential-entry.ts';
import { NO_METRICS, type ElasticsearchMetrics } from './metrics.ts';
import type { SecurityApi } from './security-api.ts';
import { usernameRefusal } from './user-names.ts';

/** The `metadata.managed_by` value that marks a user as gatehouse's to write. */
export const MANAGED_BY = 'gatehouse';

/** Options of {@link createCredentialProvisioner}. */
export interface ProvisionerOptions {
  readonly api: SecurityApi;
  readonly cache: CredentialCache;
  readonly sealer: CredentialSealer;
  /** How long a password is handed out (elastauth's `cache.expiration`), in ms. */
  readonly expirationMs: number;
  /** elastauth's `dry_run`: no call to Elasticsearch; a generated password is cached and handed out. */
  readonly dryRun?: boolean;
  /** More usernames never to write, besides Elastic's reserved and internal users. */
  readonly deniedUsers?: readonly string[];
  readonly logger: BackendLogger;
  readonly metrics?: ElasticsearchMetrics;
  /** The per-user lock across replicas; ttl must exceed a get plus a put over every host. */
  readonly lock?: { readonly ttlMs?: number; readonly waitMs?: number; readonly pollMs?: number };
  readonly now?: () => number;
}

/** Provisions credentials. */
export interface CredentialProvisioner {
  /**
   * @returns the `Authorization` value for the upstream request
   * @throws BackendRefusedError (403) or BackendUnavailableError (502/503)
   */
  provision(identity: CredentialIdentity): Promise<{ authorization: string }>;
}

type CacheRead = { state: 'hit'; entry: CredentialEntry } | { state: 'miss' | 'invalid' };

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** Creates a provisioner. */
export function createCredentialProvisioner(options: ProvisionerOptions): CredentialProvisioner {
  const { api, sealer, logger, expirationMs } = options;
  const metrics = options.metrics ?? NO_METRICS;
  const now = options.now ?? Date.now;
  const denied = new Set(options.deniedUsers ?? []);
  const timing = { ttlMs: 30_000, waitMs: 10_000, pollMs: 50, ...options.lock };
  const flights = createSingleFlight<CredentialEntry>();
  const cacheFailed = (error: unknown): never => {
    if (error instanceof BackendUnavailableError) throw error;
    throw new BackendUnavailableError('cache_unavailable', `credential cache: ${(error as Error)?.message}`, { cause: error });
  };
  const cache = {
    get: (key: string) => options.cache.get(key).catch(cacheFailed),
    set: (key: string, value: string, ttlMs: number) => options.cache.set(key, value, ttlMs).catch(cacheFailed),
    lock: (key: string, ttlMs: number) => options.cache.lock(key, ttlMs).catch(cacheFailed),
    unlock: (key: string, token: string) => options.cache.unlock(key, token),
  };

  const refuse = (username: string, reason: RefusalReason, detail: string): never => {
    metrics.upsert('refused');
    logger.warn({ username, reason }, `elasticsearch credential refused: ${detail}`);
    throw new BackendRefusedError(reason, `${username}: ${detail}`);
  };

  const read = async (username: string): Promise<CacheRead> => {
    const sealed = await cache.get(credentialKey(username));
    if (sealed === undefined) return { state: 'miss' };
    const entry = sealer.open(username, sealed);
    if (entry === undefined) return { state: 'invalid' };
    return entry.expiresAt > now() ? { state: 'hit', entry } : { state: 'miss' };
  };
  const current = (result: CacheRead, fingerprint: string): CredentialEntry | undefined =>
    result.state === 'hit' && result.entry.fingerprint === fingerprint ? result.entry : undefined;

  /** Checks ownership, writes the user, caches the password; runs holding the user's lock. */
  const write = async (identity: CredentialIdentity, fingerprint: string): Promise<CredentialEntry> => {
    const { username } = identity;
    const cached = await read(username);
    const done = current(cached, fingerprint);
    if (done) return done;
    if (cached.state === 'invalid') logger.warn({ username }, 'credential cache entry does not open; replacing it');
    const existing = options.dryRun ? undefined : await api.getUser(username);
    if (existing?.metadata._reserved === true) refuse(username, 'reserved_user', 'Elasticsearch reserves this user');
    if (existing && existing.metadata.managed_by !== MANAGED_BY) refuse(username, 'unmanaged_user', 'the user exists and gatehouse does not manage it');
    // Only roles or groups changed: keep the password (and its expiry), so answers in flight stay valid.
    const kept = cached.state === 'hit' && (existing || options.dryRun) ? cached.entry : undefined;
    const entry = { password: kept?.password ?? newPassword(), fingerprint, expiresAt: kept?.expiresAt ?? now() + expirationMs };
    const roles = unique(identity.roles);
    if (options.dryRun) {
      metrics.upsert('dry_run');
      logger.info({ username, roles, dryRun: true }, 'elasticsearch user not written (dry run)');
    } else {
      const document = {
        password: entry.password,
        roles,
        full_name: identity.fullName ?? null,
        email: identity.email ?? null,
        metadata: { groups: unique(identity.groups), managed_by: MANAGED_BY, credential_expires_at: new Date(entry.expiresAt).toISOString() },
      };
      const outcome = await api.putUser(username, document).catch((error: unknown) => {
        if (error instanceof BackendRefusedError) refuse(username, error.reason, error.message);
        metrics.upsert('error');
        throw error;
      });
      metrics.upsert(outcome.created ? 'created' : 'updated');
      logger.info({ username, roles, created: outcome.created }, 'elasticsearch user written');
    }
    await cache.set(credentialKey(username), sealer.seal(username, entry), entry.expiresAt - now());
    return entry;
  };

  return {
    async provision(identity) {
      const { username } = identity;
      const refusal = usernameRefusal(username, denied);
      if (refusal) refuse(username, refusal, 'gatehouse never writes this username');
      const fingerprint = identityFingerprint(identity);
      const cached = await read(username);
      const hit = current(cached, fingerprint);
      metrics.cache(hit ? 'hit' : cached.state === 'invalid' ? 'invalid' : 'miss');
      const entry =
        hit ??
        (await flights(`${username}\n${fingerprint}`, () =>
          withLock(
            cache,
            credentialKey(username),
            timing,
            async () => current(await read(username), fingerprint),
            () => write(identity, fingerprint),
            (error) => logger.warn({ username, err: (error as Error)?.message }, 'credential lock not released; it expires by itself'),
          ),
        ));
      return { authorization: basicAuthorization(username, entry.password) };
    },
  };
}

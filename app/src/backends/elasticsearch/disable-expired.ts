/**
 * Makes expiry real: a password gatehouse handed out stays valid in Elasticsearch until the user
 * is written again, so a leaked Basic header would outlive the cache entry. The sweep disables
 * every managed user whose `metadata.credential_expires_at` has passed; the next request for
 * that user writes it again, enabled, with a new password. Elasticsearch is the record, so any
 * replica may sweep, and each user is checked again under the user's lock so that a sweep never
 * disables a user that a replica is writing at the same moment.
 */
import type { Lockable } from '../coordination.ts';
import type { BackendLogger } from '../logger.ts';
import { credentialKey } from './credential-entry.ts';
import { MANAGED_BY } from './provision-credential.ts';
import type { NativeUser, SecurityApi } from './security-api.ts';

/** Options of {@link disableExpiredUsers}. */
export interface ExpirySweepOptions {
  readonly api: SecurityApi;
  /** The provisioner's cache, for its per-user locks. */
  readonly locks: Lockable;
  readonly logger: BackendLogger;
  readonly now?: () => number;
  /** How long one user's lock is held at most. Default 30 s. */
  readonly lockTtlMs?: number;
}

/** True for an enabled user gatehouse manages whose credential expired before `now`. */
function expired(user: NativeUser | undefined, now: number): boolean {
  if (!user || !user.enabled || user.metadata.managed_by !== MANAGED_BY) return false;
  const at = user.metadata.credential_expires_at;
  return typeof at === 'string' && Date.parse(at) <= now;
}

/**
 * Disables the expired managed users once.
 * @returns the users disabled
 * @throws BackendUnavailableError when the users cannot be listed; a failure for one user is logged and skipped
 */
export async function disableExpiredUsers(options: ExpirySweepOptions): Promise<string[]> {
  const { api, locks, logger } = options;
  const now = options.now ?? Date.now;
  const disabled: string[] = [];
  for (const candidate of (await api.listUsers()).filter((user) => expired(user, now()))) {
    const { username } = candidate;
    try {
      // Inside the try: a name no key can hold is logged and skipped, never the end of the sweep.
      const key = credentialKey(username);
      const token = await locks.lock(key, options.lockTtlMs ?? 30_000);
      // A replica is writing the user right now: it is about to be valid again.
      if (token === undefined) continue;
      try {
        if (!expired(await api.getUser(username), now())) continue;
        await api.disableUser(username);
        disabled.push(username);
        logger.info({ username }, 'elasticsearch user disabled: its credential expired');
      } finally {
        await locks.unlock(key, token);
      }
    } catch (error) {
      logger.warn({ username, err: (error as Error)?.message }, 'elasticsearch user not disabled');
    }
  }
  return disabled;
}

/** A sweep that runs every `intervalMs` until stopped; runs never overlap. */
export function startExpirySweeper(options: ExpirySweepOptions & { readonly intervalMs: number }): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    disableExpiredUsers(options)
      .catch((error: unknown) => options.logger.warn({ err: (error as Error)?.message }, 'expiry sweep failed'))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * Cookie keys from a Kubernetes Secret, as start-up uses them: the keys read (or the Secret
 * created) before anything seals, the configuration carrying them, and the follower that applies
 * a key added to the Secret later.
 */
import type { Config } from '../../config/config.ts';
import type { CookieSecretSettings } from '../../config/validate-cookie-kubernetes.ts';
import type { Logger } from '../../observability/logger.ts';
import { followCookieSecret, type FollowOptions } from './follow-cookie-secret.ts';
import { loadCookieKeys } from './load-cookie-keys.ts';
import { createCookieSecretClient } from './secret-client.ts';

/** The opened Secret. */
export interface OpenedCookieSecret {
  /** `config` with the Secret's keys in `cookie.keys` (still frozen). */
  readonly config: Config;
  /** Starts following the Secret; returns a function that stops it. */
  follow(options: Pick<FollowOptions, 'onKeys' | 'onRefused'> & { readonly pollMs?: number | undefined }): () => void;
}

/**
 * Reads the keys, creating the Secret when it is missing.
 * @throws CookieSecretError when they cannot be had
 */
export async function openCookieSecret(config: Config, settings: CookieSecretSettings, deps: { readonly logger: Logger; readonly now: () => number }): Promise<OpenedCookieSecret> {
  const client = createCookieSecretClient(settings, config, deps.now);
  const loaded = await loadCookieKeys(client, settings, deps.logger);
  const cookie = Object.freeze({ ...config.cookie, keys: Object.freeze(loaded.keys) });
  return {
    config: Object.freeze({ ...config, cookie }),
    follow: ({ pollMs, onKeys, onRefused }) =>
      followCookieSecret(client, settings, { pollMs: pollMs ?? settings.pollMs, logger: deps.logger, keysText: loaded.keysText, onKeys, onRefused }),
  };
}

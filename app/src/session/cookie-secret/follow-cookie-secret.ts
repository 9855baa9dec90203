/**
 * Follows the cookie keys' Secret after start-up by reading it again every poll interval, and
 * applies a changed key list the way a rotated key file is applied (the first key seals, all
 * unseal). A Secret that is gone, unreadable or holds no valid keys keeps the keys in use and is
 * logged once until it recovers.
 */
import type { CookieSecretSettings } from '../../config/validate-cookie-kubernetes.ts';
import type { Logger } from '../../observability/logger.ts';
import { keysOf } from './load-cookie-keys.ts';
import type { CookieSecretClient } from './secret-client.ts';

/** What the follower reports. */
export interface FollowOptions {
  readonly pollMs: number;
  readonly logger: Logger;
  /** The text the keys in use were read from. */
  readonly keysText: string;
  readonly onKeys: (keys: Buffer[]) => void;
  readonly onRefused: (reason: 'unreadable' | 'invalid') => void;
}

/** Starts following; returns a function that stops it. */
export function followCookieSecret(client: CookieSecretClient, settings: CookieSecretSettings, options: FollowOptions): () => void {
  const { logger } = options;
  const where = `${settings.namespace}/${settings.name}`;
  let current = options.keysText;
  let reading = false;
  let troubled = false;
  const trouble = (reason: 'unreadable' | 'invalid', fields: Record<string, unknown>, msg: string): void => {
    if (troubled) return;
    troubled = true;
    logger.error({ secret: where, ...fields }, msg);
    options.onRefused(reason);
  };
  const poll = async (): Promise<void> => {
    const read = await client.read();
    if (read.kind === 'missing') return trouble('unreadable', {}, 'the cookie keys Secret is gone; keeping the keys in use');
    if (read.kind === 'failed') return trouble('unreadable', { cause: read.detail }, 'the cookie keys Secret cannot be read; keeping the keys in use');
    if (read.keysText === current) {
      troubled = false;
      return;
    }
    let keys: Buffer[];
    try {
      keys = keysOf(settings, read.keysText);
    } catch (err) {
      return trouble('invalid', { problem: (err as Error).message }, 'the cookie keys Secret holds no valid keys; keeping the keys in use');
    }
    current = read.keysText as string;
    troubled = false;
    options.onKeys(keys);
    logger.info({ secret: where, keys: keys.length }, 'cookie keys reloaded');
  };
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    poll()
      .catch((err: unknown) => logger.error({ secret: where, err: (err as Error).message }, 'following the cookie keys Secret failed'))
      .finally(() => {
        reading = false;
      });
  }, options.pollMs).unref();
  return () => clearInterval(timer);
}

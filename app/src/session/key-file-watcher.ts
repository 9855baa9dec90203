/**
 * Picks up a rotated GATEHOUSE_COOKIE_SECRET_FILE without a restart. Kubernetes updates a mounted
 * Secret by swapping a symlink, which stat-polling sees reliably (inotify on the old inode does not).
 * A file that no longer holds valid keys is ignored, keeping the keys in use, and logged.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { decodeKeys } from '../config/validators.ts';
import type { Logger } from '../observability/logger.ts';

/** Options of the watcher. */
export interface KeyFileWatcherOptions {
  readonly path: string;
  readonly logger: Logger;
  /** Called with the new keys after each valid change. */
  readonly onKeys: (keys: Buffer[]) => void;
  /** Called when a change is refused and the keys in use stay: the file is unreadable or holds no valid keys. */
  readonly onRefused?: (reason: 'unreadable' | 'invalid') => void;
  readonly intervalMs?: number;
}

/**
 * Starts watching; returns a function that stops it.
 */
export function watchKeyFile(options: KeyFileWatcherOptions): () => void {
  const { path, logger } = options;
  let current = readFileSync(path, 'utf8').trim();
  const check = (): void => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      logger.error({ err: (err as NodeJS.ErrnoException).code }, 'cookie key file unreadable; keeping the current keys');
      options.onRefused?.('unreadable');
      return;
    }
    if (text === current) return;
    try {
      const keys = decodeKeys(text);
      current = text;
      options.onKeys(keys);
      logger.info({ keys: keys.length }, 'cookie keys reloaded');
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'cookie key file holds no valid keys; keeping the current keys');
      options.onRefused?.('invalid');
    }
  };
  watchFile(path, { interval: options.intervalMs ?? 2000, persistent: false }, check);
  return () => unwatchFile(path, check);
}

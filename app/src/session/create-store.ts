/** Picks the session store named by GATEHOUSE_SESSION_STORE. */
import type { Config } from '../config/config.ts';
import { createMemoryStore } from './memory-store.ts';
import type { SessionStore } from './store.ts';

/**
 * Creates the configured store.
 * @throws Error for a store name the config should already have refused
 */
export function createSessionStore(config: Config, now: () => number = Date.now): SessionStore {
  switch (config.sessionStore) {
    case 'memory':
      return createMemoryStore({ maxEntries: config.session.maxEntries, now });
    case 'redis':
      throw new Error('the redis store is not built yet');
    default:
      throw new Error(`unknown session store ${String(config.sessionStore)}`);
  }
}

/**
 * The revocation lists in force. A CA publishes a new list before the old one's nextUpdate and a
 * mounted ConfigMap or Secret changes under the pod, so the file is read again when a check comes
 * at least `intervalMs` after the last look (no timer: nothing runs while nobody signs in). A
 * changed file that holds valid lists replaces the old ones and bumps the generation, which makes
 * every cached verification be done again; an unreadable or invalid file keeps the lists in force
 * and says so in the log.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../observability/logger.ts';
import { parseRevocationLists, type RevocationLists } from './revocation-lists.ts';
import type { TrustAnchor } from './trust-anchors.ts';

/** The lists in force and their generation (bumped on each change). */
export interface RevocationState {
  readonly lists: RevocationLists;
  readonly generation: number;
}

/** Options of {@link createRevocationStore}. */
export interface RevocationStoreOptions {
  readonly path: string;
  /** The file's bytes as read at start-up, and the lists they hold. */
  readonly content: Buffer;
  readonly anchors: readonly TrustAnchor[];
  /** 0: never read again. */
  readonly intervalMs: number;
  readonly logger: Pick<Logger, 'info' | 'error'>;
}

/** The store; `current` answers at once and may start a re-read in the background. */
export interface RevocationStore {
  current(now: number): RevocationState;
  /** Resolves when a re-read started by `current` has finished (for tests). */
  settled(): Promise<void>;
}

const LABEL = 'GATEHOUSE_CLIENT_CRL_FILE';

/** Creates the store from the start-up content, whose problems were reported with the config's. */
export function createRevocationStore(options: RevocationStoreOptions): RevocationStore {
  const { path, anchors, intervalMs, logger } = options;
  let content = options.content;
  let state: RevocationState = { lists: parseRevocationLists(content, anchors, LABEL, []), generation: 0 };
  let lastLook = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> = Promise.resolve();

  const reread = async (): Promise<void> => {
    let fresh: Buffer;
    try {
      fresh = await readFile(path);
    } catch (err) {
      logger.error({ file: path, err: (err as NodeJS.ErrnoException).code ?? 'unreadable' }, 'revocation list file unreadable; keeping the lists in force');
      return;
    }
    if (fresh.equals(content)) return;
    const problems: string[] = [];
    const lists = parseRevocationLists(fresh, anchors, LABEL, problems);
    if (problems.length > 0) {
      logger.error({ file: path, problems }, 'revocation list file refused; keeping the lists in force');
      return;
    }
    content = fresh;
    state = { lists, generation: state.generation + 1 };
    logger.info({ file: path, lists: lists.size }, 'revocation lists reloaded');
  };

  return {
    current(now) {
      // The first check starts the clock: the file was read at start-up.
      if (lastLook === Number.NEGATIVE_INFINITY) lastLook = now;
      if (intervalMs > 0 && now - lastLook >= intervalMs) {
        lastLook = now;
        reading = reading.then(reread);
      }
      return state;
    },
    settled: () => reading,
  };
}

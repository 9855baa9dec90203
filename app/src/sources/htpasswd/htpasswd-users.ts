/**
 * The htpasswd file in force, read at start-up and again whenever it changes. Polling with stat,
 * as the config file is watched, follows the symlink swap with which Kubernetes updates a mounted
 * Secret. A changed file with any problem, or one that cannot be read mid-swap, is refused and
 * the users in force stay, with every problem logged (never a hash).
 */
import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../../observability/logger.ts';
import { MAX_FILE_BYTES, parseHtpasswd, type StoredHash } from './htpasswd-file.ts';
import { dummyHashFor } from './verify-password.ts';

/** The users in force and the dummy hash a login not among them is checked against. */
export interface LoadedUsers {
  readonly users: ReadonlyMap<string, StoredHash>;
  /** Made in the background after each load: a bcrypt hash at the file's cost takes a moment. */
  readonly dummy: Promise<StoredHash>;
}

/** The live users. */
export interface HtpasswdUsersHolder {
  current(): LoadedUsers;
  /** Reads the file again; false when it was refused. */
  reload(trigger: string): boolean;
  close(): void;
}

const LABEL = 'GATEHOUSE_HTPASSWD_FILE';

/**
 * Reads and parses `file`; problems are appended.
 * @returns the users, or undefined when the file is unusable
 */
export function readHtpasswdFile(file: string, problems: string[]): ReadonlyMap<string, StoredHash> | undefined {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) {
      problems.push(`${LABEL}: ${file} is larger than ${MAX_FILE_BYTES} bytes`);
      return undefined;
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${LABEL}: cannot read ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
  const parsed = parseHtpasswd(text, `${LABEL} ${file}`);
  problems.push(...parsed.problems);
  if (parsed.problems.length > 0) return undefined;
  if (parsed.users.size === 0) problems.push(`${LABEL}: ${file} holds no user`);
  return parsed.users;
}

/** Options of {@link createHtpasswdUsers}. */
export interface HtpasswdUsersOptions {
  readonly file: string;
  /** How often the file is checked for changes; 0 never. */
  readonly pollMs: number;
  readonly logger: Logger;
}

/**
 * Loads the file and starts watching it.
 * @throws Error when the file cannot be used at start-up (the config check has already said why)
 */
export function createHtpasswdUsers(options: HtpasswdUsersOptions): HtpasswdUsersHolder {
  const { file, pollMs, logger } = options;
  const load = (users: ReadonlyMap<string, StoredHash>): LoadedUsers => {
    const dummy = dummyHashFor(users.values());
    dummy.catch(() => {});
    return { users, dummy };
  };
  const problems: string[] = [];
  const initial = readHtpasswdFile(file, problems);
  if (!initial) throw new Error(problems.join('; '));
  let loaded = load(initial);
  const reload = (trigger: string): boolean => {
    const found: string[] = [];
    const users = readHtpasswdFile(file, found);
    if (!users || found.length > 0) {
      logger.error({ trigger, problems: found }, 'htpasswd file refused; the users in force stay');
      return false;
    }
    loaded = load(users);
    logger.info({ trigger, users: users.size }, 'htpasswd file reloaded');
    return true;
  };
  const listener = (): void => void reload('file-change');
  if (pollMs > 0) watchFile(file, { interval: pollMs, persistent: false }, listener);
  return {
    current: () => loaded,
    reload,
    close: () => {
      if (pollMs > 0) unwatchFile(file, listener);
    },
  };
}

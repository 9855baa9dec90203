/**
 * The identity config in force, replaceable at run time: on SIGHUP or when the config file
 * changes, the file is read and checked again; a file with any problem is refused and the config
 * in force stays, with every problem logged.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../observability/logger.ts';
import { parseIdentityConfig, type IdentityConfig } from './identity-config.ts';

/** The outcome of one reload attempt. */
export type ReloadOutcome = 'applied' | 'unchanged' | 'refused';

/** The live identity config. */
export interface IdentitySettings {
  /** The config in force. */
  current(): IdentityConfig;
  /** Reads the file again; a refused file changes nothing. */
  reload(trigger: string): ReloadOutcome;
  /** Stops watching the file. */
  close(): void;
}

/** Options for {@link createIdentitySettings}. */
export interface IdentitySettingsOptions {
  /** The config file; without one there is nothing to reload. */
  readonly file: string | undefined;
  /** Reads the file as at start-up; problems are appended. */
  readonly read: (problems: string[]) => Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /** How often the file is polled; 0 disables watching (SIGHUP still works). */
  readonly pollMs: number;
  /** Told about each attempt and what started it, for metrics and the audit log. */
  readonly onReload?: (outcome: ReloadOutcome, trigger: string) => void;
}

/**
 * Creates the holder and starts watching the file. Polling with stat, rather than inotify,
 * follows the symlink swap with which Kubernetes updates a mounted ConfigMap.
 */
export function createIdentitySettings(initial: IdentityConfig, options: IdentitySettingsOptions): IdentitySettings {
  const { file, read, logger, pollMs, onReload } = options;
  let config = initial;
  const reload = (trigger: string): ReloadOutcome => {
    if (file === undefined) return 'unchanged';
    const problems: string[] = [];
    const next = parseIdentityConfig(read(problems), problems);
    let outcome: ReloadOutcome;
    if (problems.length > 0) {
      outcome = 'refused';
      logger.error({ trigger, problems }, 'config reload refused; the previous config stays in force');
    } else if (next.fingerprint === config.fingerprint) {
      outcome = 'unchanged';
    } else {
      config = next;
      outcome = 'applied';
      logger.info({ trigger, fingerprint: next.fingerprint }, 'config reloaded');
    }
    onReload?.(outcome, trigger);
    return outcome;
  };
  const listener = (): void => void reload('file-change');
  if (file !== undefined && pollMs > 0) watchFile(file, { interval: pollMs, persistent: false }, listener);
  return {
    current: () => config,
    reload,
    close() {
      if (file !== undefined && pollMs > 0) unwatchFile(file, listener);
    },
  };
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnLogged } from '../support/child-process.ts';

/** The repository root, where gatehouse runs from. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The gatehouse entry point, run directly by Node's type stripping. */
export const GATEHOUSE_MAIN = join(REPO_ROOT, 'app', 'src', 'main.ts');

/** One running gatehouse replica. */
export interface GatehouseProcess {
  port: number;
  metricsPort: number;
  pid: number;
  /** stdout and stderr (JSON log lines) captured so far. */
  logs(): string;
  /** `exit code N` or `signal S` once the process has exited, otherwise undefined. */
  exitStatus(): string | undefined;
  /** Sends `signal` (default SIGTERM) to this replica and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of {@link startGatehouse}. */
export interface StartGatehouseOptions {
  port: number;
  metricsPort: number;
  /** The complete configuration; only PATH is inherited besides it. */
  env: Record<string, string>;
  /** Readiness polls of `/readyz`, 100 ms apart; default 100. */
  readyTries?: number;
}

/**
 * Starts gatehouse as a child process and waits until `GET /readyz` answers 200.
 *
 * @throws with the captured output when it exits or never becomes ready.
 */
export async function startGatehouse(options: StartGatehouseOptions): Promise<GatehouseProcess> {
  if (!existsSync(GATEHOUSE_MAIN)) throw new Error(`gatehouse entry point not found: ${GATEHOUSE_MAIN}`);
  const child = spawnLogged(process.execPath, [GATEHOUSE_MAIN], {
    cwd: REPO_ROOT,
    // Nothing else from the caller's environment, so a developer's shell cannot change the test.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
  });
  const readyUrl = `http://127.0.0.1:${options.port}/readyz`;
  const tries = options.readyTries ?? 100;
  let lastProblem = 'no answer';
  for (let attempt = 0; attempt < tries; attempt++) {
    const status = child.exitStatus();
    if (status !== undefined) {
      throw new Error(`gatehouse on port ${options.port} exited before it was ready (${status}):\n${child.logs()}`);
    }
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200) {
        return {
          port: options.port,
          metricsPort: options.metricsPort,
          pid: child.pid,
          logs: child.logs,
          exitStatus: child.exitStatus,
          stop: (signal: NodeJS.Signals = 'SIGTERM') => child.stop(signal, 10_000),
        };
      }
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  await child.stop('SIGTERM', 5000);
  throw new Error(`gatehouse on port ${options.port} not ready after ${tries} tries (${lastProblem}):\n${child.logs()}`);
}

import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Cap on the captured output, so a chatty child cannot grow the test process without bound. */
const MAX_LOG_CHARS = 4 * 1024 * 1024;

/** A child process whose stdout and stderr are captured into one buffer. */
export interface LoggedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the child wrote so far (stdout and stderr interleaved as received). */
  logs(): string;
  /** The exit code or signal once the child has exited, otherwise `undefined`. */
  exitStatus(): string | undefined;
  /** Resolves when the child has exited. */
  readonly exited: Promise<void>;
  /**
   * Sends `signal` to this child's PID and waits for it to exit; escalates to SIGKILL after
   * `graceMs` so that a stuck child cannot hang the caller.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns `command` with piped output captured by {@link LoggedChild.logs}. */
export function spawnLogged(command: string, args: string[], options: SpawnOptions = {}): LoggedChild {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  let status: string | undefined;
  const append = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    if (buffer.length > MAX_LOG_CHARS) buffer = buffer.slice(buffer.length - MAX_LOG_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      status ??= `spawn error: ${error.message}`;
      resolve();
    });
  });
  if (child.pid === undefined) {
    // spawn reports ENOENT asynchronously; the pid is already missing here.
    throw new Error(`could not start ${command}`);
  }
  const pid = child.pid;

  async function stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (status !== undefined) return;
    signalPid(pid, signal);
    // An unref'd timer: once the child is gone, a pending grace period must not hold the process.
    const timedOut = await Promise.race([
      exited.then(() => false),
      sleep(graceMs, undefined, { ref: false }).then(() => true),
    ]);
    if (timedOut && status === undefined) {
      signalPid(pid, 'SIGKILL');
      await exited;
    }
  }

  return { child, pid, logs: () => buffer, exitStatus: () => status, exited, stop };
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: it exited between the status check and the signal, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

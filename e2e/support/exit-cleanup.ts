import { rmSync } from 'node:fs';
import type { LoggedChild } from './child-process.ts';

// Synchronous work only: the 'exit' event runs no further turns of the event loop.
const dirs = new Set<string>();
const children = new Set<LoggedChild>();
let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  process.once('exit', () => {
    for (const child of children) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Removes `dir` when this process exits (a test may stop and restart a server on it before). */
export function removeAtExit(dir: string): void {
  register();
  dirs.add(dir);
}

/** SIGKILLs `child` if it still runs when this process exits, so a failed test leaves no server behind. */
export function killAtExit(child: LoggedChild): void {
  register();
  children.add(child);
  void child.exited.then(() => children.delete(child));
}

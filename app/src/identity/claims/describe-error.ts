/** Turns a caught value into a message without risking a second throw. */
export function describeError(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    // A thrown object whose toString throws too; the message is lost, the caller still reports.
    return 'unreadable error';
  }
}

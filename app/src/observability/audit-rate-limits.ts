/**
 * Sums rate-limit hits for the audit log: the first hit per route, limit and client is written at
 * once, later ones are counted and written as one line with `hits` every ten seconds. A flood from
 * many addresses is bounded too: past 10,000 distinct clients in one window, the rest are summed
 * into a single line without an address.
 */
import type { AuditEvent, RateLimitHit } from './audit-log.ts';

const WINDOW_MS = 10_000;
const MAX_CLIENTS = 10_000;

interface Pending {
  readonly hit: RateLimitHit;
  count: number;
}

/** The tally's operations. */
export interface RateLimitTally {
  hit(hit: RateLimitHit): void;
  /** Writes what is pending and stops the timer. */
  close(): void;
}

/** Creates a tally that writes through `write`. */
export function createRateLimitTally(write: (event: AuditEvent) => void, windowMs = WINDOW_MS): RateLimitTally {
  let seen = new Map<string, Pending>();
  let overflow: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  const line = (pending: Pending, hits: number): AuditEvent => ({
    event: 'rate_limited',
    outcome: 'failure',
    route: pending.hit.route,
    limit: pending.hit.limit,
    peer: pending.hit.peer,
    forwardedFor: pending.hit.forwardedFor,
    requestId: hits === 1 ? pending.hit.requestId : undefined,
    hits,
  });
  const flush = (): void => {
    const window = seen;
    seen = new Map();
    for (const pending of window.values()) if (pending.count > 0) write(line(pending, pending.count));
    if (overflow && overflow.count > 0) write(line(overflow, overflow.count));
    overflow = undefined;
    if (window.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    hit(hit) {
      const key = `${hit.route}\u0000${hit.limit}\u0000${hit.peer ?? ''}\u0000${hit.forwardedFor ?? ''}`;
      const pending = seen.get(key);
      if (pending) {
        pending.count += 1;
        return;
      }
      if (seen.size >= MAX_CLIENTS) {
        overflow ??= { hit: { route: hit.route, limit: hit.limit }, count: 0 };
        overflow.count += 1;
        return;
      }
      seen.set(key, { hit, count: 0 });
      write(line({ hit, count: 1 }, 1));
      if (timer === undefined) {
        timer = setInterval(flush, windowMs);
        timer.unref();
      }
    },
    close() {
      flush();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

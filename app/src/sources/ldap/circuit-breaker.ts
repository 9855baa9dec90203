/**
 * A circuit breaker for the directory: after `threshold` failures in a row (no connection, a
 * timeout, TLS refused — never a wrong password), the directory is considered down for
 * `openMs` and every check answers 503 at once instead of waiting out the timeout. Then one check
 * is let through as a probe: its success closes the circuit, its failure opens it again.
 */

/** The breaker's state, for the gauge and logs. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Guards calls to one dependency. */
export interface CircuitBreaker {
  /** Whether a call may go out now; in half-open state only the one probe may. */
  allow(): boolean;
  /** The call reached the directory (whatever it answered). */
  succeeded(): void;
  /** The call could not reach the directory. */
  failed(): void;
  state(): CircuitState;
}

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  readonly threshold: number;
  readonly openMs: number;
  readonly now?: () => number;
  /** Told of every change of state. */
  readonly onChange?: (state: CircuitState) => void;
}

/** Creates a closed breaker. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { threshold, openMs, now = Date.now, onChange } = options;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openUntil = 0;
  let probing = false;
  const move = (next: CircuitState): void => {
    if (next === state) return;
    state = next;
    onChange?.(next);
  };
  return {
    allow() {
      if (state === 'closed') return true;
      if (state === 'open' && now() < openUntil) return false;
      // Past the open period: exactly one probe goes out until it settles.
      if (probing) return false;
      move('half-open');
      probing = true;
      return true;
    },
    succeeded() {
      failures = 0;
      probing = false;
      move('closed');
    },
    failed() {
      probing = false;
      failures += 1;
      if (state === 'half-open' || failures >= threshold) {
        openUntil = now() + openMs;
        move('open');
      }
    },
    state: () => state,
  };
}

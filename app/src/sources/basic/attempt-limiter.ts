/**
 * Brute-force protection for password sources: failed attempts are counted per login and per
 * client address in a fixed window that starts with the first failure; once a count reaches its
 * limit, every attempt in that scope is refused until the window ends, a right password
 * included (otherwise a blocked guesser would still learn when a guess was right). The memory
 * and the Redis limiter pass one contract suite (attempt-limiter.contract.ts).
 */
import { createHash } from 'node:crypto';
import { parseIp, unmapIpv4 } from '../../policy/named/ip-address.ts';

/** What is counted: one login, or one client address. */
export type AttemptScope = 'user' | 'client';

/** The counters one attempt touches. */
export interface AttemptKeys {
  /** The login, as a fixed-length digest (see {@link attemptKeys}). */
  readonly user: string;
  /** The client address; undefined when the proxy did not say. */
  readonly client: string | undefined;
}

/** The limits, from GATEHOUSE_BASIC_MAX_FAILURES_PER_USER/_PER_CLIENT and GATEHOUSE_BASIC_FAILURE_WINDOW. */
export interface AttemptLimits {
  readonly perUser: number;
  readonly perClient: number;
  readonly windowMs: number;
}

/** A refusal: which scope is blocked and for how long. */
export interface Blocked {
  readonly scope: AttemptScope;
  readonly retryAfterMs: number;
}

/** Counts failures; every method may reject when a shared store cannot be reached. */
export interface AttemptLimiter {
  /** The block in force for these keys, if any (the longer one when both are blocked). */
  blocked(keys: AttemptKeys): Blocked | undefined | Promise<Blocked | undefined>;
  /** Counts one failed attempt in each scope. */
  failed(keys: AttemptKeys): Promise<void>;
  /** Clears the login's count after a right password; the client's count stays. */
  succeeded(keys: AttemptKeys): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/**
 * The counter of a client address: an IPv4 address as it is (an IPv4-mapped IPv6 one too), an
 * IPv6 address by its /64, since one host commonly holds a whole /64 and could otherwise take a
 * fresh address per guess. Anything that is not an address counts as no address.
 */
export function clientKey(address: string | undefined): string | undefined {
  const parsed = address === undefined ? undefined : parseIp(address);
  if (!parsed) return undefined;
  const ip = unmapIpv4(parsed) ?? parsed;
  if (ip.version === 4) return ip.bytes.join('.');
  return `${Buffer.from(ip.bytes.subarray(0, 8)).toString('hex')}/64`;
}

/**
 * The keys of an attempt. Logins are case-folded (directories match `uid` case-insensitively,
 * so `Alice` and `alice` are one target) and hashed, so a counter key has a fixed length and
 * never carries what the client typed.
 */
export function attemptKeys(login: string, clientAddress: string | undefined): AttemptKeys {
  const user = createHash('sha256').update(login.normalize('NFC').toLowerCase()).digest('base64url').slice(0, 22);
  return { user, client: clientKey(clientAddress) };
}

/** Picks the longer of two blocks. */
export function longer(a: Blocked | undefined, b: Blocked | undefined): Blocked | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.retryAfterMs > a.retryAfterMs ? b : a;
}

/**
 * What a token source remembers about the tokens it has judged, keyed by the token's SHA-256
 * (never the token itself, so the table of answers, which outlives the requests, holds no usable
 * credential for a heap dump or a debugger to find): a verified
 * token until its `exp`, an introspection answer until its `exp` and never past the configured
 * maximum. A remembered answer comes back synchronously; checks arriving while a token is being
 * judged wait for that one judgement instead of starting their own, so a client sending the same
 * token 1,000 times a second costs one verification. The count is bounded: beyond it the oldest
 * entry goes.
 */
import { hash } from 'node:crypto';

/** An answer and until when (epoch ms) it may be reused; at or before now it is not remembered. */
export interface Judged<T> {
  readonly value: T;
  readonly until: number;
}

/** One source's memory of tokens. */
export interface TokenMemory<T> {
  /** The remembered answer for `key`, if any: the hot path, which allocates nothing. */
  peek(key: string): T | undefined;
  /** The remembered answer for `key`, the judgement in flight, or a new one from `judge`. */
  recall(key: string, judge: () => Promise<Judged<T>>): T | Promise<T>;
  /** Forgets everything (the identity config changed, so mapped identities are stale). */
  clear(): void;
  /** How many answers are remembered now. */
  readonly size: number;
}

/** The key of `token`: its SHA-256, base64. */
export function tokenKey(token: string): string {
  return hash('sha256', token, 'base64');
}

/** The key of the token text a connection sent: worked out once while the connection keeps sending it. */
export type ConnectionKeys = (connection: object | undefined, text: string) => string;

/**
 * Creates the keys of connections' tokens. A client that keeps its connection and its token (a
 * machine calling an API in a loop, the sidecar's clients) sends the same text on every request,
 * and its hash, the larger part of a remembered token's check, need not be worked out again. Each
 * connection holds its last token's text and key, and only while the connection object lives: the
 * same text Node holds for the request anyway, kept no longer than the connection that sent it.
 */
export function createConnectionKeys(): ConnectionKeys {
  const last = new WeakMap<object, { readonly text: string; readonly key: string }>();
  return (connection, text) => {
    if (connection === undefined) return tokenKey(text);
    const known = last.get(connection);
    if (known !== undefined && known.text === text) return known.key;
    const key = tokenKey(text);
    last.set(connection, { text, key });
    return key;
  };
}

/**
 * Creates a memory of at most `maxEntries` answers.
 * @param now - the clock, for tests
 */
export function createTokenMemory<T>(maxEntries: number, now: () => number): TokenMemory<T> {
  const entries = new Map<string, Judged<T>>();
  const inFlight = new Map<string, Promise<T>>();
  return {
    peek(key) {
      const known = entries.get(key);
      return known !== undefined && known.until > now() ? known.value : undefined;
    },
    recall(key, judge) {
      const known = entries.get(key);
      if (known !== undefined) {
        if (known.until > now()) return known.value;
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const judged = judge()
        .then((result) => {
          if (result.until > now()) {
            if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
            entries.set(key, result);
          }
          return result.value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, judged);
      return judged;
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

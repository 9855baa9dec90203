/**
 * One issuer's signing keys: the JSON Web Key Set is fetched at start-up and kept; it is fetched
 * again in the background (every 10 minutes, and with a growing pause after a failure), and by a
 * check only for a `kid` it does not hold, at most once per cooldown. No token ever makes more
 * than that happen, so a flood of tokens with made-up `kid`s costs the issuer one fetch per 30 s.
 * While the key set cannot be had, the issuer's tokens are answered 503 (its outage, not the
 * client's fault), and other issuers are not affected.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { FailureLog, OutboundFetch } from '../../http/outbound/logged-fetch.ts';
import { logFailure } from '../../http/outbound/logged-fetch.ts';

/** A check must not ask for the key set again sooner than this after the last fetch. */
export const KEY_SET_COOLDOWN_MS = 30_000;
/** The background fetch that notices removed and added keys. */
export const KEY_SET_REFRESH_MS = 10 * 60_000;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;
/** Real key sets are a few KiB. */
const MAX_BODY_BYTES = 512 * 1024;

/** The key set could not be had: the caller answers 503, not 401. */
export class KeySetUnavailableError extends Error {
  readonly code = 'JWKS_UNAVAILABLE';
}

/** A key set arrived but cannot be used (not JSON, not a key set, too large). */
class UnusableKeySet extends Error {}

/** Thrown by `locate` when the location is not known yet and finding it needs no call now (discovery still loading). */
export class NotLocatedYet extends Error {}

/** How the keys of one issuer are found and fetched. */
export interface IssuerKeysOptions {
  /** The key set's URL: configured, or from discovery (which may itself be a call). */
  readonly locate: () => Promise<string>;
  readonly fetch: OutboundFetch;
  readonly timeoutMs: number;
  /** The clock of the cooldown, for tests. */
  readonly now: () => number;
  /** Where a key set that arrives but cannot be used is reported (failed calls are logged by `fetch`). */
  readonly log?: FailureLog;
  /** True once the process is stopping: no more background fetches. */
  readonly stopped?: () => boolean;
  readonly cooldownMs?: number;
}

/** The keys of one issuer. */
export interface IssuerKeys {
  /** The key for a token's header, for jose's jwtVerify; throws KeySetUnavailableError or jose's JWKSNoMatchingKey. */
  readonly getKey: JWTVerifyGetKey;
  /** Stops the background fetches. */
  close(): void;
}

async function readCapped(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Fetches and parses a key set; throws with the reason in words. */
async function fetchKeySet(url: string, options: IssuerKeysOptions): Promise<ReturnType<typeof createLocalJWKSet>> {
  const response = await options.fetch(url, {
    headers: { accept: 'application/jwk-set+json, application/json' },
    // A key set that moved is a configuration matter; following redirects would let one send us anywhere.
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`bad status ${response.status}`);
  }
  const text = await readCapped(response);
  if (text === undefined) throw new UnusableKeySet('the key set is larger than 512 KiB');
  try {
    // Throws JWKSInvalid unless it is { keys: [...] }.
    return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
  } catch {
    throw new UnusableKeySet('the answer is not a JSON Web Key Set');
  }
}

/** Starts fetching the key set and returns the keys. */
export function createIssuerKeys(options: IssuerKeysOptions): IssuerKeys {
  const cooldownMs = options.cooldownMs ?? KEY_SET_COOLDOWN_MS;
  let local: ReturnType<typeof createLocalJWKSet> | undefined;
  let inFlight: Promise<boolean> | undefined;
  let lastAttempt: number | undefined;
  let lastProblem = 'not fetched yet';
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const attempt = async (): Promise<boolean> => {
    let url: string;
    try {
      url = await options.locate();
    } catch (err) {
      lastProblem = (err as Error)?.message ?? String(err);
      if (!(err instanceof NotLocatedYet)) lastAttempt = options.now();
      return false;
    }
    lastAttempt = options.now();
    try {
      local = await fetchKeySet(url, options);
      lastProblem = '';
      return true;
    } catch (err) {
      lastProblem = (err as Error)?.message ?? String(err);
      // Failed calls are logged by the fetch; what arrived but cannot be used is logged here.
      if (options.log && err instanceof UnusableKeySet) logFailure(options.log, 'issuer JWKS', url, { cause: lastProblem, code: undefined });
      return false;
    }
  };

  const load = (): Promise<boolean> => {
    inFlight ??= attempt().finally(() => (inFlight = undefined));
    return inFlight;
  };

  const schedule = (ok: boolean): void => {
    if (closed || options.stopped?.()) return;
    failures = ok ? 0 : failures + 1;
    const delay = ok ? KEY_SET_REFRESH_MS : Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
    timer = setTimeout(() => {
      if (!closed && !options.stopped?.()) void load().then(schedule);
    }, delay);
    timer.unref();
  };

  const due = (): boolean => lastAttempt === undefined || options.now() - lastAttempt >= cooldownMs;

  /** Joins the fetch in flight, or starts one when the cooldown allows ('none' when neither). */
  const refresh = async (): Promise<'none' | 'ok' | 'failed'> => {
    if (inFlight === undefined && !due()) return 'none';
    return (await load()) ? 'ok' : 'failed';
  };

  void load().then(schedule);

  return {
    async getKey(header, token) {
      if (!local) {
        await refresh();
        if (!local) throw new KeySetUnavailableError(`the key set could not be read: ${lastProblem}`);
      }
      try {
        return await local(header, token);
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
        // A kid the set does not hold: perhaps a key rotated in since the last fetch.
        const refreshed = await refresh();
        if (refreshed === 'none') throw err;
        if (refreshed === 'failed') throw new KeySetUnavailableError(`the key set could not be read again: ${lastProblem}`);
        return local(header, token);
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

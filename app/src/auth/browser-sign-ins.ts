/**
 * The bound on sign-ins one browser has in progress. Each is a login cookie the browser sends
 * back with every request, so its own Cookie header says how many it holds and, once a cookie
 * opens, how old each is: to make room for a new one, the oldest beyond the bound are named to be
 * dropped, a cookie that does not open (another key, tampered) first of all.
 */
import { readCookiesStartingWith } from '../http/cookies.ts';

/** A login cookie a browser sent, and what it says when it opens. */
export interface HeldLogin {
  readonly name: string;
  /** Undefined when no value of the cookie opens. */
  readonly state: string | undefined;
  /** When the sign-in expires (epoch ms); 0 when it does not open. */
  readonly exp: number;
}

/**
 * The login cookies to drop so that one more fits within `max`, oldest first.
 * @param prefix - the names of login cookies start with it
 * @param open - a cookie value's state and expiry, or undefined when it does not open
 */
export function oldestBeyond(
  cookieHeader: string | undefined,
  prefix: string,
  max: number,
  open: (value: string) => { readonly s: string; readonly exp: number } | undefined,
): HeldLogin[] {
  const held = new Map<string, HeldLogin>();
  // One name may come twice (a parent domain's cookie of the same name): the newest value counts.
  for (const { name, value } of readCookiesStartingWith(cookieHeader, prefix)) {
    const payload = open(value);
    const seen = held.get(name);
    if (!seen || (payload && payload.exp > seen.exp)) held.set(name, { name, state: payload?.s, exp: payload?.exp ?? 0 });
  }
  const excess = held.size - (max - 1);
  return excess > 0 ? [...held.values()].sort((a, b) => a.exp - b.exp).slice(0, excess) : [];
}

/**
 * The state of a sign-in in progress. The PKCE verifier, nonce and return address are sealed into
 * a cookie named after the state, so parallel sign-ins in several tabs never overwrite each
 * other, and a one-time marker in the store makes each state usable once. A sign-in through
 * Elasticsearch's OpenID Connect realm is bound the same way, with the state and nonce its
 * prepare call made (and no PKCE verifier: Elasticsearch's relying party sends none). The record
 * also names the provider the sign-in went to and the redirect_uri it was sent with: the callback
 * is accepted from that provider only, and the token exchange repeats that exact redirect_uri.
 *
 * Sign-ins in progress are bounded twice. Per browser: a new one beyond `maxPerBrowser` drops the
 * oldest of the login cookies the browser sent (its marker too), so the newest tab still signs in.
 * In all: the memory store holds at most GATEHOUSE_MAX_PENDING_SIGNINS markers itself; with Redis,
 * the `pending` index keeps them to that number and names the oldest to delete.
 */
import * as oidc from 'openid-client';
import { AppError } from '../errors.ts';
import { clearCookie, readCookies, serializeCookie } from '../http/cookies.ts';
import type { Sealer } from '../session/seal.ts';
import type { SessionStore } from '../session/store.ts';
import { oldestBeyond } from './browser-sign-ins.ts';
import type { LoginChecks } from './identity-provider.ts';

const PURPOSE = 'login';
const TAG_LENGTH = 16;
const MAX_STATE = 512;
// The state names the sign-in cookie, so one made elsewhere must be made of cookie-name characters.
const STATE_TAG = /^[A-Za-z0-9_-]{16,}$/;

interface SealedLogin {
  s: string;
  v: string;
  n: string;
  rd: string;
  exp: number;
  /** The Elasticsearch realm that prepared the sign-in, for one through a realm. */
  r?: string;
  /** The listed provider the sign-in went to; absent for the GATEHOUSE_OIDC_* one. */
  p?: string;
  /** The redirect_uri of the authorization request, when it was derived from the host. */
  u?: string;
}

/** Where a sign-in of gatehouse's own goes: the provider and the callback it was sent with. */
export interface LoginTarget {
  /** The listed provider's id; undefined for the GATEHOUSE_OIDC_* one. */
  readonly provider: string | undefined;
  /** The callback derived from the host; undefined when GATEHOUSE_REDIRECT_URL is the callback. */
  readonly redirectUri: string | undefined;
}

/** A started sign-in. */
export interface StartedLogin {
  readonly checks: LoginChecks;
  readonly codeChallenge: string;
  /** The Set-Cookie values: those dropping the browser's oldest sign-ins, then this one's cookie. */
  readonly setCookies: readonly string[];
}

/** A sign-in that came back and may be completed. */
export interface ReturnedLogin {
  readonly checks: LoginChecks;
  readonly rd: string;
  readonly clearCookie: string;
  /** The Elasticsearch realm that prepared the sign-in; undefined for gatehouse's own. */
  readonly realm: string | undefined;
  /** The provider and callback the sign-in was started with. */
  readonly target: LoginTarget;
}

/** Options for the login-state cookies. */
export interface LoginStateOptions {
  readonly cookieName: string;
  readonly domain: string | undefined;
  readonly secure: boolean;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: login cookies one browser may carry at once. */
  readonly maxPerBrowser: number;
  /** With a Redis store: the index that keeps the markers there to GATEHOUSE_MAX_PENDING_SIGNINS. */
  readonly pending?: PendingSignIns | undefined;
}

/** An index of sign-ins in progress beyond the store's own bound (Redis). */
export interface PendingSignIns {
  /** Records a sign-in; resolves to the states dropped to stay within the bound, whose markers the caller deletes. */
  add(state: string, expiresAt: number): Promise<readonly string[]>;
  /** Forgets a sign-in that came back. */
  settle(state: string): Promise<void>;
}

/** Creates the begin/complete pair for sign-in state. */
export function createLoginState(store: SessionStore, sealer: Sealer, options: LoginStateOptions) {
  const cookiePrefix = `${options.cookieName}_login_`;
  const cookieFor = (state: string): string => `${cookiePrefix}${state.slice(0, TAG_LENGTH)}`;
  const attributes = { domain: options.domain, secure: options.secure };
  const unknown = (why: string): AppError =>
    new AppError('LOGIN_STATE_UNKNOWN', `sign-in state rejected: ${why}`, {
      detail: 'This sign-in link is unknown, expired or was already used. Please start again.',
    });
  const open = (value: string): SealedLogin | undefined => {
    const opened = sealer.unseal(value, PURPOSE);
    return opened ? (JSON.parse(opened.toString()) as SealedLogin) : undefined;
  };

  /** Records `checks` as usable once; returns the Set-Cookies that drop the oldest and bind these to this browser. */
  const remember = async (
    checks: LoginChecks,
    rd: string,
    realm: string | undefined,
    target: LoginTarget | undefined,
    cookieHeader: string | undefined,
  ): Promise<string[]> => {
    const expiresAt = options.now() + options.timeoutMs;
    const payload: SealedLogin = {
      s: checks.state,
      v: checks.codeVerifier,
      n: checks.nonce,
      rd,
      exp: expiresAt,
      ...(realm !== undefined && { r: realm }),
      ...(target?.provider !== undefined && { p: target.provider }),
      ...(target?.redirectUri !== undefined && { u: target.redirectUri }),
    };
    const dropped = oldestBeyond(cookieHeader, cookiePrefix, options.maxPerBrowser, open);
    await store.putOnce(`login:${checks.state}`, '1', options.timeoutMs);
    const overflow = options.pending ? await options.pending.add(checks.state, expiresAt) : [];
    const fromBrowser = dropped.flatMap((login) => (login.state === undefined ? [] : [login.state]));
    // A dropped sign-in's marker goes too, so it can no longer complete and no longer counts.
    await Promise.all([
      ...[...overflow, ...fromBrowser].map((state) => store.takeOnce(`login:${state}`)),
      ...fromBrowser.map((state) => options.pending?.settle(state)),
    ]);
    const sealed = sealer.seal(Buffer.from(JSON.stringify(payload)), PURPOSE);
    return [
      ...dropped.map((login) => clearCookie(login.name, attributes)),
      serializeCookie(cookieFor(checks.state), sealed, { ...attributes, maxAgeSeconds: options.timeoutMs / 1000 }),
    ];
  };

  return {
    /**
     * Creates fresh state, nonce and PKCE verifier, and records the state as usable once.
     * @param target - the provider and callback of this sign-in; the GATEHOUSE_OIDC_* provider and GATEHOUSE_REDIRECT_URL when left out
     * @param cookieHeader - the browser's Cookie header, whose login cookies count towards `maxPerBrowser`
     */
    async begin(rd: string, target?: LoginTarget, cookieHeader?: string): Promise<StartedLogin> {
      const checks: LoginChecks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      return {
        checks,
        codeChallenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        setCookies: await remember(checks, rd, undefined, target, cookieHeader),
      };
    },

    /**
     * Records a sign-in whose state and nonce Elasticsearch's `_security/oidc/prepare` made, bound
     * to this browser and usable once exactly as {@link begin}'s.
     * @param cookieHeader - the browser's Cookie header, whose login cookies count towards `maxPerBrowser`
     * @returns the Set-Cookie values, as {@link StartedLogin.setCookies}
     * @throws Error when the state cannot name a cookie (the caller checks Elasticsearch's answer first)
     */
    async adopt(prepared: { readonly state: string; readonly nonce: string; readonly realm: string }, rd: string, cookieHeader?: string): Promise<string[]> {
      if (!STATE_TAG.test(prepared.state) || prepared.state.length > MAX_STATE) throw new Error('a prepared state must be base64url text');
      return remember({ state: prepared.state, nonce: prepared.nonce, codeVerifier: '' }, rd, prepared.realm, undefined, cookieHeader);
    },

    /**
     * Matches a callback's state to this browser's cookie and spends it.
     * @throws AppError LOGIN_STATE_UNKNOWN for a missing, foreign, expired or replayed state
     */
    async complete(state: unknown, cookieHeader: string | undefined): Promise<ReturnedLogin> {
      if (typeof state !== 'string' || state.length === 0 || state.length > MAX_STATE) throw unknown('no usable state');
      const name = cookieFor(state);
      const clear = clearCookie(name, attributes);
      let payload: SealedLogin | undefined;
      for (const value of readCookies(cookieHeader, name)) {
        const parsed = open(value);
        if (parsed?.s === state) payload = parsed;
      }
      if (!payload) throw unknown('no sign-in cookie for this state in this browser');
      if (payload.exp <= options.now()) throw unknown('sign-in took too long');
      const [taken] = await Promise.all([store.takeOnce(`login:${state}`), options.pending?.settle(state)]);
      if (taken === undefined) throw unknown('state already used or expired');
      return {
        checks: { state, nonce: payload.n, codeVerifier: payload.v },
        rd: payload.rd,
        clearCookie: clear,
        realm: payload.r,
        target: { provider: payload.p, redirectUri: payload.u },
      };
    },

    /** The Set-Cookie that removes the login cookie of `state`, for failures before complete(). */
    clearFor(state: unknown): string | undefined {
      return typeof state === 'string' && state.length > 0 && state.length <= MAX_STATE
        ? clearCookie(cookieFor(state), attributes)
        : undefined;
    },
  };
}

/** The login-state operations. */
export type LoginState = ReturnType<typeof createLoginState>;

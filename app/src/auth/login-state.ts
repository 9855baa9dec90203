/**
 * The state of a sign-in in progress. The PKCE verifier, nonce and return address are sealed into
 * a cookie named after the state, so parallel sign-ins in several tabs never overwrite each
 * other, and a one-time marker in the store makes each state usable once. A sign-in through
 * Elasticsearch's OpenID Connect realm is bound the same way, with the state and nonce its
 * prepare call made (and no PKCE verifier: Elasticsearch's relying party sends none). The record
 * also names the provider the sign-in went to and the redirect_uri it was sent with: the callback
 * is accepted from that provider only, and the token exchange repeats that exact redirect_uri.
 */
import * as oidc from 'openid-client';
import { AppError } from '../errors.ts';
import { clearCookie, readCookies, serializeCookie } from '../http/cookies.ts';
import type { Sealer } from '../session/seal.ts';
import type { SessionStore } from '../session/store.ts';
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
  readonly setCookie: string;
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
}

/** Creates the begin/complete pair for sign-in state. */
export function createLoginState(store: SessionStore, sealer: Sealer, options: LoginStateOptions) {
  const cookieFor = (state: string): string => `${options.cookieName}_login_${state.slice(0, TAG_LENGTH)}`;
  const attributes = { domain: options.domain, secure: options.secure };
  const unknown = (why: string): AppError =>
    new AppError('LOGIN_STATE_UNKNOWN', `sign-in state rejected: ${why}`, {
      detail: 'This sign-in link is unknown, expired or was already used. Please start again.',
    });

  /** Records `checks` as usable once and returns the Set-Cookie that binds them to this browser. */
  const remember = async (checks: LoginChecks, rd: string, realm: string | undefined, target?: LoginTarget): Promise<string> => {
    const payload: SealedLogin = {
      s: checks.state,
      v: checks.codeVerifier,
      n: checks.nonce,
      rd,
      exp: options.now() + options.timeoutMs,
      ...(realm !== undefined && { r: realm }),
      ...(target?.provider !== undefined && { p: target.provider }),
      ...(target?.redirectUri !== undefined && { u: target.redirectUri }),
    };
    await store.putOnce(`login:${checks.state}`, '1', options.timeoutMs);
    const sealed = sealer.seal(Buffer.from(JSON.stringify(payload)), PURPOSE);
    return serializeCookie(cookieFor(checks.state), sealed, { ...attributes, maxAgeSeconds: options.timeoutMs / 1000 });
  };

  return {
    /**
     * Creates fresh state, nonce and PKCE verifier, and records the state as usable once.
     * @param target - the provider and callback of this sign-in; the GATEHOUSE_OIDC_* provider and GATEHOUSE_REDIRECT_URL when left out
     */
    async begin(rd: string, target?: LoginTarget): Promise<StartedLogin> {
      const checks: LoginChecks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      return {
        checks,
        codeChallenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        setCookie: await remember(checks, rd, undefined, target),
      };
    },

    /**
     * Records a sign-in whose state and nonce Elasticsearch's `_security/oidc/prepare` made, bound
     * to this browser and usable once exactly as {@link begin}'s.
     * @returns the Set-Cookie of the sign-in cookie
     * @throws Error when the state cannot name a cookie (the caller checks Elasticsearch's answer first)
     */
    async adopt(prepared: { readonly state: string; readonly nonce: string; readonly realm: string }, rd: string): Promise<string> {
      if (!STATE_TAG.test(prepared.state) || prepared.state.length > MAX_STATE) throw new Error('a prepared state must be base64url text');
      return remember({ state: prepared.state, nonce: prepared.nonce, codeVerifier: '' }, rd, prepared.realm);
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
        const opened = sealer.unseal(value, PURPOSE);
        if (!opened) continue;
        const parsed = JSON.parse(opened.toString()) as SealedLogin;
        if (parsed.s === state) payload = parsed;
      }
      if (!payload) throw unknown('no sign-in cookie for this state in this browser');
      if (payload.exp <= options.now()) throw unknown('sign-in took too long');
      if ((await store.takeOnce(`login:${state}`)) === undefined) throw unknown('state already used or expired');
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

/**
 * The issuers whose JWTs the bearer source verifies. With the config file's `bearer.issuers`, each
 * listed issuer with its own key set (its `jwks_uri`, or discovery's), audiences, algorithms, clock
 * skew, claims mapping and username prefix. Without it, the OpenID Provider of
 * GATEHOUSE_OIDC_ISSUER_URL alone, as before: its discovered issuer and keys, the client id as
 * audience, GATEHOUSE_BEARER_VALIDATION's modes, the file's `claims` section. Each issuer's keys are
 * fetched at start-up through its own dispatcher.
 */
import type { ClaimsConfig } from '../../identity/claims/claims-config.ts';
import type { IssuerSettings } from '../../config/bearer-settings.ts';
import type { AppDeps } from '../../deps.ts';
import type { BearerResult } from './bearer-types.ts';
import { createBearerVerifier, type BearerVerifier } from './create-bearer-verifier.ts';
import { createIssuerKeys, NotLocatedYet } from './issuer-keys.ts';
import { issuerMetadata } from './issuer-metadata.ts';
import { verifyJwt, type JwtCheck } from './verify-jwt.ts';

/** UserInfo modes ask the provider again this often, so a revoked token is noticed. */
const USERINFO_REMEMBER_MS = 60_000;

/** One issuer whose tokens are verified here. */
export interface TokenIssuer {
  readonly issuer: string;
  /** Put before the mapped username ('' for none). */
  readonly usernamePrefix: string;
  readonly clockSkewSec: number;
  /** A verification is remembered until the token's exp, and at most this long when set. */
  readonly rememberAtMostMs: number | undefined;
  /** The claims mapping in force for this issuer. */
  claims(): ClaimsConfig;
  /** Verifies a token whose unverified `iss` names this issuer; never throws. */
  verify(token: string): Promise<BearerResult>;
}

/** The issuers of one bearer source. */
export interface TokenIssuers {
  /** The issuer `iss` names; undefined for one not trusted, 'not-ready' while the provider's discovery loads. */
  find(iss: string | undefined): TokenIssuer | undefined | 'not-ready';
  /** The issuer that vouches for opaque tokens (the provider's userinfo modes); undefined when none does. */
  opaque(): TokenIssuer | undefined | 'not-ready';
}

type Deps = Pick<AppDeps, 'config' | 'idp' | 'identity' | 'logger' | 'now' | 'outbound' | 'lifecycle'>;

function listedIssuer(settings: IssuerSettings, deps: Deps): TokenIssuer {
  const outbound = deps.outbound.issuers.get(settings.issuer);
  if (!outbound) throw new Error(`no outbound dispatcher for ${settings.issuer}`);
  const metadata = issuerMetadata(settings, outbound.fetch('discovery'));
  const keys = createIssuerKeys({
    locate: async () => {
      if (settings.jwksUri) return settings.jwksUri.href;
      const found = (await metadata()).jwksUri;
      if (found === undefined) throw new Error('the discovery document names no jwks_uri');
      return found;
    },
    fetch: outbound.fetch('jwks'),
    timeoutMs: settings.timeoutMs,
    now: deps.now,
    log: deps.logger,
    stopped: () => deps.lifecycle.shuttingDown,
  });
  const check: JwtCheck = {
    issuer: settings.issuer,
    audience: settings.audiences,
    algorithms: settings.algorithms,
    clockToleranceSec: settings.clockSkewSec,
    getKey: keys.getKey,
  };
  const own = settings.claims;
  return {
    issuer: settings.issuer,
    usernamePrefix: settings.usernamePrefix,
    clockSkewSec: settings.clockSkewSec,
    rememberAtMostMs: undefined,
    claims: own ? () => own : () => deps.identity.current().claims,
    verify: (token) => verifyJwt(token, check),
  };
}

function providerIssuers(deps: Deps): TokenIssuers {
  const { config, idp } = deps;
  const oidc = config.oidc;
  if (!oidc) return { find: () => undefined, opaque: () => undefined };
  const provider = deps.outbound.provider;
  const keys = createIssuerKeys({
    locate: async () => {
      const jwksUri = idp.endpoints()?.jwksUri;
      if (jwksUri === undefined) throw new NotLocatedYet('discovery has not loaded');
      return jwksUri;
    },
    fetch: provider?.fetch('jwks') ?? fetch,
    timeoutMs: oidc.timeoutMs,
    now: deps.now,
    log: deps.logger,
    stopped: () => deps.lifecycle.shuttingDown,
  });
  let verifier: BearerVerifier | undefined;
  // Built once discovery has named the issuer and endpoints; until then the provider is "down".
  const verifierNow = (): BearerVerifier | undefined => {
    if (verifier) return verifier;
    const endpoints = idp.endpoints();
    if (!endpoints?.jwksUri) return undefined;
    verifier = createBearerVerifier({
      issuer: endpoints.issuer,
      audience: oidc.clientId,
      jwksUri: endpoints.jwksUri,
      getKey: keys.getKey,
      ...(endpoints.userinfoEndpoint && { userinfoUrl: endpoints.userinfoEndpoint }),
      mode: config.bearerValidation,
      fetchTimeoutMs: oidc.timeoutMs,
      ...(provider && { fetch: { jwks: provider.fetch('jwks'), userinfo: provider.fetch('userinfo') } }),
    });
    return verifier;
  };
  const issuer: TokenIssuer = {
    get issuer() {
      return idp.endpoints()?.issuer ?? '';
    },
    usernamePrefix: '',
    clockSkewSec: 30,
    rememberAtMostMs: config.bearerValidation === 'jwks' ? undefined : USERINFO_REMEMBER_MS,
    claims: () => deps.identity.current().claims,
    verify: (token) => (verifierNow() as BearerVerifier).verifyToken(token),
  };
  const ready = (): boolean => verifierNow() !== undefined;
  return {
    find: (iss) => (!ready() ? 'not-ready' : iss === issuer.issuer ? issuer : undefined),
    opaque: () => (config.bearerValidation === 'jwks' ? undefined : ready() ? issuer : 'not-ready'),
  };
}

/** Builds the issuers from the config and starts fetching their keys. */
export function createTokenIssuers(deps: Deps): TokenIssuers {
  const listed = deps.config.bearer?.issuers;
  if (listed === undefined) return providerIssuers(deps);
  const byIssuer = new Map(listed.map((settings) => [settings.issuer, listedIssuer(settings, deps)]));
  return { find: (iss) => (iss === undefined ? undefined : byIssuer.get(iss)), opaque: () => undefined };
}

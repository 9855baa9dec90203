/**
 * The oidc provider's identity source, as elastauth's: an `Authorization: Bearer` token checked
 * against the provider (signature, issuer, audience, expiry, allowed algorithms; UserInfo as
 * configured), then mapped by the claims mapping. A verified token's identity is remembered
 * until shortly before it expires, so a client repeating its token costs one map lookup.
 */
import { createBearerVerifier } from './create-bearer-verifier.ts';
import type { BearerReason } from './bearer-types.ts';
import type { AppDeps } from '../../deps.ts';
import { identityFromClaims } from '../../identity/identity-from-claims.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import type { Identified, RequestIdentifier } from '../identified.ts';

/** Tokens remembered at once; beyond it the memory starts over. */
const MAX_REMEMBERED = 10_000;
/** Even a long-lived token is checked again this often (UserInfo mode notices revocation). */
const MAX_REMEMBER_MS = 60_000;

const REASON_OF: Readonly<Record<BearerReason, Reason>> = {
  bearer_missing: REASONS.bearerMissing,
  bearer_malformed: REASONS.bearerInvalid,
  bearer_alg_refused: REASONS.bearerInvalid,
  bearer_unknown_key: REASONS.bearerInvalid,
  bearer_bad_signature: REASONS.bearerInvalid,
  bearer_wrong_issuer: REASONS.bearerInvalid,
  bearer_wrong_audience: REASONS.bearerWrongAudience,
  bearer_expired: REASONS.bearerExpired,
  bearer_not_yet_valid: REASONS.bearerInvalid,
  bearer_claims_invalid: REASONS.bearerInvalid,
  bearer_userinfo_refused: REASONS.bearerInvalid,
  idp_unavailable: REASONS.idpUnavailable,
};

type Verifier = ReturnType<typeof createBearerVerifier>;

/** Creates the Bearer-token identifier. */
export function createBearerIdentifier(deps: Pick<AppDeps, 'config' | 'idp' | 'identity' | 'logger' | 'now' | 'outbound'>): RequestIdentifier {
  const { config, idp, now } = deps;
  const provider = deps.outbound.provider;
  const remembered = new Map<string, { identity: Identity; until: number; fingerprint: string }>();
  let verifier: Verifier | undefined;

  // Built once discovery has named the issuer and endpoints; until then the provider is "down".
  const verifierNow = (): Verifier | undefined => {
    if (verifier) return verifier;
    const endpoints = idp.endpoints();
    if (!endpoints?.jwksUri || !config.oidc) return undefined;
    verifier = createBearerVerifier({
      issuer: endpoints.issuer,
      audience: config.oidc.clientId,
      jwksUri: endpoints.jwksUri,
      ...(endpoints.userinfoEndpoint && { userinfoUrl: endpoints.userinfoEndpoint }),
      mode: config.bearerValidation,
      fetchTimeoutMs: config.oidc.timeoutMs,
      ...(provider && { fetch: { jwks: provider.fetch('jwks'), userinfo: provider.fetch('userinfo') } }),
    });
    return verifier;
  };

  return async (req): Promise<Identified> => {
    const header = req.headers.authorization;
    const identityConfig = deps.identity.current();
    const known = header === undefined ? undefined : remembered.get(header);
    if (known && known.until > now() && known.fingerprint === identityConfig.fingerprint) {
      return { state: 'identified', identity: known.identity };
    }
    const current = verifierNow();
    if (!current) return { state: 'failed', status: 503, reason: REASONS.idpUnavailable, err: new Error('discovery has not loaded') };
    const result = await current.verify(header);
    if (!result.ok) {
      const reason = REASON_OF[result.reason];
      if (reason === REASONS.idpUnavailable) return { state: 'failed', status: 503, reason, err: new Error(result.detail ?? result.reason) };
      return { state: 'unauthenticated', reason };
    }
    // The token's own claims are the identity; UserInfo was already consulted as configured.
    const mapped = await identityFromClaims(identityConfig.claims, result.claims, async () => undefined);
    if (!mapped.ok) return { state: 'unauthenticated', reason: REASONS.bearerInvalid };
    const exp = typeof result.claims.exp === 'number' ? result.claims.exp * 1000 : now();
    if (header !== undefined) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(header, { identity: mapped.identity, until: Math.min(exp, now() + MAX_REMEMBER_MS), fingerprint: identityConfig.fingerprint });
    }
    return { state: 'identified', identity: mapped.identity };
  };
}

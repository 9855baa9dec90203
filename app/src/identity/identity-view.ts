/**
 * What the check needs from a signed-in identity under the current config — its roles, the
 * headers to answer with, and the subject policies judge — built once per identity and config,
 * not per request. A reload changes the config's fingerprint, so views are rebuilt lazily.
 */
import type { PolicySubject } from '../policy/named/evaluate-policy.ts';
import type { Identity } from '../session/session-record.ts';
import { buildIdentityHeaders } from './headers/build-headers.ts';
import type { IdentityConfig } from './identity-config.ts';
import { computeRoles, type RoleSettings } from './roles/compute-roles.ts';

const NO_ROLES: RoleSettings = Object.freeze({
  groupMappings: new Map<string, readonly string[]>(),
  defaultRoles: [],
  defaultRolesMode: 'fallback',
  roleMappings: [],
  realmName: '',
});

/** The derived view of one identity. */
export interface IdentityView {
  readonly roles: readonly string[];
  /** Flat name, value… list for writeHead. */
  readonly headers: readonly string[];
  /** Set when a value cannot be sent as a header; such an identity is always denied. */
  readonly headerProblem: string | undefined;
  readonly subject: PolicySubject;
}

/** Builds the view of `identity` under `config`. Pure. */
export function buildIdentityView(identity: Identity, config: IdentityConfig): IdentityView {
  // A listed provider's users get its own role settings; one no longer listed gives none.
  const roleSettings = identity.provider === undefined ? config.roles : (config.providers.get(identity.provider)?.roles ?? NO_ROLES);
  const { roles } = computeRoles(roleSettings, identity);
  const { headers, problem } = buildIdentityHeaders({ ...identity, roles }, config.headers);
  return {
    roles,
    headers,
    headerProblem: problem,
    subject: {
      user: identity.user,
      email: identity.email,
      groups: identity.groups,
      roles,
      claims: identity.claims,
      ...(identity.serviceAccount && { serviceAccount: { namespace: identity.serviceAccount.namespace, name: identity.serviceAccount.name } }),
    },
  };
}

/**
 * Remembers views by identity object: stores hand back the same decoded record while it is
 * cached, so the hot path pays one WeakMap lookup, and forgotten records free their views.
 */
export function createIdentityViews(current: () => IdentityConfig): (identity: Identity) => IdentityView {
  const views = new WeakMap<Identity, { fingerprint: string; view: IdentityView }>();
  return (identity) => {
    const config = current();
    const cached = views.get(identity);
    if (cached !== undefined && cached.fingerprint === config.fingerprint) return cached.view;
    const view = buildIdentityView(identity, config);
    views.set(identity, { fingerprint: config.fingerprint, view });
    return view;
  };
}

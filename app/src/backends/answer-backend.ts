/**
 * The last step of an allowed check: the backend's credentials for the app behind the ingress —
 * a temporary Elasticsearch user as `Authorization: Basic`, the Elasticsearch access token of a
 * sign-in through its OpenID Connect realm as `Authorization: Bearer`, or EventStoreDB's trusted
 * header — or a refusal. A refused user is 403 and an unreachable backend 5xx: never an allow without
 * the credential the app needs.
 */
import { toWire } from '../identity/headers/build-headers.ts';
import type { IdentityView } from '../identity/identity-view.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';
import type { Identity, SessionRecord } from '../session/session-record.ts';
import type { ElasticsearchBackend } from './elasticsearch/backend.ts';
import type { RealmBackend } from './elasticsearch-oidc/realm-backend.ts';
import { BackendRefusedError, BackendUnavailableError } from './errors.ts';
import { formatTrustedAuth } from './eventstore/trusted-header.ts';

/** The backends a route can ask for. */
export type BackendKind = 'none' | 'elasticsearch' | 'elasticsearch-oidc' | 'eventstore';

/** The headers to add, or why not. */
export type BackendAnswer =
  | { readonly ok: true; readonly headers: readonly string[] }
  | { readonly ok: false; readonly status: number; readonly reason: Reason; readonly detail: string };

/** What the answerer needs. */
export interface BackendParts {
  readonly elasticsearch: ElasticsearchBackend | undefined;
  /** Set when browser sign-in goes through Elasticsearch's OpenID Connect realm. */
  readonly elasticsearchOidc?: RealmBackend | undefined;
  readonly eventstoreHeader: string;
}

const NOTHING: BackendAnswer = Object.freeze({ ok: true, headers: Object.freeze([]) });

/** Creates the answerer; `now` tells whether an Elasticsearch access token has expired. */
export function createBackendAnswerer(parts: BackendParts, now: () => number = Date.now) {
  const elasticsearch = async (identity: Identity, view: IdentityView): Promise<BackendAnswer> => {
    if (!parts.elasticsearch) return { ok: false, status: 500, reason: REASONS.internalError, detail: 'no Elasticsearch backend' };
    try {
      const { authorization } = await parts.elasticsearch.provisioner.provision({
        username: identity.user,
        roles: view.roles,
        groups: identity.groups,
        ...(identity.name !== undefined && { fullName: identity.name }),
        ...(identity.email !== undefined && { email: identity.email }),
      });
      return { ok: true, headers: ['Authorization', authorization] };
    } catch (err) {
      if (err instanceof BackendRefusedError) return { ok: false, status: 403, reason: REASONS.backendRefused, detail: err.reason };
      if (err instanceof BackendUnavailableError) return { ok: false, status: err.status, reason: REASONS.backendUnavailable, detail: err.reason };
      return { ok: false, status: 500, reason: REASONS.internalError, detail: (err as Error)?.message ?? String(err) };
    }
  };

  /**
   * The backend's headers for an allowed identity.
   * @param record - the session the identity came from, if any (its tokens may be the credential)
   */
  return (kind: BackendKind, identity: Identity, view: IdentityView, record?: SessionRecord): BackendAnswer | Promise<BackendAnswer> => {
    if (kind === 'none') return NOTHING;
    if (kind === 'elasticsearch') return elasticsearch(identity, view);
    if (kind === 'elasticsearch-oidc') {
      if (!parts.elasticsearchOidc) return { ok: false, status: 500, reason: REASONS.internalError, detail: 'no Elasticsearch realm sign-in' };
      return parts.elasticsearchOidc.answer(record, now());
    }
    const formatted = formatTrustedAuth(identity.user, view.roles);
    if (!formatted.ok) return { ok: false, status: 403, reason: REASONS.backendRefused, detail: formatted.reason };
    return { ok: true, headers: [parts.eventstoreHeader, toWire(formatted.value)] };
  };
}

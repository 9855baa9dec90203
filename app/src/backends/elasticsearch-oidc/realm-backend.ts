/**
 * The `elasticsearch-oidc` backend: a session signed in through Elasticsearch's OpenID Connect
 * realm carries Elasticsearch's own access token, and an allowed check hands it to Kibana or
 * Elasticsearch as `Authorization: Bearer`. The session source has already refreshed it when due
 * (single-flight, locked across replicas: session/token-refresher.ts, with this backend's
 * `refresh`), so answering is a look at the record. A request without such a session is refused;
 * a token that expired because Elasticsearch could not be reached for a refresh is a 502, never a
 * stale credential passed on.
 */
import type { Client } from '@elastic/elasticsearch';
import type { ElasticsearchOidcSettings } from '../../config/validate-elasticsearch-oidc.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { SessionRecord } from '../../session/session-record.ts';
import type { BackendAnswer } from '../answer-backend.ts';
import type { ElasticsearchMetrics } from '../elasticsearch/metrics.ts';
import { createRealmApi, type RealmApi } from './realm-api.ts';

/** The refreshed tokens in the shape the session refresher takes from a provider. */
export interface RefreshedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly claims: undefined;
}

/** The realm sign-in's parts. */
export interface RealmBackend {
  /** Which realm prepare names (or the issuer it is found by). */
  readonly settings: ElasticsearchOidcSettings;
  readonly api: RealmApi;
  /** The check's answer for a signed-in request. */
  answer(record: SessionRecord | undefined, now: number): BackendAnswer;
  /**
   * Exchanges an Elasticsearch refresh token for a new pair, for the session refresher.
   * @throws RefreshRejectedError when Elasticsearch calls it an invalid_grant (used, expired, unknown)
   */
  refresh(refreshToken: string): Promise<RefreshedTokens>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

const NO_SESSION: BackendAnswer = Object.freeze({
  ok: false,
  status: 403,
  reason: REASONS.backendRefused,
  detail: 'backend=elasticsearch-oidc needs a session signed in through the Elasticsearch realm',
});
const EXPIRED: BackendAnswer = Object.freeze({
  ok: false,
  status: 502,
  reason: REASONS.backendUnavailable,
  detail: 'the Elasticsearch access token expired and Elasticsearch could not be reached to refresh it',
});

/** Assembles the backend over `client` (the facilitator's credentials and gatehouse's dispatcher). */
export function createRealmBackend(settings: ElasticsearchOidcSettings, client: Client, metrics: ElasticsearchMetrics): RealmBackend {
  const api = createRealmApi(client, metrics);
  return {
    settings,
    api,
    answer(record, now) {
      const token = record?.elasticsearchRealm === undefined ? undefined : record.tokens.accessToken;
      if (record === undefined || token === undefined) return NO_SESSION;
      const expiresAt = record.tokens.accessTokenExpiresAt;
      if (expiresAt !== undefined && expiresAt <= now) return EXPIRED;
      return { ok: true, headers: ['Authorization', `Bearer ${token}`] };
    },
    async refresh(refreshToken) {
      const tokens = await api.refresh(refreshToken);
      return { idToken: '', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn, claims: undefined };
    },
    close: () => client.close(),
  };
}

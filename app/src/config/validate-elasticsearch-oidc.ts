/**
 * The Elasticsearch OpenID Connect realm part of the configuration: which realm browser sign-in
 * goes through (by name, or by the provider's issuer), and what that needs — Elasticsearch hosts,
 * the facilitator's credentials and the session source. Every problem is appended naming its
 * variable; nothing throws.
 */
import type { ElasticsearchSettings } from './config.ts';
import type { CleanedEnv } from './schema.ts';

/** How `_security/oidc/prepare` names the realm: exactly one of the two is set. */
export interface ElasticsearchOidcSettings {
  /** The realm's name (`realm` of prepare). */
  readonly realm: string | undefined;
  /** The provider's issuer Elasticsearch finds the realm by (`iss` of prepare). */
  readonly issuer: string | undefined;
}

/** The variables that name the realm, as messages cite them. */
export const REALM_VARIABLES = 'GATEHOUSE_ELASTICSEARCH_OIDC_REALM (or GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER)';

// Sign-in through the realm replaces gatehouse's own relying party: its client needs none of these.
const REPLACED_BY_REALM: ReadonlySet<string> = new Set(['GATEHOUSE_OIDC_ISSUER_URL', 'GATEHOUSE_OIDC_CLIENT_ID', 'GATEHOUSE_OIDC_CLIENT_SECRET']);

/** Whether browser sign-in goes through the realm, from the raw or cleaned environment. */
export function signsInThroughRealm(env: Readonly<Record<string, unknown>>): boolean {
  return Boolean(env.GATEHOUSE_ELASTICSEARCH_OIDC_REALM) || Boolean(env.GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER);
}

/**
 * The "is this variable set" test of the session source's required variables: with sign-in
 * through the realm, the provider client's variables count as given (the session source needs
 * them only to be a relying party itself).
 */
export function requiredWithRealm(env: Readonly<Record<string, unknown>>, isSet: (name: string) => boolean): (name: string) => boolean {
  if (!signsInThroughRealm(env)) return isSet;
  return (name) => REPLACED_BY_REALM.has(name) || isSet(name);
}

/** Sign-in through the realm makes browser sessions: the session source must be listed. */
export function checkRealmSource(env: CleanedEnv, sources: readonly string[], problems: string[]): void {
  if (signsInThroughRealm(env) && !sources.includes('session')) {
    problems.push(
      `${REALM_VARIABLES} signs browsers in and needs the session source: GATEHOUSE_AUTH_PROVIDER=login, or session in GATEHOUSE_IDENTITY_SOURCES`,
    );
  }
}

function checkIssuer(issuer: string, problems: string[]): void {
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    problems.push(`GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: "${issuer.slice(0, 100)}" is not an http(s) URL (the realm's op.issuer)`);
  }
}

/**
 * Validates the realm settings.
 * @param elasticsearch - the validated hosts and credentials; undefined without hosts
 * @returns undefined when sign-in does not go through a realm
 */
export function validateElasticsearchOidc(
  env: CleanedEnv,
  elasticsearch: ElasticsearchSettings | undefined,
  problems: string[],
): ElasticsearchOidcSettings | undefined {
  const realm = env.GATEHOUSE_ELASTICSEARCH_OIDC_REALM.trim();
  const issuer = env.GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER.trim();
  if (env.GATEHOUSE_BACKEND === 'elasticsearch-oidc' && !realm && !issuer) {
    problems.push(`GATEHOUSE_BACKEND=elasticsearch-oidc needs ${REALM_VARIABLES}: the Bearer token comes from signing in through that realm`);
  }
  if (!realm && !issuer) return undefined;
  if (realm && issuer) problems.push('GATEHOUSE_ELASTICSEARCH_OIDC_REALM and GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER are both set; prepare takes one of realm or iss');
  if (realm && !/^[\x21-\x7e]{1,256}$/.test(realm)) problems.push('GATEHOUSE_ELASTICSEARCH_OIDC_REALM must be a realm name without spaces or control characters (e.g. oidc1)');
  if (issuer) checkIssuer(issuer, problems);
  if (!elasticsearch) {
    problems.push(`${REALM_VARIABLES} needs GATEHOUSE_ELASTICSEARCH_HOSTS: the Elasticsearch whose realm signs users in`);
  } else if (elasticsearch.dryRun) {
    problems.push(`GATEHOUSE_ELASTICSEARCH_DRY_RUN cannot be on with ${REALM_VARIABLES}: sign-in needs Elasticsearch itself`);
  }
  // Without dry run the backend's own check already names a missing user or password.
  if (elasticsearch?.dryRun && (!elasticsearch.username || !elasticsearch.password)) {
    problems.push(`GATEHOUSE_ELASTICSEARCH_USERNAME and GATEHOUSE_ELASTICSEARCH_PASSWORD are required with ${REALM_VARIABLES}: a user with manage_oidc and manage_token`);
  }
  return { realm: realm || undefined, issuer: issuer || undefined };
}

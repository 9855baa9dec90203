/**
 * The sign-in choices of the configuration: the config file's `providers` list beside the
 * GATEHOUSE_OIDC_* provider, and callbacks per host when GATEHOUSE_REDIRECT_URL is not set.
 * Every problem is appended naming its variable or key; nothing throws.
 */
import type { CleanedEnv } from './schema.ts';
import { parseProvidersSection, type ListedProvider } from './providers-section.ts';
import { signsInThroughRealm } from './validate-elasticsearch-oidc.ts';

/** The GATEHOUSE_OIDC_* variables a listed provider can stand in for when browsers sign in. */
const SIGN_IN_VARIABLES = new Set(['GATEHOUSE_OIDC_ISSUER_URL', 'GATEHOUSE_OIDC_CLIENT_ID', 'GATEHOUSE_OIDC_CLIENT_SECRET']);

/**
 * Whether each sign-in's callback is derived from the host it came through: GATEHOUSE_REDIRECT_URL
 * is not set and GATEHOUSE_ALLOWED_REDIRECT_DOMAINS lists the hosts that may be used. Sign-in
 * through Elasticsearch's realm has one callback, the realm's rp.redirect_uri, so never there.
 */
export function callbacksPerHost(env: CleanedEnv): boolean {
  return !env.GATEHOUSE_REDIRECT_URL && env.GATEHOUSE_ALLOWED_REDIRECT_DOMAINS.length > 0 && !signsInThroughRealm(env);
}

/**
 * The "is this variable set" test of the session source's required variables: GATEHOUSE_REDIRECT_URL
 * counts as given when callbacks are per host, and with listed providers the GATEHOUSE_OIDC_*
 * provider is optional for sign-in (still required by the bearer source).
 */
export function requiredWithProviders(
  env: CleanedEnv,
  uses: { readonly listsProviders: boolean; readonly bearer: boolean },
  isSet: (name: string) => boolean,
): (name: string) => boolean {
  const optionalDefault = uses.listsProviders && !uses.bearer && !isSet('GATEHOUSE_OIDC_ISSUER_URL');
  return (name) =>
    isSet(name) ||
    (name === 'GATEHOUSE_REDIRECT_URL' && callbacksPerHost(env)) ||
    (optionalDefault && SIGN_IN_VARIABLES.has(name));
}

/** Whether the parsed file lists any provider (before its entries are checked). */
export function listsProviders(file: Readonly<Record<string, unknown>>): boolean {
  return Array.isArray(file.providers) && file.providers.length > 0;
}

/**
 * Checks the `providers` list against the rest of the configuration.
 * @param signsIn - whether gatehouse itself signs browsers in (the session source, not through Elasticsearch's realm)
 */
export function validateProviders(
  env: CleanedEnv,
  file: Readonly<Record<string, unknown>>,
  signsIn: boolean,
  problems: string[],
): readonly ListedProvider[] {
  return parseProvidersSection(
    file,
    {
      allowInsecureHttp: env.GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP,
      timeoutMs: env.GATEHOUSE_OIDC_TIMEOUT,
      defaultScopes: env.GATEHOUSE_OIDC_SCOPES,
      signsIn: signsIn && !signsInThroughRealm(env),
    },
    problems,
  );
}

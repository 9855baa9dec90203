/**
 * The identity-source part of the configuration: which variables each provider needs, the
 * OpenID Provider and sign-in settings, and the trusted upstream of the authelia provider. Every
 * problem is appended naming its variable; nothing throws.
 */
import { randomBytes } from 'node:crypto';
import { checkTrustedHeaderOptions } from '../sources/trusted-headers/read-trusted-headers.ts';
import type { AuthProvider, LoginSettings, OidcSettings, TrustedHeaderSettings } from './config.ts';
import { checkRequiredForSources, chooseSources, type SourceName } from './identity-sources.ts';
import type { CleanedEnv } from './schema.ts';
import { checkRealmSource, requiredWithRealm, signsInThroughRealm } from './validate-elasticsearch-oidc.ts';
import { callbacksPerHost, requiredWithProviders } from './validate-providers.ts';
import { requiredWithIssuers } from './validate-bearer.ts';

/** The provider-dependent settings. */
export interface ProviderSettings {
  readonly authProvider: AuthProvider;
  /** The identity sources a check tries, in order. */
  readonly identitySources: readonly SourceName[];
  readonly oidc: OidcSettings | undefined;
  readonly login: LoginSettings | undefined;
  readonly trustedHeaders: TrustedHeaderSettings | undefined;
  readonly keys: readonly Buffer[];
  readonly keysGenerated: boolean;
}

const TRUSTED_LABELS = {
  sources: 'GATEHOUSE_TRUSTED_HEADER_SOURCES',
  secret: 'GATEHOUSE_TRUSTED_HEADER_SECRET',
  secretHeader: 'GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER',
  headers: 'GATEHOUSE_TRUSTED_HEADER',
};

/** Checks an http(s) URL; http only when allowed. */
function checkHttpUrl(name: string, value: URL, allowHttp: boolean, problems: string[]): void {
  if (value.protocol === 'https:') return;
  if (value.protocol === 'http:' && allowHttp) return;
  problems.push(
    value.protocol === 'http:'
      ? `${name} uses http:; use https: or set GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP=true for a local provider`
      : `${name} must be an http(s) URL, got ${value.protocol}`,
  );
}

function oidcSettings(env: CleanedEnv, problems: string[]): OidcSettings | undefined {
  const issuer = env.GATEHOUSE_OIDC_ISSUER_URL;
  const clientId = env.GATEHOUSE_OIDC_CLIENT_ID;
  if (!issuer || !clientId) return undefined;
  const issuerUrl = new URL(issuer);
  checkHttpUrl('GATEHOUSE_OIDC_ISSUER_URL', issuerUrl, env.GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP, problems);
  return {
    issuerUrl,
    clientId,
    clientSecret: env.GATEHOUSE_OIDC_CLIENT_SECRET || undefined,
    scopes: env.GATEHOUSE_OIDC_SCOPES,
    allowInsecureHttp: env.GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP,
    timeoutMs: env.GATEHOUSE_OIDC_TIMEOUT,
  };
}

function loginSettings(env: CleanedEnv, problems: string[]): LoginSettings | undefined {
  const redirectUrl = env.GATEHOUSE_REDIRECT_URL || undefined;
  // Without it, each sign-in's callback is on the host it came through, for allowed hosts only.
  if (!redirectUrl && !callbacksPerHost(env)) return undefined;
  let postLogoutRedirectUrl = redirectUrl && new URL('/oauth2/signed_out', redirectUrl);
  if (env.GATEHOUSE_POST_LOGOUT_REDIRECT_URL) {
    try {
      postLogoutRedirectUrl = new URL(env.GATEHOUSE_POST_LOGOUT_REDIRECT_URL);
      checkHttpUrl('GATEHOUSE_POST_LOGOUT_REDIRECT_URL', postLogoutRedirectUrl, true, problems);
    } catch {
      problems.push('GATEHOUSE_POST_LOGOUT_REDIRECT_URL is not a URL (e.g. https://app.example.com/oauth2/signed_out)');
    }
  }
  return { redirectUrl, postLogoutRedirectUrl };
}

function trustedHeaderSettings(env: CleanedEnv, problems: string[]): TrustedHeaderSettings {
  const values = env.GATEHOUSE_TRUSTED_HEADER_SECRET.split(',').map((v) => v.trim()).filter(Boolean);
  const settings: TrustedHeaderSettings = {
    headers: {
      user: env.GATEHOUSE_TRUSTED_HEADER_USER,
      groups: env.GATEHOUSE_TRUSTED_HEADER_GROUPS,
      email: env.GATEHOUSE_TRUSTED_HEADER_EMAIL,
      name: env.GATEHOUSE_TRUSTED_HEADER_NAME,
    },
    sources: env.GATEHOUSE_TRUSTED_HEADER_SOURCES,
    secret: values.length > 0 ? { header: env.GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER, values } : undefined,
  };
  problems.push(
    ...checkTrustedHeaderOptions(
      { headers: settings.headers, trustedSources: settings.sources, ...(settings.secret && { sharedSecret: settings.secret }) },
      TRUSTED_LABELS,
    ),
  );
  return settings;
}

/**
 * Validates the settings of the chosen identity sources.
 * @param listsProviders - whether the config file lists providers: then the GATEHOUSE_OIDC_* one is optional
 * @param listsIssuers - whether the config file lists token issuers: then the bearer source needs no GATEHOUSE_OIDC_* provider
 */
export function validateProvider(env: CleanedEnv, problems: string[], listsProviders = false, listsIssuers = false): ProviderSettings {
  const authProvider = env.GATEHOUSE_AUTH_PROVIDER as AuthProvider;
  const record = env as unknown as Readonly<Record<string, unknown>>;
  const chosen = chooseSources(env.GATEHOUSE_IDENTITY_SOURCES, authProvider, problems);
  const uses = (source: SourceName): boolean => chosen.sources.includes(source);
  const given = (name: string): boolean => record[name] !== undefined && record[name] !== '';
  const needsProvider = { listsProviders, bearer: uses('bearer') && !listsIssuers };
  checkRequiredForSources(chosen, requiredWithIssuers(chosen.sources, listsIssuers, requiredWithRealm(env, requiredWithProviders(env, needsProvider, given))), problems);
  checkRealmSource(env, chosen.sources, problems);
  // Signing in through Elasticsearch's realm, gatehouse is no relying party: the provider serves Bearer tokens only.
  const oidc = (uses('session') && !signsInThroughRealm(env)) || uses('bearer') ? oidcSettings(env, problems) : undefined;
  const login = uses('session') ? loginSettings(env, problems) : undefined;
  const trustedHeaders = uses('trusted-headers') ? trustedHeaderSettings(env, problems) : undefined;
  let keys = env.GATEHOUSE_COOKIE_SECRET;
  let keysGenerated = false;
  if (!keys) {
    // Browser sessions must survive restarts and span replicas; the other providers keep only
    // cached credentials, which a fresh key merely makes this replica provision again.
    keys = [randomBytes(32)];
    keysGenerated = true;
  }
  return { authProvider, identitySources: chosen.sources, oidc, login, trustedHeaders, keys, keysGenerated };
}

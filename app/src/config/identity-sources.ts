/**
 * Which identity sources a check tries, in order: `GATEHOUSE_IDENTITY_SOURCES` (e.g.
 * `session,bearer`), or the one source `GATEHOUSE_AUTH_PROVIDER` names, its short form. Each
 * source needs some variables; they are checked for every listed source, all at once.
 */
import type { AuthProvider } from './config.ts';
import { ENV_SCHEMA } from './schema.ts';

/** The identity sources gatehouse knows. */
export const SOURCE_NAMES = ['session', 'bearer', 'introspection', 'trusted-headers', 'serviceaccount', 'certificate', 'ldap', 'htpasswd'] as const;

/** One identity source. */
export type SourceName = (typeof SOURCE_NAMES)[number];

/** The source each provider stands for. */
export const PROVIDER_SOURCE: Readonly<Record<AuthProvider, SourceName>> = Object.freeze({
  login: 'session',
  oidc: 'bearer',
  authelia: 'trusted-headers',
});

/** Variables required by some sources only. */
export const SOURCE_VARIABLES: Readonly<Record<string, readonly SourceName[]>> = Object.freeze({
  GATEHOUSE_OIDC_ISSUER_URL: ['session', 'bearer'],
  GATEHOUSE_OIDC_CLIENT_ID: ['session', 'bearer'],
  GATEHOUSE_OIDC_CLIENT_SECRET: ['session'],
  GATEHOUSE_REDIRECT_URL: ['session'],
  GATEHOUSE_COOKIE_SECRET: ['session'],
  GATEHOUSE_CLIENT_CA_FILE: ['certificate'],
  GATEHOUSE_SERVICEACCOUNT_AUDIENCE: ['serviceaccount'],
  GATEHOUSE_LDAP_URL: ['ldap'],
  GATEHOUSE_LDAP_BIND_DN: ['ldap'],
  GATEHOUSE_LDAP_BIND_PASSWORD: ['ldap'],
  GATEHOUSE_LDAP_BASE_DN: ['ldap'],
  GATEHOUSE_HTPASSWD_FILE: ['htpasswd'],
});

/** Variables that give what a required one would: the cookie keys may come from a Kubernetes Secret. */
const STANDS_IN_FOR: Readonly<Record<string, readonly string[]>> = Object.freeze({
  GATEHOUSE_COOKIE_SECRET: ['GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES'],
});

/** The sources in force and how the setting was written (for messages). */
export interface ChosenSources {
  readonly sources: readonly SourceName[];
  /** `GATEHOUSE_AUTH_PROVIDER=login` or `GATEHOUSE_IDENTITY_SOURCES=session,bearer`. */
  readonly label: string;
}

/**
 * Reads the ordered list; problems are appended. The list wins over the provider when both are set.
 * @param listed - GATEHOUSE_IDENTITY_SOURCES split on commas ([] when unset)
 * @param provider - GATEHOUSE_AUTH_PROVIDER
 */
export function chooseSources(listed: readonly string[], provider: string, problems: string[]): ChosenSources {
  if (listed.length === 0) {
    const source = PROVIDER_SOURCE[provider as AuthProvider] ?? 'session';
    return { sources: [source], label: `GATEHOUSE_AUTH_PROVIDER=${provider}` };
  }
  const sources: SourceName[] = [];
  for (const name of listed) {
    if (!(SOURCE_NAMES as readonly string[]).includes(name)) {
      problems.push(`GATEHOUSE_IDENTITY_SOURCES: "${name}" is not a source; use ${SOURCE_NAMES.join(', ')}`);
    } else if (sources.includes(name as SourceName)) {
      problems.push(`GATEHOUSE_IDENTITY_SOURCES: "${name}" is listed twice`);
    } else {
      sources.push(name as SourceName);
    }
  }
  return { sources, label: `GATEHOUSE_IDENTITY_SOURCES=${listed.join(',')}` };
}

/** Reports each variable a chosen source needs but was not given. */
export function checkRequiredForSources(chosen: ChosenSources, isSet: (name: string) => boolean, problems: string[]): void {
  for (const [name, needers] of Object.entries(SOURCE_VARIABLES)) {
    if (isSet(name) || STANDS_IN_FOR[name]?.some(isSet) || !needers.some((s) => chosen.sources.includes(s))) continue;
    const spec = (ENV_SCHEMA as Record<string, { desc?: string; example?: string }>)[name];
    const example = spec?.example ? ` (e.g. ${spec.example})` : '';
    problems.push(`${name} is required with ${chosen.label}: ${spec?.desc ?? ''}${example}`);
  }
}

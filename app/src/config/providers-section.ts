/**
 * The config file's `providers` list: several OpenID Providers in one deployment, each with its
 * own issuer, client, scopes and hosts. This module checks the connection settings, which are
 * read at start-up only (discovery runs once per provider); each provider's claims and role
 * settings are parsed with the identity model (identity/provider-identity.ts), so they reload.
 * The GATEHOUSE_OIDC_* provider stays the default one, under the id `default`.
 */
import { readFileSync } from 'node:fs';
import { PROVIDER_IDENTITY_KEYS } from '../identity/provider-identity.ts';
import type { OidcSettings } from './config.ts';

/** The id of the GATEHOUSE_OIDC_* provider, reserved in the list. */
export const DEFAULT_PROVIDER_ID = 'default';

/** One provider of the list, as start-up uses it. */
export interface ListedProvider {
  readonly id: string;
  /** Shown on the chooser page; the id when not given. */
  readonly name: string;
  readonly oidc: OidcSettings & { readonly clientSecret: string };
  /** Hosts (`app.example.com`, or `.example.com` for it and its subdomains) whose sign-ins go to this provider. */
  readonly hosts: readonly string[];
  /** Its `ca_file`'s bundle; undefined: GATEHOUSE_OIDC_CA_FILE's, or the system CAs. */
  readonly caPem: string | undefined;
}

/** What the list's checks need from the rest of the configuration. */
export interface ProvidersContext {
  readonly allowInsecureHttp: boolean;
  readonly timeoutMs: number;
  readonly defaultScopes: readonly string[];
  /** Whether browsers sign in with gatehouse as the relying party (session source, not through Elasticsearch's realm). */
  readonly signsIn: boolean;
}

const CONNECTION_KEYS = ['id', 'name', 'issuer', 'client_id', 'client_secret_file', 'scopes', 'hosts', 'ca_file'];
const ENTRY_KEYS: readonly string[] = [...CONNECTION_KEYS, ...PROVIDER_IDENTITY_KEYS];
const ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const HOST = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a mounted file's text, trimmed; undefined (with a problem) when it cannot be read or is empty. */
function readText(path: unknown, label: string, problems: string[]): string | undefined {
  if (typeof path !== 'string' || path.length === 0) {
    problems.push(`${label}: must be the path of a mounted file`);
    return undefined;
  }
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text.length === 0) problems.push(`${label}: ${path} is empty`);
    return text.length === 0 ? undefined : text;
  } catch (err) {
    problems.push(`${label}: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}

function parseIssuer(value: unknown, label: string, allowHttp: boolean, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    problems.push(`${label}: must be the provider's issuer URL (e.g. https://login.example.com/realms/staff)`);
    return undefined;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && allowHttp)) return url;
  problems.push(
    url.protocol === 'http:'
      ? `${label} uses http:; use https: or set GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP=true for a local provider`
      : `${label} must be an http(s) URL, got ${url.protocol}`,
  );
  return undefined;
}

function parseStrings(value: unknown, label: string, problems: string[]): string[] | undefined {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0 && !CONTROL.test(item))) {
    problems.push(`${label}: must be a list of non-empty strings`);
    return undefined;
  }
  return value as string[];
}

function parseHosts(value: unknown, label: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  const hosts = parseStrings(value, label, problems)?.map((host) => host.toLowerCase()) ?? [];
  for (const host of hosts) if (!HOST.test(host)) problems.push(`${label}: "${host}" is not a host name (use app.example.com or .example.com)`);
  return hosts;
}

/** Checks one entry; undefined when it cannot be used. */
function parseEntry(entry: unknown, index: number, context: ProvidersContext, problems: string[]): ListedProvider | undefined {
  const at = `providers[${index}]`;
  if (!isMapping(entry)) {
    problems.push(`${at}: must be a mapping with id, issuer, client_id and client_secret_file`);
    return undefined;
  }
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) problems.push(`${at}: unknown key "${key}"; known keys: ${ENTRY_KEYS.join(', ')}`);
  const id = entry.id;
  if (typeof id !== 'string' || !ID.test(id)) {
    problems.push(`${at}.id: must be 1 to 32 lower-case letters, digits, _ or -, starting with a letter or digit`);
    return undefined;
  }
  const label = `providers.${id}`;
  if (id === DEFAULT_PROVIDER_ID) problems.push(`${label}: the id "${DEFAULT_PROVIDER_ID}" names the GATEHOUSE_OIDC_* provider; choose another`);
  const name = entry.name ?? id;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 80 || CONTROL.test(name)) {
    problems.push(`${label}.name: must be a display name of 1 to 80 characters without control characters`);
  }
  const issuerUrl = entry.issuer === undefined ? undefined : parseIssuer(entry.issuer, `${label}.issuer`, context.allowInsecureHttp, problems);
  if (entry.issuer === undefined) problems.push(`${label}.issuer: is required`);
  const clientId = entry.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0) problems.push(`${label}.client_id: is required (a non-empty string)`);
  // A secret never sits in the file itself: the file is a ConfigMap, the secret a mounted Secret.
  const clientSecret = readText(entry.client_secret_file, `${label}.client_secret_file`, problems);
  const scopes = entry.scopes === undefined ? [...context.defaultScopes] : parseStrings(entry.scopes, `${label}.scopes`, problems);
  if (scopes && !scopes.includes('openid')) problems.push(`${label}.scopes: must include openid`);
  const hosts = parseHosts(entry.hosts, `${label}.hosts`, problems);
  const caPem = entry.ca_file === undefined ? undefined : readText(entry.ca_file, `${label}.ca_file`, problems);
  if (!issuerUrl || typeof clientId !== 'string' || clientSecret === undefined || !scopes || typeof name !== 'string') return undefined;
  return Object.freeze({
    id,
    name: name.trim(),
    oidc: Object.freeze({
      issuerUrl,
      clientId,
      clientSecret,
      scopes: Object.freeze(scopes),
      allowInsecureHttp: context.allowInsecureHttp,
      timeoutMs: context.timeoutMs,
    }),
    hosts: Object.freeze(hosts),
    caPem,
  });
}

/**
 * Checks the `providers` list; every problem is appended, naming the provider and key.
 * @returns the usable providers, in the file's order ([] without the section)
 */
export function parseProvidersSection(file: Readonly<Record<string, unknown>>, context: ProvidersContext, problems: string[]): readonly ListedProvider[] {
  const raw = file.providers;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push('providers: must be a non-empty list of providers, each with id, issuer, client_id and client_secret_file');
    return [];
  }
  if (!context.signsIn) {
    problems.push('providers: the listed providers sign browsers in; they need the session source (GATEHOUSE_AUTH_PROVIDER=login) and no GATEHOUSE_ELASTICSEARCH_OIDC_REALM');
  }
  const listed: ListedProvider[] = [];
  const hostOwners = new Map<string, string>();
  raw.forEach((entry, index) => {
    const provider = parseEntry(entry, index, context, problems);
    if (!provider) return;
    if (listed.some((other) => other.id === provider.id)) problems.push(`providers.${provider.id}: the id is listed twice`);
    for (const host of provider.hosts) {
      const owner = hostOwners.get(host);
      if (owner !== undefined && owner !== provider.id) problems.push(`providers.${provider.id}.hosts: "${host}" is already a host of providers.${owner}`);
      hostOwners.set(host, provider.id);
    }
    listed.push(provider);
  });
  return Object.freeze(listed);
}

/**
 * Turns an elastauth configuration file (already `${VAR}`-expanded) into gatehouse settings:
 * gatehouse environment variable names with values, over which the caller layers the real
 * environment (so the environment overrides the file), plus gatehouse-native config sections.
 * Every problem is reported at once, each naming its key path; nothing here throws or reads
 * the process environment.
 */
import { isElastauthDocument } from './elastauth-keys.ts';
import { dropEmptyElastauthValues } from './empty-means-unset.ts';
import { own, readChoice, readString, type Translation } from './read-value.ts';
import { translateAuthelia } from './translate-authelia.ts';
import { translateCache } from './translate-cache.ts';
import { translateElasticsearch } from './translate-elasticsearch.ts';
import { translateIgnored } from './translate-ignored.ts';
import { translateOidc } from './translate-oidc.ts';

export { ELASTAUTH_KEYS } from './elastauth-keys.ts';
export type { Translation } from './read-value.ts';

function translateProvider(doc: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  const given = own(doc, 'auth_provider');
  if (given === undefined || given === null) {
    // elastauth defaults to authelia, but only a file written for elastauth gets that default: a
    // gatehouse file that merely uses default_roles or group_mappings keeps gatehouse's sign-in.
    if (!isElastauthDocument(doc)) return;
    out.env.GATEHOUSE_AUTH_PROVIDER = 'authelia';
    out.warnings.push('auth_provider: not set; elastauth\'s default, authelia, applies (write it out to make it explicit)');
  } else {
    const provider = readChoice(given, ['authelia', 'oidc'], 'auth_provider', problems);
    if (provider === undefined) return;
    // elastauth's oidc validates Bearer tokens; it has no browser sign-in, and neither does this mode.
    out.env.GATEHOUSE_AUTH_PROVIDER = provider;
  }
  if (out.env.GATEHOUSE_AUTH_PROVIDER === 'authelia') {
    out.warnings.push(
      'auth_provider: authelia headers are trusted only from the configured source networks and/or with the shared-secret header; without either, every request answers 401',
    );
  }
}

/** elastauth's 64 hex characters become the 32-byte key as base64; the value is never echoed. */
function translateSecretKey(value: unknown, out: Translation, problems: string[]): void {
  const text = readString(value, 'secret_key', problems);
  if (text === undefined) return;
  if (!/^[0-9A-Fa-f]{64}$/.test(text.trim())) {
    const empty = text.trim() === '' ? ' (elastauth would generate a key per process, which replicas cannot share)' : '';
    problems.push(`secret_key: must be 64 hexadecimal characters, 32 bytes (openssl rand -hex 32)${empty}`);
    return;
  }
  out.env.GATEHOUSE_COOKIE_SECRET = Buffer.from(text.trim(), 'hex').toString('base64');
}

/**
 * Translates the elastauth keys of `doc`; other keys (gatehouse-native sections) are left to their
 * own parsers. `default_roles` and `group_mappings` pass through unchanged into `sections`. An
 * empty value under an elastauth key counts as not set, as in elastauth.
 * @param doc - the top-level mapping of the configuration file, after `${VAR}` expansion
 * @param problems - appended to, one line per problem, each starting with its key path
 */
export function translateElastauth(written: Readonly<Record<string, unknown>>, problems: string[]): Translation {
  const doc = dropEmptyElastauthValues(written);
  const out: Translation = { env: {}, sections: {}, warnings: [] };
  translateProvider(doc, out, problems);
  translateAuthelia(own(doc, 'authelia'), out, problems);
  translateOidc(own(doc, 'oidc'), Object.hasOwn(doc, 'claims'), out, problems);
  translateCache(own(doc, 'cache'), out, problems);
  translateElasticsearch(own(doc, 'elasticsearch'), out, problems);
  translateSecretKey(own(doc, 'secret_key'), out, problems);
  translateIgnored(doc, out, problems);
  for (const key of ['default_roles', 'group_mappings']) {
    if (Object.hasOwn(doc, key)) out.sections[key] = doc[key];
  }
  return out;
}

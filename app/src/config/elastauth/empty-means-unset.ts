/**
 * In elastauth an empty setting is an unset one: it reads every key with viper's GetString and
 * friends and falls back to the default (or to discovery, for `oidc.userinfo_endpoint` and
 * `oidc.jwks_uri`) whenever the value is "". Its own reference `config.yml.example` ships such
 * placeholders, so gatehouse reads them the same way rather than as values to honour or refuse.
 */
import { ELASTAUTH_KEYS } from './elastauth-keys.ts';
import { isRecord } from './read-value.ts';

/** group_mappings maps group names to role lists: an empty entry there is data, not a placeholder. */
const KEPT_AS_WRITTEN: ReadonlySet<string> = new Set(['group_mappings']);

/** The section without its empty values; undefined when nothing else was in it (all placeholders). */
function prune(section: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    const kept = value === '' ? undefined : isRecord(value) ? prune(value) : value;
    // defineProperty keeps a key such as __proto__ an own property, as YAML parsed it.
    if (kept !== undefined) Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(section).length > 0 && Object.keys(out).length === 0 ? undefined : out;
}

/**
 * A copy of `doc` without the empty strings under elastauth's keys, at any depth of their mappings,
 * and without the mappings that held nothing else (list items are kept: a blank item is a
 * mistake, not a placeholder). Other keys are untouched.
 */
export function dropEmptyElastauthValues(doc: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const elastauth = ELASTAUTH_KEYS.includes(key) && !KEPT_AS_WRITTEN.has(key);
    const kept = !elastauth ? value : value === '' ? undefined : isRecord(value) ? prune(value) : value;
    if (kept === undefined && value !== undefined) continue;
    Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

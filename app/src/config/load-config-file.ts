/**
 * Reads the config file the way start-up and every reload do: parse, expand `${VAR}` references
 * from the environment, lay `ELASTAUTH_*` variables over elastauth keys, and translate elastauth's
 * keys into gatehouse variables and sections. Native sections win over translated ones.
 */
import { expandEnvRefs, type EnvRecord } from './elastauth/expand-env-refs.ts';
import { overlayElastauthEnv } from './elastauth/elastauth-env.ts';
import { translateElastauth } from './elastauth/translate-elastauth.ts';
import { readConfigFile } from './config-file.ts';
import { ELASTAUTH_KEYS, SHARED_KEYS } from './elastauth/elastauth-keys.ts';

/** Keys that mean something only to elastauth's translation, not to gatehouse's own parsers. */
const ELASTAUTH_ONLY = new Set(ELASTAUTH_KEYS.filter((key) => !SHARED_KEYS.includes(key)));

/** The file as gatehouse uses it. */
export interface LoadedConfigFile {
  /** gatehouse-native sections, translated ones included. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** gatehouse variables the file sets (elastauth keys); the environment overrides them. */
  readonly env: Readonly<Record<string, string>>;
  /** Things worth saying that do not stop start-up. */
  readonly warnings: readonly string[];
  /** The file could not be read or parsed (the problem says why): it set nothing. */
  readonly unusable?: true;
}

/** Reads and translates `path`; problems are appended. */
export function loadConfigFile(path: string, env: EnvRecord, problems: string[]): LoadedConfigFile {
  const raw = readConfigFile(path, problems);
  if (raw === undefined) return { settings: {}, env: {}, warnings: [], unusable: true };
  const expanded = expandEnvRefs(raw, env, problems);
  const overlaid = overlayElastauthEnv(expanded, env);
  const translation = translateElastauth(overlaid.doc, problems);
  // A native section written in the file wins over what an elastauth key translated to.
  const settings: Record<string, unknown> = { ...translation.sections };
  for (const [key, value] of Object.entries(overlaid.doc)) if (!ELASTAUTH_ONLY.has(key)) settings[key] = value;
  return { settings, env: translation.env, warnings: [...overlaid.warnings, ...translation.warnings] };
}

/**
 * The environment with the file's variables underneath: a variable set in the environment, or
 * its `_FILE` form, always wins.
 */
export function layerEnvironment(fileEnv: Readonly<Record<string, string>>, env: EnvRecord): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(fileEnv)) {
    if (env[name] === undefined && env[`${name}_FILE`] === undefined) merged[name] = value;
  }
  return { ...merged, ...env };
}

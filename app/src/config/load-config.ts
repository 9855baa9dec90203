/**
 * Builds the Config from the environment: the only place that reads environment variables or
 * secret files. Every problem is collected and reported at once as one CONFIG_INVALID error.
 */
import { readFileSync } from 'node:fs';
import { cleanEnv } from 'envalid';
import { AppError } from '../errors.ts';
import { parseIdentityConfig } from '../identity/identity-config.ts';
import { layerEnvironment, loadConfigFile } from './load-config-file.ts';
import { checkRequiredForSources, chooseSources, SOURCE_VARIABLES } from './identity-sources.ts';
import { ENV_SCHEMA, SECRET_VARIABLES } from './schema.ts';
import { validateCrossField } from './validate.ts';
import { requiredWithRealm } from './validate-elasticsearch-oidc.ts';
import { listsIssuers, requiredWithIssuers } from './validate-bearer.ts';
import type { Config } from './config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown with every problem found; `problems` holds one line per problem, each naming its variable. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** Replaces each `<NAME>_FILE` with the file's content as `<NAME>`. */
function resolveSecretFiles(env: Env, problems: string[]): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}_FILE: cannot read ${JSON.stringify(file)} (${reason})`);
    }
  }
  return resolved;
}

function readOptionalFile(name: string, path: string, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${name}: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}

function describe(name: string): string {
  const spec = (ENV_SCHEMA as Record<string, { example?: string; desc?: string }>)[name];
  const example = spec?.example ? ` (e.g. ${spec.example})` : '';
  return `${spec?.desc ?? ''}${example}`;
}

/**
 * Reads and validates the configuration.
 * @param env - the environment, `process.env` by default
 * @throws ConfigError listing every problem at once
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const filePath = env.GATEHOUSE_CONFIG_FILE || undefined;
  const loaded = filePath ? loadConfigFile(filePath, env, problems) : { settings: {}, env: {}, warnings: [] };
  // A file that cannot be read or parsed set none of its variables: reporting each of them as
  // missing would bury the one real problem under a cascade of unrelated ones.
  if ('unusable' in loaded) throw new ConfigError(problems);
  const resolved = resolveSecretFiles(layerEnvironment(loaded.env, env), problems);
  const clean = cleanEnv(resolved, ENV_SCHEMA, {
    reporter: ({ errors }) => {
      for (const [name, error] of Object.entries(errors)) {
        const what = error instanceof Error ? error.message : String(error);
        const missing = error instanceof ReferenceError || /Missing/i.test(what);
        // A variable only some providers need is reported by the provider check, once.
        if (missing && name in SOURCE_VARIABLES) continue;
        problems.push(missing ? `${name} is required: ${describe(name)}` : `${name}: ${what}`);
      }
    },
  });
  const file = loaded.settings;
  if (problems.length > 0) {
    // The provider's required variables and the file's sections are still checked, so one run
    // reports every problem.
    const listed = (resolved.GATEHOUSE_IDENTITY_SOURCES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const chosen = chooseSources(listed, resolved.GATEHOUSE_AUTH_PROVIDER || 'login', []);
    checkRequiredForSources(chosen, requiredWithIssuers(chosen.sources, listsIssuers(file), requiredWithRealm(resolved, (name) => Boolean(resolved[name]))), problems);
    parseIdentityConfig(file, problems);
    throw new ConfigError(problems);
  }
  const elasticsearchCaPem = readOptionalFile('GATEHOUSE_ELASTICSEARCH_CA_FILE', clean.GATEHOUSE_ELASTICSEARCH_CA_FILE, problems);
  const oidcCaPem = readOptionalFile('GATEHOUSE_OIDC_CA_FILE', clean.GATEHOUSE_OIDC_CA_FILE, problems);
  const config = validateCrossField(clean, file, problems, {
    keysFile: env.GATEHOUSE_COOKIE_SECRET_FILE || undefined,
    elasticsearchCaPem,
    oidcCaPem,
  });
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return deepFreeze({
    ...config,
    configWarnings: loaded.warnings,
    // A reload reads the file against the same environment: a process's environment never changes.
    rereadConfigFile: (reloadProblems: string[]) => (filePath ? loadConfigFile(filePath, env, reloadProblems).settings : {}),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof URL)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

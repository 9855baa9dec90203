/** The chart's values.yaml and values.schema.json, merged the way helm merges values files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CHART_DIR, REPO_ROOT } from './helm.ts';

type Values = Record<string, unknown>;

const isMap = (value: unknown): value is Values => value !== null && typeof value === 'object' && !Array.isArray(value);

/** helm's coalescing: maps merge key by key, anything else replaces, null removes the key. */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null && !(key in base && base[key] === null)) delete merged[key];
    else if (isMap(value) && isMap(base[key])) merged[key] = mergeValues(base[key], value);
    else merged[key] = value;
  }
  return merged;
}

/** values.yaml as parsed. */
export function defaultValues(): Values {
  return parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Values;
}

/** A values file of the repository (e.g. `chart/ci/default-values.yaml`). */
export function valuesFile(path: string): Values {
  return parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Values;
}

/** The schema, parsed. */
export function valuesSchema(): Values {
  return JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as Values;
}

// Strict, so that a keyword helm would ignore (a typo in the schema itself) fails here instead.
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(valuesSchema());

/** Schema problems of a complete set of values, as `<path> <message>` lines; empty when valid. */
export function schemaProblems(values: Values): string[] {
  if (validate(values)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra = 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : '';
    return `${error.instancePath || '/'} ${error.message ?? ''}${extra}`;
  });
}

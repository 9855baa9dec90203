/**
 * The chart's values are documented in one convention and the README table is generated from them:
 * every key has a `# --` comment, the README matches what `make chart-docs` would write, and the
 * schema knows exactly the keys values.yaml has (so the docs cover every value the chart accepts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chartParameters, docComment, parametersTable, withParametersTable } from '../../scripts/chart-parameters.ts';
import { CHART_DIR } from './support/helm.ts';
import { defaultValues, valuesSchema } from './support/values.ts';

type Schema = { $ref?: string; properties?: Record<string, Schema>; additionalProperties?: unknown };

/**
 * Paths where the schema's closed objects and values.yaml's groups disagree on the keys. A documented
 * parameter that is a map (such as `resources`) is one row of the table, so its optional keys may be
 * absent from values.yaml.
 */
function keyMismatches(schema: Schema, values: unknown, definitions: Record<string, Schema>, parameters: ReadonlySet<string>, path = ''): string[] {
  const resolved = schema.$ref ? (definitions[schema.$ref.split('/').at(-1) ?? ''] ?? {}) : schema;
  if (parameters.has(path.slice(0, -1))) return [];
  if (resolved.properties === undefined || resolved.additionalProperties !== false) return [];
  const map = (values ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(resolved.properties)) {
    if (!(key in map)) problems.push(`${path}${key}: in the schema, not in values.yaml`);
    else problems.push(...keyMismatches(resolved.properties[key] ?? {}, map[key], definitions, parameters, `${path}${key}.`));
  }
  for (const key of Object.keys(map)) {
    if (!(key in resolved.properties)) problems.push(`${path}${key}: in values.yaml, not in the schema`);
  }
  return problems;
}

describe('chart documentation', () => {
  it('documents every value with a `# --` comment', () => {
    const { parameters, undocumented } = chartParameters(CHART_DIR);
    assert.deepEqual(undocumented, []);
    assert.ok(parameters.length > 50, `only ${parameters.length} parameters found`);
    for (const p of parameters) assert.ok(p.description.length > 5, `${p.key} has no real description`);
  });

  it('the README parameters table is what `make chart-docs` writes', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const expected = withParametersTable(readme, parametersTable(chartParameters(CHART_DIR).parameters));
    assert.equal(readme, expected, 'chart/README.md is out of date: run `make chart-docs`');
  });

  it('the schema and values.yaml have the same keys at every closed level', () => {
    const schema = valuesSchema() as Schema & { definitions: Record<string, Schema> };
    const parameters = new Set(chartParameters(CHART_DIR).parameters.map((p) => p.key));
    assert.deepEqual(keyMismatches(schema, defaultValues(), schema.definitions, parameters), []);
  });

  it('reads a description from the last `-- ` paragraph of a comment', () => {
    assert.equal(docComment(' file header\n\n -- First line\n continued.'), 'First line continued.');
    assert.equal(docComment(' a plain comment'), undefined);
    assert.equal(docComment(undefined), undefined);
  });
});

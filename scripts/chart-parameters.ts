/**
 * The chart's parameters as documented inline in chart/values.yaml: a `# --` comment right above a
 * key documents it (and a documented map is one parameter); a map without one is a group whose
 * keys are the parameters. Types come from chart/values.schema.json. Used by render-chart-docs.ts
 * to write the README table and by the tests that fail on drift or an undocumented key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isNode, isScalar, parseDocument } from 'yaml';
import type { YAMLMap } from 'yaml';

/** One row of the parameters table. */
export interface Parameter {
  readonly key: string;
  readonly type: string;
  readonly defaultValue: unknown;
  readonly description: string;
}

type Schema = { type?: string | string[]; $ref?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[] };

/** The `-- ` paragraph of a comment block (the last one, so a file header above it is skipped). */
export function docComment(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n').map((line) => line.replace(/^ /, ''));
  const start = lines.findLastIndex((line) => line.startsWith('-- '));
  if (start < 0) return undefined;
  return lines.slice(start).join(' ').slice(3).replace(/\s+/g, ' ').trim();
}

function schemaAt(root: Schema, path: readonly string[]): Schema | undefined {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? resolve((root as Record<string, Record<string, Schema>>)['definitions']?.[schema.$ref.split('/').at(-1) ?? '']) : schema;
  let current: Schema | undefined = resolve(root);
  for (const key of path) current = resolve(current?.properties?.[key]);
  return current;
}

function typeName(schema: Schema | undefined): string {
  if (schema === undefined) return '?';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  return types.map((t) => (t === 'array' ? `list of ${typeName(schema.items).replace(/ \\\| /g, '/')}` : t)).join(' or ');
}

/** Every parameter, in file order, and the keys that lack a `# --` comment. */
export function chartParameters(chartDir: string): { parameters: Parameter[]; undocumented: string[] } {
  const doc = parseDocument(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Schema;
  const parameters: Parameter[] = [];
  const undocumented: string[] = [];
  const walk = (map: YAMLMap, path: string[]): void => {
    map.items.forEach((pair, index) => {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPath = [...path, name];
      // yaml attaches the comment above a map's first key to the map itself.
      const comment = (isScalar(pair.key) ? pair.key.commentBefore : undefined) ?? (index === 0 ? map.commentBefore : undefined);
      const description = docComment(comment);
      if (description !== undefined) {
        const value: unknown = isNode(pair.value) ? pair.value.toJSON() : null;
        parameters.push({ key: keyPath.join('.'), type: typeName(schemaAt(schema, keyPath)), defaultValue: value, description });
      } else if (isMap(pair.value) && pair.value.items.length > 0) {
        walk(pair.value, keyPath);
      } else {
        undocumented.push(keyPath.join('.'));
      }
    });
  };
  if (isMap(doc.contents)) walk(doc.contents, []);
  return { parameters, undocumented };
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The Markdown table of the parameters. */
export function parametersTable(parameters: readonly Parameter[]): string {
  const rows = parameters.map((p) => {
    const shown = p.defaultValue === null ? 'null' : JSON.stringify(p.defaultValue);
    return `| \`${p.key}\` | ${p.type} | ${cell(`\`${shown}\``)} | ${cell(p.description)} |`;
  });
  return ['| key | type | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export const TABLE_START = '<!-- parameters:start (generated from values.yaml by `make chart-docs`; do not edit) -->';
export const TABLE_END = '<!-- parameters:end -->';

/** `readme` with the text between the markers replaced by the current table. */
export function withParametersTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the README lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/**
 * Renders docs/configuration.md from the schema, so the reference cannot drift from the code
 * (a test compares the file with this output; `make docs` rewrites it).
 */
import { ENV_SCHEMA, SECRET_VARIABLES } from './schema.ts';

interface SpecView {
  desc?: string;
  example?: string;
  default?: unknown;
  choices?: readonly unknown[];
}

function formatDefault(name: string, value: unknown, example: string | undefined): string {
  if (value === undefined) return '**required**';
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : `\`${value.join(name.endsWith('SCOPES') ? ' ' : ',')}\``;
  if (value === '') return '(empty)';
  // Durations are held in milliseconds; their examples carry a unit.
  if (typeof value === 'number' && /\d(ms|s|m|h|d)$/.test(example ?? '')) return `\`${value / 1000}s\``;
  return `\`${String(value)}\``;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The configuration reference as Markdown. */
export function renderConfigurationReference(): string {
  const rows = Object.entries(ENV_SCHEMA).map(([name, raw]) => {
    const spec = raw as SpecView;
    const secret = (SECRET_VARIABLES as readonly string[]).includes(name) ? ' Also `' + name + '_FILE`.' : '';
    const choices = spec.choices ? ` One of: ${spec.choices.map((c) => `\`${String(c)}\``).join(', ')}.` : '';
    const example = spec.example ? ` Example: \`${spec.example}\`.` : '';
    return `| \`${name}\` | ${formatDefault(name, spec.default, spec.example)} | ${cell(`${spec.desc ?? ''}.${choices}${example}${secret}`)} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from app/src/config/schema.ts by `make docs`; do not edit by hand. -->',
    '',
    'gatehouse is configured only by environment variables. Every secret may instead be read from a',
    'mounted file named by `<NAME>_FILE`. Durations take `ms`, `s`, `m`, `h` or `d` (a bare number means seconds).',
    'Run `gatehouse --check-config` (or `make check-config`) to validate a configuration: it prints every',
    'problem at once, naming the variable, and exits 1, or prints `configuration is valid` and exits 0.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

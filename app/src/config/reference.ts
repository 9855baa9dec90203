/**
 * Renders docs/configuration.md from the schema, so the reference cannot drift from the code
 * (a test compares the file with this output; `make docs` rewrites it).
 */
import { FILE_SECTIONS } from './file-reference.ts';
import { PROVIDER_SOURCE, SOURCE_VARIABLES } from './identity-sources.ts';
import { ENV_SCHEMA, SECRET_VARIABLES } from './schema.ts';

interface SpecView {
  desc?: string;
  example?: string;
  default?: unknown;
  choices?: readonly unknown[];
}

function formatDefault(name: string, value: unknown, example: string | undefined): string {
  const sources = SOURCE_VARIABLES[name];
  if (sources) {
    const providers = Object.entries(PROVIDER_SOURCE).filter(([, source]) => sources.includes(source)).map(([provider]) => `\`${provider}\``);
    // A source no provider stands for (serviceaccount) is only reached through GATEHOUSE_IDENTITY_SOURCES.
    const short = providers.length > 0 ? ` (provider ${providers.join(', ')})` : '';
    return `**required** with the ${sources.map((s) => `\`${s}\``).join(', ')} source${short}`;
  }
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
    'gatehouse is configured by environment variables and an optional YAML file. Every secret may instead be read from a',
    'mounted file named by `<NAME>_FILE`. Durations take `ms`, `s`, `m`, `h` or `d` (a bare number means seconds).',
    'Run `gatehouse --check-config` (or `make check-config`) to validate a configuration: it prints every',
    'problem at once, naming the variable, and exits 1, or prints `configuration is valid` and exits 0.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## The config file',
    '',
    'Structured settings live in the YAML file named by `GATEHOUSE_CONFIG_FILE`. Unknown keys are refused,',
    '`--check-config` reports every problem at once, and the identity sections below are reloaded without a',
    'restart when the file changes (checked every `GATEHOUSE_CONFIG_RELOAD_INTERVAL`) or on SIGHUP; a file',
    'with any problem is refused, the previous settings stay in force and the problems are logged.',
    '',
    ...FILE_SECTIONS.flatMap((section) => [
      `### ${section.title}: ${section.keys.map((key) => `\`${key}\``).join(', ')}`,
      '',
      section.meaning,
      '',
      '```yaml',
      section.example,
      '```',
      '',
    ]),
  ].join('\n');
}

/**
 * The optional YAML file named by GATEHOUSE_CONFIG_FILE, for settings too structured for the
 * environment: claims mapping, roles, named policies, claim headers and sidecar routes. Unknown keys are refused so a typo never
 * silently drops a setting.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { IDENTITY_SECTIONS } from '../identity/identity-config.ts';
import { ELASTAUTH_KEYS } from './elastauth/elastauth-keys.ts';

/** Top-level keys this version understands: its own sections and elastauth's keys. */
export const CONFIG_FILE_KEYS: readonly string[] = Object.freeze([...new Set(['version', ...IDENTITY_SECTIONS, 'sidecar', 'client_certificates', 'bearer', ...ELASTAUTH_KEYS])]);

/** A YAML syntax error as one line: where (line and column, 1-based) and what. */
function describeYamlError(err: unknown): string {
  const first = (err as Error).message.split('\n')[0] ?? '';
  const at = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
  if (at === undefined) return first;
  return `line ${at.line}, column ${at.col}: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/**
 * Reads and checks the file; problems are appended, naming the file.
 * @returns the parsed mapping (empty when the file is empty), or undefined when the file cannot be
 * read, is not YAML or is not a mapping: then it sets nothing at all
 */
export function readConfigFile(path: string, problems: string[]): Readonly<Record<string, unknown>> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`GATEHOUSE_CONFIG_FILE: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    problems.push(`GATEHOUSE_CONFIG_FILE: ${path} is not valid YAML: ${describeYamlError(err)}`);
    return undefined;
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`GATEHOUSE_CONFIG_FILE: ${path} must hold a YAML mapping at the top level`);
    return undefined;
  }
  const settings = parsed as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!CONFIG_FILE_KEYS.includes(key)) {
      problems.push(`GATEHOUSE_CONFIG_FILE: unknown key "${key}" in ${path}; known keys: ${CONFIG_FILE_KEYS.join(', ')}`);
    }
  }
  if ('version' in settings && settings.version !== 1) {
    problems.push(`GATEHOUSE_CONFIG_FILE: version must be 1 in ${path}`);
  }
  return settings;
}

/**
 * Readers for the values of the config file's `bearer` section: URLs (https, or http for a local
 * provider), durations and mounted files. Each appends a problem naming its place and returns
 * undefined when the value cannot be used; nothing throws.
 */
import { readFileSync } from 'node:fs';
import { describe } from '../policy/named/config-values.ts';
import { parseDuration } from './validators.ts';

/** An http(s) URL; http only when `allowHttp` (GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP). */
export function readUrl(value: unknown, where: string, allowHttp: boolean, problems: string[]): URL | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    problems.push(`${where}: expected an https URL, got ${describe(value)}`);
    return undefined;
  }
  const url = new URL(value);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && allowHttp)) return url;
  problems.push(url.protocol === 'http:' ? `${where}: uses http:; use https: (GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP=true allows http for a local provider)` : `${where}: expected an https URL`);
  return undefined;
}

/** A duration in seconds, written as seconds (30) or with a unit (30s, 5m); 0 only when `zeroAllowed`. */
export function readSeconds(value: unknown, where: string, zeroAllowed: boolean, problems: string[]): number | undefined {
  if (value === 0 || value === '0') {
    if (zeroAllowed) return 0;
  } else if ((typeof value === 'number' && Number.isInteger(value) && value > 0) || typeof value === 'string') {
    try {
      return parseDuration(String(value)) / 1000;
    } catch {
      // reported below
    }
  }
  problems.push(`${where}: expected a duration such as 30s or 5m, got ${describe(value)}`);
  return undefined;
}

/** The text of the file whose path is `value` (a mounted Secret or ConfigMap key). */
export function readMountedFile(value: unknown, where: string, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value === '') {
    problems.push(`${where}: expected the path of a mounted file`);
    return undefined;
  }
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    problems.push(`${where}: cannot read ${JSON.stringify(value)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}

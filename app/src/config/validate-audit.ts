/**
 * Where the audit log goes (GATEHOUSE_AUDIT_LOG). A file must be named by an absolute path in a
 * directory that exists, so that a typo stops start-up instead of losing the events.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { CleanedEnv } from './schema.ts';

/** The audit log's destination. */
export type AuditSettings =
  | { readonly destination: 'off' | 'stdout' | 'stderr' }
  | { readonly destination: 'file'; readonly path: string };

const STREAMS = new Set(['off', 'stdout', 'stderr']);

/** Reads GATEHOUSE_AUDIT_LOG; problems are appended naming it. */
export function validateAudit(env: Pick<CleanedEnv, 'GATEHOUSE_AUDIT_LOG'>, problems: string[]): AuditSettings {
  const value = env.GATEHOUSE_AUDIT_LOG.trim();
  if (STREAMS.has(value)) return { destination: value as 'off' | 'stdout' | 'stderr' };
  if (!isAbsolute(value)) {
    problems.push(`GATEHOUSE_AUDIT_LOG: "${value}" is not off, stdout, stderr or an absolute file path`);
    return { destination: 'off' };
  }
  let directory = false;
  try {
    directory = statSync(dirname(value)).isDirectory();
  } catch {
    directory = false;
  }
  if (!directory) problems.push(`GATEHOUSE_AUDIT_LOG: the directory of ${value} does not exist`);
  return { destination: 'file', path: value };
}

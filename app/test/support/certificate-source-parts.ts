/**
 * The certificate source built from its own variables alone (cleanEnv over its schema, then its
 * validation), with captured log lines and a settable clock, for the source's unit tests.
 */
import { cleanEnv } from 'envalid';
import type { Config } from '../../src/config/config.ts';
import { CLIENT_CERT_SCHEMA } from '../../src/config/schema-client-cert.ts';
import { validateClientCert } from '../../src/config/validate-client-cert.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { createCertificateSource } from '../../src/sources/certificate/certificate-source.ts';

/** A source, the lines it logged and its clock. */
export interface CertificateSourceParts {
  readonly source: ReturnType<typeof createCertificateSource>;
  readonly logs: Array<{ level: string; fields: Record<string, unknown>; message: string }>;
  /** The clock the source reads; change `clock.now` to move time. */
  readonly clock: { now: number };
}

/**
 * Builds the source from `env` (GATEHOUSE_CLIENT_* variables) and the parsed config file `file`.
 * @throws with the problems when the settings are invalid
 */
export function certificateSource(env: Record<string, string>, file: Record<string, unknown> = {}, reloadIntervalMs = 0): CertificateSourceParts {
  const problems: string[] = [];
  const settings = validateClientCert(cleanEnv(env, CLIENT_CERT_SCHEMA) as never, file, true, problems);
  if (problems.length > 0 || settings === undefined) throw new Error(problems.join('; '));
  const logs: CertificateSourceParts['logs'] = [];
  const line = (level: string) => (fields: Record<string, unknown>, message: string) => void logs.push({ level, fields, message });
  const logger = { warn: line('warn'), error: line('error'), info: line('info'), debug: line('debug') } as unknown as Logger;
  const clock = { now: Date.now() };
  const config = { clientCertificates: settings, configReloadIntervalMs: reloadIntervalMs } as unknown as Config;
  return { source: createCertificateSource({ config, logger, now: () => clock.now }), logs, clock };
}

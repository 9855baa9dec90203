/**
 * JSON logs through pino. Tokens, cookies and credentials are redacted by path, so a log line can
 * never carry a secret even when a whole object is logged by mistake.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

/** Paths whose values are replaced by "[redacted]" in every log line. */
export const REDACTED_PATHS: readonly string[] = Object.freeze([
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'cookie',
  'authorization',
  '*.idToken',
  '*.accessToken',
  '*.refreshToken',
  '*.id_token',
  '*.access_token',
  '*.refresh_token',
  '*.code',
  '*.codeVerifier',
  '*.clientSecret',
  'idToken',
  'accessToken',
  'refreshToken',
  'clientSecret',
]);

/**
 * Standard output, written asynchronously: sonic-boom batches lines while a write is pending,
 * which keeps one syscall per check off the hot path. Shutdown flushes it.
 */
export function createStdoutDestination(): DestinationStream & { flushSync(): void } {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Creates a logger.
 * @param level - the minimum level written
 * @param destination - where lines go; stdout by default
 * @param redact - false only for the per-check logger, whose lines have a fixed set of fields
 *   that never hold a secret; redaction costs more than the check itself on the hot path
 */
export function createLogger(level: LogLevel, destination?: DestinationStream, redact = true): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(redact ? { redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } } : {}),
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };

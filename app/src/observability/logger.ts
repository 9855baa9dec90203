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
 * Standard output, written asynchronously: lines queue while a write is in progress instead of
 * blocking the event loop. Shutdown flushes what is left.
 */
export function createStdoutDestination(): DestinationStream & { flushSync(): void } {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Creates a logger.
 * @param level - the minimum level written
 * @param destination - where lines go; stdout by default
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };

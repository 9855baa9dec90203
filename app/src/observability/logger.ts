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

/** How long a log line may wait in the buffer. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Standard output, buffered: lines are written in blocks of 4 KiB or at least once a second, which
 * keeps a write per check off the hot path. Shutdown flushes what is left.
 */
export function createStdoutDestination(): DestinationStream & { flushSync(): void; flush(): void } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => destination.flush(), FLUSH_INTERVAL_MS);
  timer.unref();
  return destination;
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

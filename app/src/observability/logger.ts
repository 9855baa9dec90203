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

/** Standard output as the service log writes to it: lines of text, and the check log's batches as bytes. */
export interface StdoutDestination extends DestinationStream {
  /** Queues bytes already encoded (the check log's batches) behind the lines before them. */
  writeBytes(bytes: Buffer): void;
  /** Writes everything still queued, before the process exits. */
  flushSync(): void;
}

/**
 * Standard output, written asynchronously: lines queue while a write is in progress instead of
 * blocking the event loop. Shutdown flushes what is left. The queue holds bytes, so a batch of
 * check lines is encoded once and written as it is (a queue of text encodes each batch again to
 * measure it, to write it and to drop what was written), and every writer shares one queue, so
 * lines never interleave.
 */
export function createStdoutDestination(): StdoutDestination {
  const bytes = pino.destination({ dest: 1, sync: false, contentMode: 'buffer' });
  return {
    write: (line: string) => bytes.write(Buffer.from(line) as unknown as string),
    writeBytes: (batch) => bytes.write(batch as unknown as string),
    flushSync: () => bytes.flushSync(),
  };
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

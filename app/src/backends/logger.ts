/**
 * The logger the backends write to: pino's, or anything with the same three methods. Nothing a
 * backend logs holds a password or an `Authorization` value.
 */

/** A pino-compatible logger: an object of fields, then a message. */
export interface BackendLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

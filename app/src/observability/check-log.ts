/**
 * The one log line per /oauth2/auth check, written straight to the log destination. Its fields
 * are fixed and never hold a secret, so it skips pino's generic serialization and redaction, which
 * cost more than the check itself; the line has the same shape as pino's (level, time, service, msg).
 */
import type { LogLevel } from '../config/config.ts';

/** Where lines go: pino's destination stream, or a test collector. */
export interface LineSink {
  write(line: string): unknown;
}

/** The fields of a check line. */
export interface CheckLine {
  readonly requestId: string;
  readonly status: number;
  readonly result: string;
  readonly reasons: readonly string[];
  readonly user: string | undefined;
  readonly ms: number;
}

const WRITES_INFO: ReadonlySet<LogLevel> = new Set<LogLevel>(['info', 'debug', 'trace']);

/**
 * Creates the writer; it writes nothing when the level is above info.
 * @returns a function writing one JSON line per call
 */
export function createCheckLog(sink: LineSink, level: LogLevel): (line: CheckLine) => void {
  if (!WRITES_INFO.has(level)) return () => {};
  // ISO time cached per millisecond: under load many lines share one.
  let lastMs = 0;
  let lastIso = '';
  return (line) => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    const user = line.user === undefined ? '' : `,"user":${JSON.stringify(line.user)}`;
    sink.write(
      `{"level":"info","time":"${lastIso}","service":"gatehouse","msg":"auth check","requestId":${JSON.stringify(line.requestId)},"status":${line.status},"result":"${line.result}","reasons":${JSON.stringify(line.reasons)}${user},"ms":${line.ms}}\n`,
    );
  };
}

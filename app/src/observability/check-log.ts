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

/** Writes check lines; lines made in one event-loop turn reach the sink in one write. */
export interface CheckLog {
  (line: CheckLine): void;
  /** Writes pending lines now (at shutdown). */
  flush(): void;
}

/**
 * Creates the writer; it writes nothing when the level is above info.
 * @returns a function writing one JSON line per call
 */
export function createCheckLog(sink: LineSink, level: LogLevel): CheckLog {
  if (!WRITES_INFO.has(level)) return Object.assign(() => {}, { flush() {} });
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending.join('');
    pending = [];
    sink.write(batch);
  };
  // ISO time cached per millisecond: under load many lines share one.
  let lastMs = 0;
  let lastIso = '';
  const write = (line: CheckLine): void => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    const user = line.user === undefined ? '' : `,"user":${JSON.stringify(line.user)}`;
    pending.push(
      `{"level":"info","time":"${lastIso}","service":"gatehouse","msg":"auth check","requestId":${JSON.stringify(line.requestId)},"status":${line.status},"result":"${line.result}","reasons":${JSON.stringify(line.reasons)}${user},"ms":${line.ms}}\n`,
    );
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return Object.assign(write, { flush });
}

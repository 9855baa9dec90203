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

/** How long a check line may wait before it is written. */
const FLUSH_AFTER_MS = 100;
/** Pending characters that trigger a write at once. */
const FLUSH_AT_CHARS = 64 * 1024;

/** Writes check lines in batches: at most every 100 ms, or as soon as 64 KiB are pending. */
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
  // Each write to the log is a hand-off to the I/O thread pool; one per batch keeps that off the hot path.
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending.join('');
    pending = [];
    pendingChars = 0;
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
    const text =
      `{"level":"info","time":"${lastIso}","service":"gatehouse","msg":"auth check","requestId":${JSON.stringify(line.requestId)},"status":${line.status},"result":"${line.result}","reasons":${JSON.stringify(line.reasons)}${user},"ms":${line.ms}}\n`;
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars >= FLUSH_AT_CHARS) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, FLUSH_AFTER_MS);
      timer.unref();
    }
  };
  return Object.assign(write, { flush });
}

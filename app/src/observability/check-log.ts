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
/** Distinct users and reason lists whose JSON text is remembered; the memory starts over beyond. */
const REMEMBERED_TEXTS = 4096;
/** Text that is its own JSON string body: request ids as requestIdOf makes or accepts them. */
const PLAIN = /^[A-Za-z0-9._:-]{0,128}$/;

/** Writes check lines in batches: at most every 100 ms, or as soon as 64 KiB are pending. */
export interface CheckLog {
  (line: CheckLine): void;
  /** Writes pending lines now (at shutdown). */
  flush(): void;
}

/** JSON texts of recurring values, bounded: a user or a reason list is encoded once, not per check. */
function rememberedJson<K>(): (key: K, text: () => string) => string {
  let texts = new Map<K, string>();
  return (key, text) => {
    let known = texts.get(key);
    if (known === undefined) {
      if (texts.size >= REMEMBERED_TEXTS) texts = new Map();
      known = text();
      texts.set(key, known);
    }
    return known;
  };
}

/**
 * Creates the writer; it writes nothing when the level is above info.
 * @returns a function writing one JSON line per call
 */
export function createCheckLog(sink: LineSink, level: LogLevel): CheckLog {
  if (!WRITES_INFO.has(level)) return Object.assign(() => {}, { flush() {} });
  // Each write to the log is a hand-off to the I/O thread pool; one per batch keeps that off the hot path.
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = '';
    sink.write(batch);
  };
  // The line up to the request id, rebuilt once per millisecond: under load many lines share one.
  let lastMs = 0;
  let head = '';
  const userField = rememberedJson<string>();
  // Nearly every check has one reason, from a closed set: its list is encoded once.
  const oneReason = rememberedJson<string>();
  const reasonsText = (reasons: readonly string[]): string => {
    const [first] = reasons;
    return reasons.length === 1 && first !== undefined ? oneReason(first, () => JSON.stringify(reasons)) : JSON.stringify(reasons);
  };
  const write = (line: CheckLine): void => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      head = `{"level":"info","time":"${new Date(now).toISOString()}","service":"gatehouse","msg":"auth check","requestId":`;
    }
    const { requestId, user, reasons } = line;
    const id = PLAIN.test(requestId) ? `"${requestId}"` : JSON.stringify(requestId);
    const who = user === undefined ? '' : userField(user, () => `,"user":${JSON.stringify(user)}`);
    pending += `${head}${id},"status":${line.status},"result":"${line.result}","reasons":${reasonsText(reasons)}${who},"ms":${line.ms}}\n`;
    if (pending.length >= FLUSH_AT_CHARS) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, FLUSH_AFTER_MS);
      timer.unref();
    }
  };
  return Object.assign(write, { flush });
}

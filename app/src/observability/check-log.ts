/**
 * The one log line per /oauth2/auth check, written straight to the log destination. Its fields
 * are fixed and never hold a secret, so it skips pino's generic serialization and redaction, which
 * cost more than the check itself; the line has the same shape as pino's (level, time, service, msg).
 */
import type { LogLevel } from '../config/config.ts';

/** Where lines go: the service log's destination, or a test collector. */
export interface LineSink {
  write(line: string): unknown;
  /** Takes a batch as bytes, where the destination queues bytes (standard output does). */
  writeBytes?(bytes: Buffer): unknown;
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
/** Pending bytes that trigger a write at once. */
const FLUSH_AT_BYTES = 64 * 1024;
/** A batch's room: a full batch's bytes, and a long line beyond them. */
const BATCH_BYTES = FLUSH_AT_BYTES + 16 * 1024;
/** Distinct users and reason lists whose JSON text is remembered; the memory starts over beyond. */
const REMEMBERED_TEXTS = 4096;
/** A character JSON text may hold that is not ASCII. */
const NOT_ASCII = /[^\x00-\x7f]/;
const NOT_ASCII_ALL = /[^\x00-\x7f]/g;
/** Text that is its own JSON string body: request ids as requestIdOf makes or accepts them. */
const PLAIN = /^[A-Za-z0-9._:-]{0,128}$/;

/** Writes check lines in batches: at most every 100 ms, or as soon as 64 KiB are pending. */
export interface CheckLog {
  (line: CheckLine): void;
  /** Writes pending lines now (at shutdown). */
  flush(): void;
}

/** JSON text of `value` in ASCII only: every other character as its \\u escape, which JSON reads back the same. */
function asciiJson(value: string | readonly string[]): string {
  const json = JSON.stringify(value);
  // Nearly every user name is ASCII already: tested first, rewritten only when it is not.
  return NOT_ASCII.test(json) ? json.replace(NOT_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
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
  // Each line is copied into the batch's bytes as soon as it is made, while it is in the cache, and
  // its string dies young; every character is ASCII (see asciiJson), so its Latin-1 is its UTF-8.
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (used === 0) return;
    const bytes = batch.subarray(0, used);
    used = 0;
    if (sink.writeBytes) {
      // The destination keeps the bytes until they are written: the next batch gets its own.
      sink.writeBytes(bytes);
      batch = Buffer.allocUnsafe(BATCH_BYTES);
    } else sink.write(bytes.toString('latin1'));
  };
  // The line up to the request id, rebuilt once per millisecond: under load many lines share one.
  let lastMs = 0;
  let head = '';
  const userField = rememberedJson<string>();
  // Nearly every check has one reason, from a closed set: its list is encoded once.
  const oneReason = rememberedJson<string>();
  const reasonsText = (reasons: readonly string[]): string => {
    const [first] = reasons;
    return reasons.length === 1 && first !== undefined ? oneReason(first, () => asciiJson(reasons)) : asciiJson(reasons);
  };
  const write = (line: CheckLine): void => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      head = `{"level":"info","time":"${new Date(now).toISOString()}","service":"gatehouse","msg":"auth check","requestId":`;
    }
    const { requestId, user, reasons } = line;
    const id = PLAIN.test(requestId) ? `"${requestId}"` : asciiJson(requestId);
    const who = user === undefined ? '' : userField(user, () => `,"user":${asciiJson(user)}`);
    const text = `${head}${id},"status":${line.status},"result":"${line.result}","reasons":${reasonsText(reasons)}${who},"ms":${line.ms}}\n`;
    if (used + text.length > BATCH_BYTES) flush();
    // A line longer than a whole batch (a user name of kilobytes) is written on its own.
    if (text.length > BATCH_BYTES) sink.write(text);
    else used += batch.write(text, used, 'latin1');
    if (used >= FLUSH_AT_BYTES) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, FLUSH_AFTER_MS);
      timer.unref();
    }
  };
  return Object.assign(write, { flush });
}

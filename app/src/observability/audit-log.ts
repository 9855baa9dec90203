/**
 * The audit log: security events as JSON lines with stable field names, in a stream of their own
 * (GATEHOUSE_AUDIT_LOG). A line is built only from the fields of {@link AuditEvent}, each a short
 * string, a number or a boolean, so no token, cookie or password can reach it: the callers never
 * hand one over, and free text is cut to a bound. Rate-limit hits are summed per route and client
 * so that a flood writes a few lines, not one per refused request.
 */
import { pino, type DestinationStream } from 'pino';
import type { AuditSettings } from '../config/validate-audit.ts';
import { createRateLimitTally } from './audit-rate-limits.ts';

/** The events, and the `event` field's values. */
export type AuditEventName =
  | 'sign_in'
  | 'sign_out'
  | 'backchannel_logout'
  | 'refresh_rejected'
  | 'key_rotation'
  | 'rate_limited'
  | 'config_reload';

/** One event. Every field but event and outcome is optional; field names never change. */
export interface AuditEvent {
  readonly event: AuditEventName;
  readonly outcome: 'success' | 'failure';
  /** Why it failed (or, for a success, what kind it was): a short code from a closed set. */
  readonly reason?: string | undefined;
  /** The principal, as in the X-Auth-Request-User header. */
  readonly user?: string | undefined;
  /** The provider's subject identifier. */
  readonly sub?: string | undefined;
  /** The X-Request-ID of the request, when there was one. */
  readonly requestId?: string | undefined;
  /** The address of the TCP peer (the proxy in front, or the client). */
  readonly peer?: string | undefined;
  /** X-Forwarded-For as received: what the peer claims, addresses only. */
  readonly forwardedFor?: string | undefined;
  /** How many sessions the event ended. */
  readonly sessionsEnded?: number | undefined;
  /** sign_out: every session of the user, not only this browser's. */
  readonly everywhere?: boolean | undefined;
  /** config_reload: what started it (SIGHUP, file-change). */
  readonly trigger?: string | undefined;
  /** rate_limited: the endpoint, e.g. /oauth2/start. */
  readonly route?: string | undefined;
  /** rate_limited: which limit was hit, e.g. per-client. */
  readonly limit?: string | undefined;
  /** rate_limited: refused requests summed into this line. */
  readonly hits?: number | undefined;
  /** key_rotation: how many keys are now held. */
  readonly keys?: number | undefined;
}

/** A rate-limit hit as the limiter reports it. */
export interface RateLimitHit {
  readonly route: string;
  readonly limit: string;
  readonly peer?: string | undefined;
  readonly forwardedFor?: string | undefined;
  readonly requestId?: string | undefined;
}

/** The audit log's operations. */
export interface AuditLog {
  /** True unless GATEHOUSE_AUDIT_LOG is off: callers may skip building an event. */
  readonly enabled: boolean;
  /** Writes one event. */
  record(event: AuditEvent): void;
  /**
   * Reports a request refused by a rate limit. The first hit per route, limit and client is
   * written at once; later ones within ten seconds are summed into one line with `hits`.
   */
  rateLimited(hit: RateLimitHit): void;
  /** Writes what is pending and, for a file, closes it. */
  close(): void;
}

/** Every field an audit line may have; the README documents each. */
export const AUDIT_FIELDS: readonly string[] = Object.freeze([
  'time', 'service', 'stream', 'event', 'outcome', 'reason', 'user', 'sub', 'requestId', 'peer', 'forwardedFor',
  'sessionsEnded', 'hits', 'keys', 'everywhere', 'trigger', 'route', 'limit',
]);

const MAX_TEXT = 256;
// Addresses, ports, brackets, commas and spaces: what an X-Forwarded-For list is made of.
const ADDRESS_LIST = /^[0-9A-Fa-f.:\[\], ]{1,256}$/;
const STRING_FIELDS = ['reason', 'user', 'sub', 'requestId', 'peer', 'trigger', 'route', 'limit'] as const;
const NUMBER_FIELDS = ['sessionsEnded', 'hits', 'keys'] as const;

/** The event as the line's fields, in a fixed order, every value bounded. */
export function auditFields(event: AuditEvent): Record<string, string | number | boolean> {
  const fields: Record<string, string | number | boolean> = { event: event.event, outcome: event.outcome };
  for (const name of STRING_FIELDS) {
    const value = event[name];
    if (typeof value === 'string' && value !== '') fields[name] = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  }
  if (typeof event.forwardedFor === 'string' && ADDRESS_LIST.test(event.forwardedFor)) fields.forwardedFor = event.forwardedFor;
  for (const name of NUMBER_FIELDS) {
    const value = event[name];
    if (typeof value === 'number' && Number.isFinite(value)) fields[name] = value;
  }
  if (typeof event.everywhere === 'boolean') fields.everywhere = event.everywhere;
  return fields;
}

const DISABLED: AuditLog = { enabled: false, record() {}, rateLimited() {}, close() {} };

/** What createAuditLog writes to. */
interface Sink {
  write(line: string): unknown;
  flushSync?(): void;
  end?(): void;
}

/**
 * Creates the audit log.
 * @param stdout - the service log's own stdout destination, shared so that lines never interleave
 */
export function createAuditLog(settings: AuditSettings, stdout: DestinationStream | undefined, now: () => number = Date.now): AuditLog {
  if (settings.destination === 'off') return DISABLED;
  let sink: Sink;
  // Written synchronously: events are rare (a flood of rate-limit hits is summed), and a line
  // written before the answer is not lost if the process dies just after.
  if (settings.destination === 'file') sink = pino.destination({ dest: settings.path, append: true, mkdir: false, sync: true });
  else if (settings.destination === 'stderr') sink = pino.destination({ dest: 2, sync: true });
  else sink = stdout ?? process.stdout;
  const write = (event: AuditEvent): void => {
    const line = { time: new Date(now()).toISOString(), service: 'gatehouse', stream: 'audit', ...auditFields(event) };
    sink.write(`${JSON.stringify(line)}\n`);
  };
  const tally = createRateLimitTally(write);
  return {
    enabled: true,
    record: write,
    rateLimited: (hit) => tally.hit(hit),
    close() {
      tally.close();
      if (sink === stdout || sink === process.stdout) return;
      sink.flushSync?.();
      sink.end?.();
    },
  };
}

/**
 * Counts and logs each answered check, whichever proxy family asked: the status actually sent,
 * the outcome, its reasons, and the user. One call per check; nothing here decides anything.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../deps.ts';
import { requestIdOf } from '../http/request-id.ts';
import type { Reason } from '../policy/reasons.ts';
import type { CheckResult } from './check-outcome.ts';

/** What one answered check leaves behind. */
export interface CheckRecord {
  readonly started: number;
  /** The status sent to the proxy, which may differ from the outcome's (302 for a sign-in redirect). */
  readonly status: number;
  readonly result: CheckResult;
  readonly reasons: readonly Reason[];
  readonly user: string | undefined;
  /** Set for failures: logged at error level (its message only). */
  readonly err?: unknown;
}

/** Records answered checks for one endpoint. */
export type CheckRecorder = (req: IncomingMessage, record: CheckRecord) => void;

/** Creates the recorder of `endpoint` (the `endpoint` label of the metrics). */
export function createCheckRecorder(deps: Pick<AppDeps, 'metrics' | 'logger' | 'checkLog'>, endpoint: string): CheckRecorder {
  const { metrics, logger, checkLog } = deps;
  const duration = metrics.httpDuration.labels({ endpoint });
  // The tallies key on pre-joined strings: no label object is built per check.
  const prefix = `${endpoint} `;
  return (req, { started, status, result, reasons, user, err }) => {
    const seconds = (performance.now() - started) / 1000;
    metrics.authRequestTally.inc(prefix + status, { endpoint, code: String(status) });
    duration.observe(seconds);
    for (const reason of reasons) metrics.decisionTally.inc(`${result}:${reason}`, { result, reason });
    const entry = { requestId: requestIdOf(req), status, result, reasons, user, ms: Math.round(seconds * 1e6) / 1e3 };
    if (err) logger.error({ ...entry, err: (err as Error)?.message ?? String(err) }, 'auth check failed');
    else checkLog(entry);
  };
}

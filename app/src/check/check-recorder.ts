/**
 * Counts and logs each answered check, whichever proxy family asked: the status actually sent,
 * the outcome, its reasons, and the user. One call per check; nothing here decides anything.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../deps.ts';
import { requestIdOf } from '../http/request-id.ts';
import type { TallyCount } from '../observability/tally.ts';
import type { Reason } from '../policy/reasons.ts';
import type { CheckResult } from './check-outcome.ts';

/**
 * Records one answered check: when it started (performance.now()), the status sent to the proxy
 * (which may differ from the outcome's: 302 for a sign-in redirect), the outcome's kind and
 * reasons, the user, and for failures the error (logged at error level, its message only).
 * Positional, so a check builds no record object.
 */
export type CheckRecorder = (
  req: IncomingMessage,
  started: number,
  status: number,
  result: CheckResult,
  reasons: readonly Reason[],
  user: string | undefined,
  err: unknown,
) => void;

/** Creates the recorder of `endpoint` (the `endpoint` label of the metrics). */
export function createCheckRecorder(deps: Pick<AppDeps, 'metrics' | 'logger' | 'checkLog'>, endpoint: string): CheckRecorder {
  const { metrics, logger, checkLog } = deps;
  const duration = metrics.httpDuration.labels({ endpoint });
  // Each status and each result's reasons get their count once; a check then adds one to it.
  const byStatus = new Map<number, TallyCount>();
  const byResult = new Map<CheckResult, Map<Reason, TallyCount>>();
  const answered = (status: number): TallyCount => {
    let count = byStatus.get(status);
    if (count === undefined) {
      count = metrics.authRequestTally.countOf({ endpoint, code: String(status) });
      byStatus.set(status, count);
    }
    return count;
  };
  const decided = (result: CheckResult, reason: Reason): TallyCount => {
    let reasons = byResult.get(result);
    if (reasons === undefined) {
      reasons = new Map();
      byResult.set(result, reasons);
    }
    let count = reasons.get(reason);
    if (count === undefined) {
      count = metrics.decisionTally.countOf({ result, reason });
      reasons.set(reason, count);
    }
    return count;
  };
  return (req, started, status, result, reasons, user, err) => {
    const seconds = (performance.now() - started) / 1000;
    answered(status).count += 1;
    duration.observe(seconds);
    for (let i = 0; i < reasons.length; i++) decided(result, reasons[i] as Reason).count += 1;
    const entry = { requestId: requestIdOf(req), status, result, reasons, user, ms: Math.round(seconds * 1e6) / 1e3 };
    if (err) logger.error({ ...entry, err: (err as Error)?.message ?? String(err) }, 'auth check failed');
    else checkLog(entry);
  };
}

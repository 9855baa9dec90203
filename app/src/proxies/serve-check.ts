/**
 * One proxy endpoint: the adapter reads the proxy's request, the shared pipeline decides, the
 * adapter answers, and the recorder counts and logs. A crash anywhere answers 500, never an allow.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CheckOutcome } from '../check/check-outcome.ts';
import type { CheckPipeline } from '../check/check-pipeline.ts';
import { createCheckRecorder } from '../check/check-recorder.ts';
import type { AppDeps } from '../deps.ts';
import { isRefusal, type AdapterRequest, type ProxyAdapter } from './proxy-adapter.ts';

/** Creates the request handler of `plainAdapter` over `pipeline`. */
export function serveCheck(
  deps: Pick<AppDeps, 'metrics' | 'logger' | 'checkLog' | 'tracing'>,
  plainAdapter: ProxyAdapter,
  pipeline: CheckPipeline,
): (req: IncomingMessage, res: ServerResponse) => void {
  // With tracing on, a span around each check; off, the handler below is used as it is.
  const tracing = deps.tracing?.check(plainAdapter);
  const adapter = tracing?.adapter ?? plainAdapter;
  const record = createCheckRecorder(deps, adapter.endpoint);
  const { logger } = deps;

  const finish = (req: IncomingMessage, res: ServerResponse, request: AdapterRequest, started: number, outcome: CheckOutcome): void => {
    const status = adapter.answer(outcome, request, req, res);
    const err = outcome.kind === 'error' ? outcome.err : undefined;
    const user = outcome.kind === 'unauthenticated' || outcome.kind === 'limited' ? undefined : outcome.user;
    record(req, started, status, outcome.kind, outcome.reasons, user, err);
  };

  const crashed = (res: ServerResponse, err: unknown): void => {
    logger.error({ err: (err as Error)?.message, endpoint: adapter.endpoint }, 'auth check crashed');
    if (!res.headersSent) res.writeHead(500, ['Cache-Control', 'no-store']);
    res.end();
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    try {
      const request = adapter.read(req);
      if (isRefusal(request)) {
        const status = adapter.refuse(request, res);
        record(req, started, status, 'error', [request.reason], undefined, new Error(request.detail));
        return;
      }
      // Most checks are decided in this turn (a remembered session or token): answered at once.
      const outcome = pipeline(req, request);
      if (outcome instanceof Promise) outcome.then((o) => finish(req, res, request, started, o)).catch((err: unknown) => crashed(res, err));
      else finish(req, res, request, started, outcome);
    } catch (err) {
      crashed(res, err);
    }
  };
  return tracing ? tracing.wrap(handler) : handler;
}

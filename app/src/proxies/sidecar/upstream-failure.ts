/**
 * What a client sees when the app behind the sidecar fails: 504 when it did not connect or answer
 * in time, 502 when it refused or dropped the connection (400 for a request undici will not send);
 * a page for a browser (gatehouse's own, with its headers), the bare status for an API client; and
 * one log line naming the cause. Once the app's answer has started, its status is on the wire, so
 * the only honest signal left is cutting the client's connection.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.ts';
import { PAGE_HEADERS, renderPage } from '../../http/html-page.ts';

/** Codes of an app that was too slow: answered with 504. */
const TIMEOUTS: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const TEXT = {
  502: ['The application is not available', 'The application behind this address could not be reached. Please try again in a moment.'],
  504: ['The application did not answer in time', 'The application behind this address took too long to answer. Please try again in a moment.'],
} as const;

/** The code an undici or socket error carries, if any. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Codes of a request undici will not send as it is (a repeated Content-Length): answered with 400. */
const REFUSED: ReadonlySet<string> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** 504 for a timeout, 400 for a request that cannot be sent, 502 for everything else. */
export function failureStatus(err: unknown): 400 | 502 | 504 {
  const code = errorCode(err);
  if (code !== undefined && REFUSED.has(code)) return 400;
  return code !== undefined && TIMEOUTS.has(code) ? 504 : 502;
}

/** The details of one failed exchange, for the answer and the log. */
export interface FailedExchange {
  readonly requestId: string;
  readonly method: string;
  readonly wantsPage: boolean;
  readonly err: unknown;
}

/**
 * Answers a failed exchange (or cuts the connection when the answer had started) and logs it once.
 * @returns the status sent, or 0 when the connection was cut
 */
export function answerUpstreamFailure(res: ServerResponse, failed: FailedExchange, logger: Logger): number {
  const status = failureStatus(failed.err);
  const cause = { requestId: failed.requestId, code: errorCode(failed.err), err: (failed.err as Error)?.message ?? String(failed.err) };
  if (res.headersSent || res.destroyed) {
    logger.warn(cause, 'upstream failed mid-answer; cut the client connection');
    res.destroy();
    return 0;
  }
  logger.warn({ ...cause, status }, 'upstream failed');
  if (!failed.wantsPage || status === 400) {
    res.writeHead(status, ['Cache-Control', 'no-store']);
    res.end();
    return status;
  }
  const [title, text] = TEXT[status];
  res.writeHead(status, PAGE_HEADERS as string[]);
  res.end(failed.method === 'HEAD' ? undefined : renderPage(title, [text], failed.requestId));
  return status;
}

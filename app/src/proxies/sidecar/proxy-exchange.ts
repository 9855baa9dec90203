/**
 * One proxied exchange with the app over the keep-alive pool, streamed both ways and never
 * buffered: the request body is read from the client only as fast as the app takes it, and the
 * app's answer is paused whenever the client's socket is full, so a 1 GiB upload or download holds
 * a few chunks in memory at a time. A client that goes away aborts the exchange; an app that fails
 * gets 502 or 504 (upstream-failure.ts). A kept-alive connection the app closes just as a request
 * goes out on it fails before the app has seen the request: a bodiless request of an idempotent
 * method (RFC 9110 §9.2.2) is then sent once more, on another connection, as nginx's
 * proxy_next_upstream does; any other is answered 502.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../observability/logger.ts';
import type { SidecarOriginal } from './sidecar-request.ts';
import { answerUpstreamFailure } from './upstream-failure.ts';
import { clientHeaders } from './upstream-headers.ts';

/** Sends an allowed request to the app; answers the client itself and never throws. */
export type Forward = (req: IncomingMessage, res: ServerResponse, original: SidecarOriginal, headers: string[], requestId: string) => void;

/** The reason an exchange is aborted when its client leaves; never logged as an app failure. */
const CLIENT_GONE = Object.freeze(Object.assign(new Error('the client went away'), { code: 'GATEHOUSE_CLIENT_GONE' }));

/** Methods whose request, sent twice, does what it does once (RFC 9110 §9.2.2). */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** How a kept-alive connection the app closed under a request fails: a reset, or closed before any answer. */
function isClosedConnection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/** Whether the request carries a body: undici would otherwise send an empty chunked one. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Where a response keeps the relay writing into it, for the one shared 'close' listener. */
const RELAY = Symbol('gatehouse.sidecar.relay');
type RelayedResponse = ServerResponse & { [RELAY]?: ResponseRelay };

/**
 * The 'close' listener of every relayed response, one function for all: the client leaving
 * mid-answer must free the app's connection too.
 */
function abortIfUnfinished(this: RelayedResponse): void {
  if (!this.writableFinished) this[RELAY]?.clientGone();
}

/**
 * Writes the app's answer into the client's response. undici calls it on its own schedule;
 * backpressure runs through `controller.pause()` and the response's 'drain'. One object per
 * exchange holds everything it needs, so the hot path makes no closures.
 */
export class ResponseRelay implements Dispatcher.DispatchHandler {
  protected readonly res: ServerResponse;
  protected controller: Dispatcher.DispatchController | undefined;
  /** Set once the app's answer has begun: from then on the exchange cannot be started again. */
  protected answered = false;

  constructor(res: ServerResponse) {
    this.res = res;
    (res as RelayedResponse)[RELAY] = this;
    res.on('close', abortIfUnfinished);
  }

  /** Aborts the exchange with the app: its client went away. */
  clientGone(): void {
    this.controller?.abort(CLIENT_GONE);
  }

  /** Answers a failed exchange; the default only cuts the client's connection. */
  failed(_err: unknown): void {
    this.res.destroy();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(CLIENT_GONE);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx: Node already answered the client's Expect: 100-continue; others are informational.
    if (statusCode < 200) return;
    this.answered = true;
    this.res.writeHead(statusCode, clientHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk)) return;
    controller.pause();
    this.res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.failed(err);
  }
}

/** One forwarded request: the relay, and what its failure is answered and logged with. */
class ForwardRelay extends ResponseRelay {
  private readonly original: SidecarOriginal;
  private readonly requestId: string;
  private readonly logger: Logger;
  private readonly pool: Dispatcher;
  private readonly options: Dispatcher.DispatchOptions;
  /** Whether the request may still be sent once more: bodiless, idempotent, not yet sent twice. */
  private replayable: boolean;

  constructor(res: ServerResponse, original: SidecarOriginal, requestId: string, logger: Logger, pool: Dispatcher, options: Dispatcher.DispatchOptions) {
    super(res);
    this.original = original;
    this.requestId = requestId;
    this.logger = logger;
    this.pool = pool;
    this.options = options;
    this.replayable = options.body === null && IDEMPOTENT.has(original.method);
  }

  /** Sends the request to the app. */
  send(): void {
    try {
      this.pool.dispatch(this.options, this);
    } catch (err) {
      // undici refuses some requests outright (a duplicated Content-Length): the client's fault.
      this.replayable = false;
      this.failed(err);
    }
  }

  override failed(err: unknown): void {
    const { res, requestId } = this;
    if (this.replayable && !this.answered && !res.destroyed && isClosedConnection(err)) {
      this.replayable = false;
      this.logger.debug({ requestId, code: (err as { code?: unknown }).code }, 'the app closed a kept-alive connection under the request; sending it once more');
      this.send();
      return;
    }
    // A client that left (or broke off its upload) is not the app's failure. Its request's socket
    // is no guide: undici destroys a request body it could not send, and that drops the socket
    // from the request while the client still waits for the answer.
    const socket = res.socket;
    if (err === CLIENT_GONE || res.destroyed || socket === null || socket.destroyed) {
      this.logger.debug({ requestId }, 'client went away during the exchange');
      res.destroy();
      return;
    }
    answerUpstreamFailure(res, { requestId, method: this.original.method, wantsPage: this.original.wantsPage, err }, this.logger);
  }
}

/** Creates the forwarder over `pool`. */
export function createForward(pool: Dispatcher, logger: Logger): Forward {
  return (req, res, original, headers, requestId) => {
    const body = hasBody(req) ? req : null;
    // No body to stream: let Node finish reading the request so the connection can be reused.
    if (body === null) req.resume();
    new ForwardRelay(res, original, requestId, logger, pool, { path: original.uri, method: original.method, headers, body }).send();
  };
}

/**
 * One proxied exchange with the app over the keep-alive pool, streamed both ways and never
 * buffered: the request body is read from the client only as fast as the app takes it, and the
 * app's answer is paused whenever the client's socket is full, so a 1 GiB upload or download holds
 * a few chunks in memory at a time. A client that goes away aborts the exchange; an app that fails
 * gets 502 or 504 (upstream-failure.ts).
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
  private readonly req: IncomingMessage;
  private readonly original: SidecarOriginal;
  private readonly requestId: string;
  private readonly logger: Logger;

  constructor(req: IncomingMessage, res: ServerResponse, original: SidecarOriginal, requestId: string, logger: Logger) {
    super(res);
    this.req = req;
    this.original = original;
    this.requestId = requestId;
    this.logger = logger;
  }

  override failed(err: unknown): void {
    const { res, requestId } = this;
    // A client that left (or broke off its upload) is not the app's failure.
    if (err === CLIENT_GONE || res.destroyed || this.req.socket.destroyed) {
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
    const relay = new ForwardRelay(req, res, original, requestId, logger);
    const body = hasBody(req) ? req : null;
    // No body to stream: let Node finish reading the request so the connection can be reused.
    if (body === null) req.resume();
    try {
      pool.dispatch({ path: original.uri, method: original.method, headers, body }, relay);
    } catch (err) {
      // undici refuses some requests outright (a duplicated Content-Length): the client's fault.
      relay.failed(err);
    }
  };
}

/**
 * WebSocket upgrades through the sidecar. The upgrade request is checked like any other (the
 * check's answer is written on the client's socket through a ServerResponse bound to it); once
 * allowed it is sent to the app with undici's upgrade, and on the app's 101 the two sockets are
 * joined byte for byte. An app that refuses the upgrade has its answer relayed as it is. Only
 * WebSocket is tunnelled: any other Upgrade reaches the app as a plain request.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../observability/logger.ts';
import { ResponseRelay } from './proxy-exchange.ts';
import type { SidecarOriginal } from './sidecar-request.ts';
import { answerUpstreamFailure, type FailedExchange } from './upstream-failure.ts';
import { clientHeaders } from './upstream-headers.ts';

/** The open tunnels, closed at shutdown. */
export interface Tunnels {
  /** Sends an allowed upgrade to the app; never throws. */
  open(req: IncomingMessage, res: ServerResponse, original: SidecarOriginal, headers: string[], requestId: string): void;
  /** Cuts every open tunnel. */
  closeAll(): void;
}

/** Node's shouldUpgradeCallback: WebSocket only (RFC 6455 §4.1: a GET with Upgrade: websocket). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === 'GET' && typeof req.headers.upgrade === 'string' && req.headers.upgrade.toLowerCase() === 'websocket';
}

/**
 * A response written on an upgrade request's socket, which Node hands over raw: the check's
 * redirects, 401s and pages then go out exactly as for any other request, and the socket closes
 * once they are sent.
 */
export function responseOnSocket(req: IncomingMessage, socket: Socket, head: Buffer): ServerResponse {
  if (head.length > 0) socket.unshift(head);
  // Node took its listeners off the socket: without one, a reset would crash the process.
  socket.on('error', () => socket.destroy());
  const res = new ServerResponse(req);
  res.assignSocket(socket);
  res.shouldKeepAlive = false;
  res.once('finish', () => {
    res.detachSocket(socket);
    socket.end();
  });
  return res;
}

/** The status line and headers of the app's 101, with the upgrade named again (its hop-by-hop headers were dropped). */
function switchingProtocols(headers: Record<string, string | string[] | undefined>, protocol: string): string {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', `Upgrade: ${protocol}`];
  const kept = clientHeaders(headers);
  for (let i = 0; i < kept.length; i += 2) lines.push(`${kept[i]}: ${kept[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Joins the two sockets; either side closing or failing closes both. */
function join(client: Duplex, app: Duplex, tunnels: Set<Duplex>): void {
  tunnels.add(client);
  const close = (): void => {
    tunnels.delete(client);
    client.destroy();
    app.destroy();
  };
  for (const socket of [client, app]) {
    socket.once('error', close);
    socket.once('close', close);
  }
  client.pipe(app);
  app.pipe(client);
}

class UpgradeRelay extends ResponseRelay {
  private readonly client: Socket;
  private readonly protocol: string;
  private readonly tunnels: Set<Duplex>;
  private readonly failure: Omit<FailedExchange, 'err'>;
  private readonly logger: Logger;

  constructor(res: ServerResponse, client: Socket, protocol: string, tunnels: Set<Duplex>, failure: Omit<FailedExchange, 'err'>, logger: Logger) {
    super(res);
    this.client = client;
    this.protocol = protocol;
    this.tunnels = tunnels;
    this.failure = failure;
    this.logger = logger;
  }

  override failed(err: unknown): void {
    if (this.client.destroyed) return;
    answerUpstreamFailure(this.res, { ...this.failure, err }, this.logger);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, _statusCode: number, headers: Record<string, string | string[] | undefined>, socket: Duplex): void {
    // From here the bytes are the app's and the client's: the response object steps aside.
    this.res.detachSocket(this.client);
    if (this.client.destroyed) {
      socket.destroy();
      return;
    }
    this.client.write(switchingProtocols(headers, this.protocol));
    join(this.client, socket, this.tunnels);
  }
}

/** Creates the tunnel maker over `pool`. */
export function createTunnels(pool: Dispatcher, logger: Logger): Tunnels {
  const tunnels = new Set<Duplex>();
  return {
    open(req, res, original, headers, requestId) {
      const client = res.socket;
      if (client === null) return;
      const protocol = String(req.headers.upgrade);
      const relay = new UpgradeRelay(res, client, protocol, tunnels, { requestId, method: original.method, wantsPage: original.wantsPage }, logger);
      try {
        pool.dispatch({ path: original.uri, method: 'GET', headers, upgrade: protocol }, relay);
      } catch (err) {
        relay.failed(err);
      }
    },
    closeAll() {
      for (const socket of tunnels) socket.destroy();
      tunnels.clear();
    },
  };
}

/**
 * Sidecar mode (GATEHOUSE_UPSTREAM): gatehouse in front of one app, on the pod's public port.
 * Every request that is not gatehouse's own runs through the one check pipeline, like a request
 * to /oauth2/forward-auth, and is then proxied to the app on a keep-alive undici pool, WebSocket
 * upgrades included. Paths in `sidecar.skip` reach the app without a check, but never with a
 * client's copy of an identity header.
 */
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Pool } from 'undici';
import type { CheckPipeline } from '../../check/check-pipeline.ts';
import type { SidecarSettings } from '../../config/config.ts';
import type { AppDeps } from '../../deps.ts';
import { requestIdOf } from '../../http/request-id.ts';
import { REASONS } from '../../policy/reasons.ts';
import { writeRefusal } from '../proxy-adapter.ts';
import { serveCheck } from '../serve-check.ts';
import { matchesExactly } from './path-rule.ts';
import { createForward, type Forward } from './proxy-exchange.ts';
import { skipsCheck } from './route-table.ts';
import { createSidecarAdapter, type SidecarParts } from './sidecar-adapter.ts';
import { createRequestDescriber } from './sidecar-request.ts';
import { clientTimeouts, poolOptions } from './timeouts.ts';
import { createTunnels, isWebSocketUpgrade, responseOnSocket } from './upgrade-tunnel.ts';
import { createUpstreamHeaders } from './upstream-headers.ts';

/** The sidecar's listeners and its part of the main server's options. */
export interface Sidecar {
  /** Serves a request that is not for gatehouse itself. */
  readonly request: (req: IncomingMessage, res: ServerResponse) => void;
  /** The main server's 'upgrade' listener. */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Client timeouts, and which upgrades reach `upgrade` (the others are plain requests). */
  readonly serverOptions: ServerOptions;
  /** Cuts open tunnels and closes the pool to the app. */
  close(): Promise<void>;
}

/**
 * The request's id, written back into its headers: the check log, gatehouse's pages and the app
 * (as X-Request-ID) then all name the same one, including when gatehouse made it up.
 */
function stampRequestId(req: IncomingMessage): string {
  const id = requestIdOf(req);
  req.headers['x-request-id'] = id;
  return id;
}

/** Creates the sidecar once per process. */
export function createSidecar(deps: AppDeps, settings: SidecarSettings, pipeline: CheckPipeline): Sidecar {
  const { logger, config } = deps;
  const { routes } = settings;
  const pool = new Pool(settings.upstream.origin, poolOptions(settings));
  const parts: SidecarParts = {
    routes,
    describe: createRequestDescriber(config),
    headersFor: createUpstreamHeaders(config, () => deps.identity.current()),
  };
  // With tracing on, the app's requests carry the check's trace context instead of the client's.
  const upstream = deps.tracing ? deps.tracing.outbound(pool, 'upstream') : pool;
  const forward = createForward(upstream, logger);
  const tunnels = createTunnels(upstream, logger);
  const checked = serveCheck(deps, createSidecarAdapter(deps, parts, forward), pipeline);
  const checkedUpgrade = serveCheck(deps, createSidecarAdapter(deps, parts, tunnels.open), pipeline);

  /**
   * Passes a request on the skip list without a check. Its path as sent is matched first (cheap,
   * and what most requests fail); only then is it read in full and its normalised path matched too.
   * @returns false when the request is not skipped
   */
  const passSkipped = (req: IncomingMessage, res: ServerResponse, requestId: string, pass: Forward): boolean => {
    if (routes.skip.length === 0) return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const rawPath = query === -1 ? url : url.slice(0, query);
    if (!routes.skip.some((rule) => matchesExactly(rule, rawPath))) return false;
    const described = parts.describe(req);
    if (!described.ok) {
      writeRefusal({ refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail: described.problem }, res);
      return true;
    }
    const original = described.value;
    if (!skipsCheck(routes, original.rawPath, original.path)) return false;
    pass(req, res, original, parts.headersFor(req, original, [], requestId), requestId);
    return true;
  };

  logger.info(
    { upstream: settings.upstream.origin, routes: routes.routes.map((r) => `${r.methods.join(',') || '*'} ${r.path.source} ${r.policy || '(signed in)'}`), skip: routes.skip.map((r) => r.source) },
    routes.skip.length > 0 ? 'sidecar mode: the skip paths reach the app without a check' : 'sidecar mode',
  );

  return {
    request(req, res) {
      const requestId = stampRequestId(req);
      if (!passSkipped(req, res, requestId, forward)) checked(req, res);
    },
    upgrade(req, socket, head) {
      // Node hands over the raw net.Socket of the connection.
      const res = responseOnSocket(req, socket as Socket, head);
      const requestId = stampRequestId(req);
      if (!passSkipped(req, res, requestId, tunnels.open)) checkedUpgrade(req, res);
    },
    serverOptions: { ...clientTimeouts(settings), shouldUpgradeCallback: isWebSocketUpgrade },
    async close() {
      tunnels.closeAll();
      await pool.close();
    },
  };
}

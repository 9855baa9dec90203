/**
 * A stand-in for Elasticsearch's security API — not Elasticsearch; it answers the documented
 * security API the way Elastic documents it. No Elasticsearch can run where the tests run, so
 * the backend is tested against this loopback HTTP(S) server: admin Basic auth (401 with
 * Elastic's error body), get and create-or-update users (200 `{"created": …}`, 400 for
 * reserved, internal and anonymous users, 404 `{}` for unknown ones), enable/disable,
 * `_authenticate` for any user's password, the `X-Elastic-Product` header the official client
 * requires, and faults (a 5xx, a delay beyond the client's timeout) switched on by the test.
 * With an OpenID Connect realm added, it also serves the facilitator APIs (oidc-api.ts,
 * oidc-realm.ts) and takes the access tokens they issue as `Authorization: Bearer`.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RoleDefinitions } from './oidc-api.ts';
import { OidcRealms } from './oidc-realm.ts';
import type { StandInOidcRealm } from './oidc-realm-settings.ts';
import { basicCredentials } from './requests.ts';
import { authenticationError, errorBody, negotiate, sendJson, WWW_AUTHENTICATE } from './responses.ts';
import { createCallerLookup } from './stand-in-callers.ts';
import { FaultSwitch, type StandInFault } from './stand-in-faults.ts';
import { routeRequest, type StandInState } from './stand-in-routes.ts';
import { bearerRefused, TokenService } from './token-service.ts';
import type { Answer } from './user-api.ts';
import { UserTable, type SeedUser, type StandInUser } from './user-table.ts';

/** Options of {@link startElasticsearchStandIn}. */
export interface ElasticsearchStandInOptions {
  /** The admin user of the file realm; `superuser` unless other roles are given (no manage_security then). */
  readonly admin?: { readonly username: string; readonly password: string; readonly roles?: readonly string[] };
  /** The major version answered as; it accepts `compatible-with` N and N-1. Default 9. */
  readonly major?: number;
  /** `xpack.security.authc.anonymous.username`: such a user cannot be written (400). */
  readonly anonymousUsername?: string;
  /** Native users present from the start, e.g. a human user gatehouse did not create. */
  readonly users?: readonly SeedUser[];
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Cluster privileges of roles other than superuser, e.g. `{ facilitator: ['manage_oidc', 'manage_token'] }`. */
  readonly roles?: RoleDefinitions;
  /** `xpack.security.authc.token.timeout` in seconds: the access tokens' expires_in. Default 1200. */
  readonly tokenLifetimeSeconds?: number;
}

/** One request as the stand-in saw it. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** The authenticated user, if any. */
  readonly user: string | undefined;
  readonly status: number;
  /**
   * The W3C traceparent header the request carried: Elasticsearch reads it to continue the
   * caller's trace in its own tracing and logs (elastic/elasticsearch#74210, TRACING.md).
   */
  readonly traceparent: string | undefined;
}

/** A running stand-in. */
export interface ElasticsearchStandIn {
  readonly url: string;
  readonly admin: { readonly username: string; readonly password: string };
  /** The user as get-users shows it (never a password). */
  user(username: string): StandInUser | undefined;
  /** Successful create-or-update calls for `username` so far. */
  upserts(username: string): number;
  readonly requestLog: readonly LoggedRequest[];
  /** Answers `_authenticate` as Elasticsearch would for a request carrying `authorization` (Basic or Bearer). */
  authenticate(authorization: string): boolean;
  /** Adds an OpenID Connect realm (it discovers its provider on first use). */
  addOidcRealm(realm: StandInOidcRealm): void;
  /** Why OpenID Connect authentications failed, as Elasticsearch would log it. */
  readonly oidcFailures: readonly string[];
  setFault(fault: StandInFault | undefined): void;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port. */
export async function startElasticsearchStandIn(options: ElasticsearchStandInOptions = {}): Promise<ElasticsearchStandIn> {
  const major = options.major ?? 9;
  const admin = { username: 'gatehouse-admin', password: 'admin-password', roles: ['superuser'], ...options.admin };
  const table = new UserTable(options.anonymousUsername);
  for (const seed of options.users ?? []) table.seed(seed);
  const requestLog: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const tokens = new TokenService(options.tokenLifetimeSeconds ?? 1200);
  const state: StandInState = { major, table, upserts: new Map(), realms: new OidcRealms(tokens), tokens, roles: options.roles ?? {} };
  const whoIs = createCallerLookup(admin, table, tokens);
  const faults = new FaultSwitch();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const negotiated = negotiate(req, major);
    const log = (status: number, user?: string): void => {
      requestLog.push({ method: req.method ?? 'GET', path: decodeURIComponent(path), user, status, traceparent: [req.headers.traceparent].flat()[0] });
    };
    if ('problem' in negotiated) {
      log(400);
      return sendJson(res, 400, negotiated.problem);
    }
    const who = whoIs(req.headers.authorization);
    if (who === 'expired' || who === 'malformed') {
      log(401);
      const refused = bearerRefused(who);
      return sendJson(res, 401, refused.body, negotiated.contentType, { 'WWW-Authenticate': refused.wwwAuthenticate });
    }
    if (!who) {
      log(401);
      const name = basicCredentials(req.headers.authorization)?.username;
      return sendJson(res, 401, authenticationError(path, name), negotiated.contentType, { 'WWW-Authenticate': WWW_AUTHENTICATE });
    }
    const injected = faults.take(req.method ?? 'GET', path);
    if (injected?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => timers.delete(timer) && resolve(), injected.ms);
        timers.add(timer);
      });
    }
    const answer: Answer =
      injected?.kind === 'status'
        ? { status: injected.status, body: errorBody(injected.status, 'stand_in_fault', `injected status ${injected.status}`) }
        : await routeRequest(state, req, path, who);
    log(answer.status, who.user.username);
    if (res.destroyed) return;
    if (req.method === 'HEAD') {
      res.writeHead(answer.status, { 'X-Elastic-Product': 'Elasticsearch', 'Content-Type': negotiated.contentType });
      return void res.end();
    }
    sendJson(res, answer.status, answer.body, negotiated.contentType);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, 'exception', String(error)));
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createHttpsServer({ ...options.tls }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    admin: { username: admin.username, password: admin.password },
    user: (username) => table.get(username),
    upserts: (username) => state.upserts.get(username) ?? 0,
    requestLog,
    authenticate: (authorization) => typeof whoIs(authorization) === 'object',
    addOidcRealm: (realm) => state.realms.add(realm),
    oidcFailures: state.realms.failures,
    setFault: (fault) => faults.set(fault),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

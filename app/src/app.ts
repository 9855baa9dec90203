/**
 * The whole request pipeline, top to bottom. The proxy endpoints (/oauth2/auth, the hot path;
 * /oauth2/forward-auth; /oauth2/ext-authz/*) are dispatched before Express, each an adapter over
 * the one check pipeline: Express's routing and response helpers cost more than the check itself.
 * Everything else goes through Express in the order below.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from './deps.ts';
import { AppError } from './errors.ts';
import { createDenialNotes, noteDenials } from './http/denial-notes.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { SECURITY_HEADERS } from './http/html-page.ts';
import { requestIdOf } from './http/request-id.ts';
import { ROUTES } from './http/routes.ts';
import { createCheckPipeline } from './check/check-pipeline.ts';
import { AUTH_ROUTE_PREFIX, createAuthRequestAdapter } from './proxies/auth-request/auth-request-adapter.ts';
import { isExtAuthzPath } from './proxies/ext-authz/ext-authz-path.ts';
import { createExtAuthzAdapter } from './proxies/ext-authz/ext-authz-adapter.ts';
import { createForwardAuthAdapter } from './proxies/forward-auth/forward-auth-adapter.ts';
import { serveCheck } from './proxies/serve-check.ts';
import { createSidecar, type Sidecar } from './proxies/sidecar/create-sidecar.ts';
import { createBackchannelLogoutRoute } from './routes/backchannel-logout.ts';
import { createErrorPageRoute } from './routes/error-page.ts';
import { createHealthRoutes } from './routes/health.ts';
import { createJwksRoute } from './routes/jwks.ts';
import { createRealmSignInRoutes } from './routes/realm-sign-in.ts';
import { createRealmSignOutRoute } from './routes/realm-sign-out.ts';
import { createSignInRoutes } from './routes/sign-in.ts';
import { createSignInRateLimit } from './routes/sign-in-rate-limit.ts';
import { createSignOutRoutes } from './routes/sign-out.ts';
import { createUserinfoRoute } from './routes/userinfo.ts';

/** Whether `url` is exactly `path`, with or without a query. */
function isPath(url: string, path: string): boolean {
  return url === path || (url.startsWith(path) && url.charAt(path.length) === '?');
}

/** In sidecar mode, the paths gatehouse answers itself; every other path is the app's. */
function isOwnPath(url: string): boolean {
  return url.startsWith('/oauth2/') || isPath(url, '/oauth2') || isPath(url, ROUTES.healthz) || isPath(url, ROUTES.readyz);
}

/** The main port's request listener; in sidecar mode it carries the sidecar (upgrades, server options, shutdown). */
export type MainListener = RequestListener & { readonly sidecar?: Sidecar };

/** Builds the main port's request listener. */
export function buildApp(deps: AppDeps): MainListener {
  const pipeline = createCheckPipeline(deps);
  const sidecar = deps.config.sidecar ? createSidecar(deps, deps.config.sidecar, pipeline) : undefined;
  // ingress-nginx asks for the denied page in a second request: the check leaves a note for it.
  const denialNotes = createDenialNotes();
  const authRequestAdapter = createAuthRequestAdapter(deps);
  const authRequest = serveCheck(deps, deps.config.showDenialDetails ? noteDenials(authRequestAdapter, denialNotes) : authRequestAdapter, pipeline);
  const forwardAuth = serveCheck(deps, createForwardAuthAdapter(deps), pipeline);
  const extAuthz = serveCheck(deps, createExtAuthzAdapter(deps), pipeline);
  const health = createHealthRoutes(deps);
  const { metrics, config } = deps;
  // In sidecar mode the app fetches the assertion keys from gatehouse's own port.
  const ownsJwks = deps.assertionKeys !== undefined;

  const web = express();
  web.disable('x-powered-by');
  web.set('etag', false);
  web.set('query parser', false);

  // Pre-route: request id, then metrics on finish (probes included, so a flapping probe is visible).
  web.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = requestIdOf(req);
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const endpoint = req.route ? String(req.route.path) : 'other';
      end({ endpoint });
      metrics.httpRequests.inc({ endpoint, code: res.statusCode });
    });
    next();
  });

  // Probes first: they must answer even when everything behind them is unwell.
  web.get(ROUTES.healthz, health.healthz);
  web.get(ROUTES.readyz, health.readyz);
  // Public keys, cacheable for a minute: before the no-store pages below.
  if (deps.assertionKeys) web.get(ROUTES.jwks, createJwksRoute(deps.assertionKeys));
  // Traced from here on (tracing on): the probes would only bury the sign-ins in spans.
  if (deps.tracing) web.use(deps.tracing.pages);

  // Sign-in pages are per user and must never be cached by a proxy, framed or sniffed.
  web.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  // Browser sessions exist only with the login provider; the others answer these paths with 404.
  if (config.login) {
    // Sign-in through Elasticsearch's OpenID Connect realm replaces gatehouse's own relying party.
    const realm = deps.backends.elasticsearchOidc;
    const signIn = realm ? createRealmSignInRoutes(deps, config.login, realm) : createSignInRoutes(deps, config.login);
    const signOut = createSignOutRoutes(deps, config.login);
    // Each client's sign-in requests are counted before the route: one over its limit starts nothing.
    const limited = createSignInRateLimit(deps);
    web.get(ROUTES.start, limited('start', ROUTES.start), signIn.start);
    web.get(ROUTES.callback, limited('callback', ROUTES.callback), signIn.callback);
    web.get(ROUTES.signOut, realm ? createRealmSignOutRoute(deps, realm) : signOut.signOut);
    web.get(ROUTES.signedOut, signOut.signedOut);
    web.get(ROUTES.userinfo, createUserinfoRoute(deps));
    web.post(ROUTES.backchannelLogout, express.urlencoded({ extended: false, limit: '32kb' }), createBackchannelLogoutRoute(deps));
  }

  // ingress-nginx's custom error pages (X-Code), for every provider; without X-Code, the 404 below.
  const errorPage = createErrorPageRoute(deps, denialNotes);
  web.all(ROUTES.errorPage, errorPage);
  web.all(ROUTES.errorPageRoot, errorPage);

  web.use((req: Request) => {
    throw new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });
  web.use(createErrorHandler(deps.logger));

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    if (isPath(url, ROUTES.auth) || url.startsWith(AUTH_ROUTE_PREFIX)) authRequest(req, res);
    // forward-auth is a GET (Traefik and Caddy send nothing else); ext-authz takes any method.
    else if (isPath(url, ROUTES.forwardAuth) && (req.method === 'GET' || req.method === 'HEAD')) forwardAuth(req, res);
    else if (isExtAuthzPath(url)) extAuthz(req, res);
    // Every proxy endpoint is under /oauth2/, so asking here leaves the hot path as it is.
    else if (sidecar && !isOwnPath(url) && !(ownsJwks && isPath(url, ROUTES.jwks))) sidecar.request(req, res);
    else web(req, res);
  };
  return sidecar ? Object.assign(listener, { sidecar }) : listener;
}

/** Builds the metrics port's listener: /metrics and nothing else. */
export function buildMetricsApp(deps: Pick<AppDeps, 'metrics' | 'logger'>): RequestListener {
  return (req, res) => {
    if (req.method !== 'GET' || (req.url !== ROUTES.metrics && !req.url?.startsWith(`${ROUTES.metrics}?`))) {
      res.statusCode = 404;
      res.end('not found\n');
      return;
    }
    deps.metrics.scrape().then(
      (body) => {
        res.setHeader('Content-Type', deps.metrics.registry.contentType);
        res.end(body);
      },
      (err: unknown) => {
        deps.logger.error({ err: (err as Error).message }, 'metrics collection failed');
        res.statusCode = 500;
        res.end();
      },
    );
  };
}

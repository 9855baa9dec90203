/**
 * A Caddyfile for Caddy in front of gatehouse with `forward_auth`, mirroring the routes of the
 * nginx stack: gatehouse's own /oauth2/* pages unprotected, every other path checked with its
 * route policy in the check's query before it is proxied to the app.
 * @see https://caddyserver.com/docs/caddyfile/directives/forward_auth
 */
import { DEFAULT_AUTH_RESPONSE_HEADERS, DEFAULT_INGRESSES } from '../nginx/ingresses.ts';

/** One protected path of the app and the policy gatehouse applies to it. */
export interface CaddyRoute {
  /** A path prefix as in an Ingress (pathType Prefix): `/admin` covers `/admin` and `/admin/…`. */
  path: string;
  /** Appended to `/oauth2/forward-auth`, e.g. `?allowed_groups=admins`; '' for none. */
  authQuery: string;
}

/** The nginx stack's Ingresses as Caddy routes: same paths, same policies. */
export const DEFAULT_CADDY_ROUTES: readonly CaddyRoute[] = Object.freeze(
  DEFAULT_INGRESSES.map(({ path, authQuery }) => ({ path, authQuery })),
);

/** What the Caddyfile is rendered from. */
export interface CaddyfileOptions {
  /** Listens on http://localhost:<port>, bound to 127.0.0.1 only. */
  port: number;
  /** gatehouse replicas on 127.0.0.1; Caddy balances the checks and the /oauth2 pages over them. */
  gatehousePorts: readonly number[];
  /** The echo app on 127.0.0.1. */
  upstreamPort: number;
  /** Caddy's storage (certificates, locks, instance id): a directory the caller removes. */
  storageDir: string;
  /** Default {@link DEFAULT_CADDY_ROUTES}. */
  routes?: readonly CaddyRoute[];
  /** Answer headers of a 200 copied onto the request to the app; default as the nginx stack. */
  responseHeaders?: readonly string[];
}

// The renderer writes values into the Caddyfile unquoted: refuse anything that could be read as
// a placeholder ({…}), a block, a comment or a second token.
const SAFE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
const SAFE_QUERY = /^(\?[A-Za-z0-9._~\-=&,%@+]*)?$/;
const SAFE_HEADER = /^[A-Za-z0-9-]+$/;
const SAFE_DIR = /^\/[A-Za-z0-9._\-/]+$/;

function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`${what} cannot be written into a Caddyfile: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Renders the Caddyfile. Routes are written longest path first, so that `/admin` is chosen over
 * `/`; the route for `/` (or, without one, a plain 404) catches everything else.
 *
 * @throws when a path, query, header name or directory holds characters the Caddyfile would
 * interpret.
 */
export function renderCaddyfile(options: CaddyfileOptions): string {
  const routes = [...(options.routes ?? DEFAULT_CADDY_ROUTES)].sort((a, b) => b.path.length - a.path.length);
  const headers = (options.responseHeaders ?? DEFAULT_AUTH_RESPONSE_HEADERS).map((h) => checked(h, SAFE_HEADER, 'header name'));
  if (options.gatehousePorts.length === 0) throw new Error('at least one gatehouse port is needed');
  const gatehouse = options.gatehousePorts.map((p) => `127.0.0.1:${p}`).join(' ');
  const app = `127.0.0.1:${options.upstreamPort}`;
  // Authorization stays: the check must see a client's Bearer token; copy_headers then replaces it.
  const identity = headers.filter((h) => h.toLowerCase() !== 'authorization');

  const protectedBlock = (route: CaddyRoute): string[] => [
    '\t\troute {',
    // Removed before the check: Caddy 2.6.2 overwrites every copied header, but a release that
    // copies only those the answer has would let a client's own X-Auth-Request-Email reach the
    // app for a user without an email.
    ...identity.map((h) => `\t\t\trequest_header -${h}`),
    `\t\t\tforward_auth ${gatehouse} {`,
    // Caddy's rewrite keeps the client's query when the uri has none, and gatehouse would then take
    // the client's ?a=1 for the route policy: a lone "?" replaces it with nothing.
    `\t\t\t\turi /oauth2/forward-auth${checked(route.authQuery, SAFE_QUERY, 'auth query') || '?'}`,
    `\t\t\t\tcopy_headers ${headers.join(' ')}`,
    '\t\t\t}',
    ...headers.map((h, j) => `\t\t\trequest_header @unanswered${j} -${h}`),
    `\t\t\treverse_proxy ${app}`,
    '\t\t}',
  ];

  const site: string[] = [
    '\tbind 127.0.0.1',
    '',
    // Caddy 2.6.2 sets a copied header the answer lacks to the placeholder's own text; these
    // match it, so that such a header is removed (as nginx does) instead of reaching the app.
    ...headers.map((h, j) => `\t@unanswered${j} header_regexp ${h} ^\\{http\\.reverse_proxy\\.header\\.`),
    '',
    '\t# gatehouse\'s own pages: signing in must not need a session.',
    '\thandle /oauth2/* {',
    `\t\treverse_proxy ${gatehouse}`,
    '\t}',
  ];
  let fallback: string[] = ['\t\trespond 404'];
  for (const [i, route] of routes.entries()) {
    const path = checked(route.path, SAFE_PATH, 'route path');
    if (path === '/') {
      fallback = protectedBlock(route);
      continue;
    }
    const prefix = path.replace(/\/+$/, '');
    site.push('', `\t@route${i} path ${prefix} ${prefix}/*`, `\thandle @route${i} {`, ...protectedBlock(route), '\t}');
  }
  site.push('', '\thandle {', ...fallback, '\t}');

  return [
    '{',
    // No admin endpoint to reach, no certificates to obtain, nothing stored outside storageDir.
    '\tadmin off',
    '\tauto_https off',
    `\tstorage file_system ${checked(options.storageDir, SAFE_DIR, 'storage directory')}`,
    // A browser's idle keep-alive connection must not hold up the stop for long.
    '\tgrace_period 2s',
    '}',
    '',
    `http://localhost:${options.port} {`,
    ...site,
    '}',
    '',
  ].join('\n');
}

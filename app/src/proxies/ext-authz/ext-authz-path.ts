/**
 * The paths of Envoy's HTTP ext_authz: Envoy (and Envoy Gateway, Istio, kgateway and the Gateway
 * API ExternalAuth filter) appends the original path and query to a configured prefix. Two
 * prefixes are served:
 * - `/oauth2/ext-authz` + original path: signed in is enough;
 * - `/oauth2/ext-authz-route/<route query>` + original path: the route query is exactly what
 *   /oauth2/auth takes after "?" (`allowed_groups=admins&backend=elasticsearch`, `policy=<name>`).
 * A prefix of its own for the route form means the app's first path segment is never mistaken
 * for a policy, and one query language serves every proxy family.
 */

/** The prefix of the plain form. */
export const EXT_AUTHZ_PREFIX = '/oauth2/ext-authz';
/** The prefix of the form carrying a route policy. */
export const EXT_AUTHZ_ROUTE_PREFIX = '/oauth2/ext-authz-route/';

/** The route query and the original request URI, or why the path is neither form. */
export type ExtAuthzPath = { readonly ok: true; readonly routeQuery: string; readonly uri: string } | { readonly ok: false; readonly problem: string };

/** Whether `url` is one of the ext-authz paths (and not, say, `/oauth2/ext-authzx`). */
export function isExtAuthzPath(url: string): boolean {
  if (!url.startsWith(EXT_AUTHZ_PREFIX)) return false;
  const next = url.charAt(EXT_AUTHZ_PREFIX.length);
  return next === '' || next === '/' || next === '?' || url.startsWith(EXT_AUTHZ_ROUTE_PREFIX);
}

/** Splits an ext-authz request path; never throws. */
export function parseExtAuthzPath(url: string): ExtAuthzPath {
  if (url.startsWith(EXT_AUTHZ_ROUTE_PREFIX)) {
    const rest = url.slice(EXT_AUTHZ_ROUTE_PREFIX.length);
    const slash = rest.indexOf('/');
    const question = rest.indexOf('?');
    if (slash <= 0 || (question !== -1 && question < slash)) {
      return { ok: false, problem: 'an ext-authz-route path needs a route query and then the original path: /oauth2/ext-authz-route/<query>/<path>' };
    }
    return { ok: true, routeQuery: rest.slice(0, slash), uri: rest.slice(slash) };
  }
  const rest = url.slice(EXT_AUTHZ_PREFIX.length);
  // The original path always starts with "/"; a bare prefix is the root (Envoy sends "/" as "").
  const uri = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
  return { ok: true, routeQuery: '', uri };
}

/**
 * One protected Ingress: a path of the app host with the external-auth annotations
 * `auth-url`, `auth-signin` and `auth-response-headers`.
 */
export interface ProtectedIngress {
  /** The Ingress object's name (only used in comments of the rendered config). */
  name: string;
  /** The path (pathType Prefix). */
  path: string;
  /** Appended to the auth-url path `/oauth2/auth`, e.g. `?allowed_groups=admins`; '' for none. */
  authQuery: string;
  /**
   * The auth-signin form: `relative-rd` is `…/oauth2/start?rd=$escaped_request_uri`, `absolute-rd`
   * leaves rd out so that ingress-nginx appends an absolute URL, `none` has no auth-signin at
   * all (the 401 reaches the client).
   */
  signin: 'relative-rd' | 'absolute-rd' | 'none';
  /** The `auth-always-set-cookie` annotation. */
  alwaysSetCookie?: boolean;
  /**
   * The `custom-http-errors` annotation, with `default-backend` naming gatehouse's Service: nginx
   * asks gatehouse for the page of these statuses (the denied page for 403).
   */
  customHttpErrors?: readonly number[];
  /**
   * The `auth-keepalive` annotation: the auth subrequest goes over kept-alive HTTP/1.1 connections
   * (Connection cleared) instead of a new connection per request, ingress-nginx's default.
   */
  authKeepalive?: boolean;
}

/** The Ingresses of the local stack: the demo app's paths, each protected its own way. */
export const DEFAULT_INGRESSES: readonly ProtectedIngress[] = Object.freeze([
  { name: 'app', path: '/', authQuery: '', signin: 'relative-rd', customHttpErrors: [403] },
  { name: 'app-admin', path: '/admin', authQuery: '?allowed_groups=admins', signin: 'relative-rd', customHttpErrors: [403] },
  { name: 'app-abs-rd', path: '/abs-rd', authQuery: '', signin: 'absolute-rd' },
  { name: 'app-api', path: '/api', authQuery: '', signin: 'none', alwaysSetCookie: true },
]);

/** Response headers of the auth answer copied onto the proxied request. */
export const DEFAULT_AUTH_RESPONSE_HEADERS: readonly string[] = Object.freeze([
  'X-Auth-Request-User',
  'X-Auth-Request-Email',
  'X-Auth-Request-Groups',
  'X-Auth-Request-Preferred-Username',
  'Authorization',
]);

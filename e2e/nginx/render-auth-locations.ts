/**
 * The locations of ingress-nginx's external auth: the internal location of the auth subrequest
 * (`auth-url`) and the named location a 401 jumps to (`auth-signin`), as nginx.tmpl writes them.
 */
import { createHash } from 'node:crypto';
import type { ProtectedIngress } from './ingresses.ts';
import { authTlsHeaders, type LocationContext } from './location-context.ts';

/** ingress-nginx names the auth location `/_external-auth-<base64url(path)>-<pathType>`. */
export function authLocationPath(path: string): string {
  return `/_external-auth-${Buffer.from(path).toString('base64url')}-Prefix`;
}

/** The auth-signin URL as the Ingress annotation would carry it. */
export function signinUrl(ingress: ProtectedIngress, ctx: LocationContext): string {
  const base = `http://$host:${ctx.listenPort}/oauth2/start`;
  return ingress.signin === 'relative-rd' ? `${base}?rd=$escaped_request_uri` : base;
}

/** The internal location that makes the auth subrequest (`auth-url`). */
export function renderAuthLocation(ingress: ProtectedIngress, ctx: LocationContext): string {
  const target = `http://${ctx.authUpstream}/oauth2/auth${ingress.authQuery}`;
  // Since CVE-2026-24513 the auth subrequest never goes through a custom error page.
  const interceptErrors = ctx.authInterceptErrorsOff === false ? '' : '            proxy_intercept_errors      off;\n';
  return `
        location = ${authLocationPath(ingress.path)} {
            internal;
            access_log off;
            set $proxy_upstream_name "default-${ingress.name}-80";

${interceptErrors}            proxy_pass_request_body     off;
            proxy_set_header            Content-Length          "";
            proxy_set_header            X-Forwarded-Proto       "";
            proxy_set_header            X-Request-ID            $req_id;
            # Host is the auth-url's host name, without a port
            proxy_set_header            Host                    ${ctx.authUpstream};
            proxy_set_header            X-Original-URL          $scheme://$http_host$request_uri;
            proxy_set_header            X-Original-Method       $request_method;
            proxy_set_header            X-Sent-From             "nginx-ingress-controller";
            proxy_set_header            X-Real-IP               $remote_addr;
            proxy_set_header            X-Forwarded-For         $remote_addr;
            proxy_set_header            X-Auth-Request-Redirect $request_uri;
${authTlsHeaders(ctx)}
            proxy_buffering             off;
            proxy_buffer_size           4k;
            proxy_buffers               4 4k;
            proxy_request_buffering     on;
            proxy_ssl_server_name       on;
            proxy_pass_request_headers  on;
            client_max_body_size        1m;

            proxy_http_version 1.1;
${ingress.authKeepalive === true ? '            proxy_set_header Connection "";\n' : ''}            # a variable keeps the query exactly as written; the host names the upstream block
            set $target "${target}";
            proxy_pass $target;
        }
`;
}

/** The named location that `error_page 401` jumps to (`auth-signin`); '' without auth-signin. */
export function renderSigninLocation(ingress: ProtectedIngress, ctx: LocationContext): string {
  if (ingress.signin === 'none') return '';
  const url = signinUrl(ingress, ctx);
  // Without an rd of its own, ingress-nginx appends the original URL, absolute.
  const redirect = ingress.signin === 'absolute-rd' ? `${url}?rd=$pass_access_scheme://$http_host$escaped_request_uri` : url;
  return `
        location @${signinLocationName(ingress, ctx)} {
            internal;
            add_header Set-Cookie $auth_cookie;
            return 302 ${redirect};
        }
`;
}

/** The name of an Ingress path's `auth-signin` location, as ingress-nginx derives it. */
export function signinLocationName(ingress: ProtectedIngress, ctx: LocationContext): string {
  return createHash('sha1').update(ingress.path + signinUrl(ingress, ctx)).digest('hex');
}

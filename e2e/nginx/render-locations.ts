import { createHash } from 'node:crypto';
import type { ProtectedIngress } from './ingresses.ts';

/** What the location renderers need to know about the surrounding config. */
export interface LocationContext {
  /** The port of the listener, used in the auth-signin URL as an Ingress author writes it. */
  listenPort: number;
  /** Name of the `upstream` block of the auth service (also its Service host name). */
  authUpstream: string;
  /** Name of the `upstream` block of the protected app. */
  appUpstream: string;
  responseHeaders: readonly string[];
  /**
   * false renders the auth location as ingress-nginx did before v1.13.7/v1.14.3/v1.15.0: without
   * `proxy_intercept_errors off`, so a global custom error page also answers the auth subrequest
   * (CVE-2026-24513). Default true, as every release since.
   */
  authInterceptErrorsOff?: boolean;
  /**
   * The server's `auth-tls-secret` (and `auth-tls-pass-certificate-to-upstream` when
   * `passCertificate`): nginx.tmpl then sets the client-certificate headers on the auth subrequest
   * and on every proxied request of the server.
   */
  authTls?: { readonly passCertificate: boolean };
}

/** nginx.tmpl's "Pass the extracted client certificate" lines, indented for a location; '' without auth-tls. */
export function authTlsHeaders(ctx: LocationContext): string {
  if (!ctx.authTls) return '';
  const cert = ctx.authTls.passCertificate ? '            proxy_set_header ssl-client-cert        $ssl_client_escaped_cert;\n' : '';
  return `${cert}            proxy_set_header ssl-client-verify      $ssl_client_verify;
            proxy_set_header ssl-client-subject-dn  $ssl_client_s_dn;
            proxy_set_header ssl-client-issuer-dn   $ssl_client_i_dn;
`;
}

/** The upstream name ingress-nginx gives a `default-backend` annotation's Service (here gatehouse's). */
export const GATEHOUSE_DEFAULT_BACKEND = 'custom-default-backend-default-gatehouse';

/** The upstream of the ConfigMap's default backend (`default-backend-service`). */
export const GLOBAL_DEFAULT_BACKEND = 'upstream-default-backend';

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

/** The public location of a protected path. */
export function renderProtectedLocation(ingress: ProtectedIngress, ctx: LocationContext): string {
  const copies = ctx.responseHeaders
    .map((name, i) => {
      const variable = `$upstream_http_${name.toLowerCase().replaceAll('-', '_')}`;
      return `            auth_request_set $authHeader${i} ${variable};\n            proxy_set_header '${name}' $authHeader${i};`;
    })
    .join('\n');
  const signin =
    ingress.signin === 'none'
      ? ''
      : `            set_escape_uri $escaped_request_uri $request_uri;
            error_page 401 = @${signinLocationName(ingress, ctx)};
`;
  const customErrors =
    ingress.customHttpErrors === undefined || ingress.customHttpErrors.length === 0
      ? ''
      : `            # custom-http-errors with default-backend: gatehouse answers these statuses' pages
            proxy_intercept_errors on;
${ingress.customHttpErrors.map((code) => `            error_page ${code} = @custom_${GATEHOUSE_DEFAULT_BACKEND}_${code};`).join('\n')}
`;
  return `
        location "${ingress.path}" {
            set $namespace      "default";
            set $ingress_name   "${ingress.name}";
            set $service_name   "app";
            set $service_port   "80";
${passVariables(`default-${ingress.name}-80`)}
            auth_request        ${authLocationPath(ingress.path)};
            auth_request_set    $auth_cookie $upstream_http_set_cookie;
            add_header          Set-Cookie $auth_cookie${ingress.alwaysSetCookie === true ? ' always' : ''};
${copies}

${signin}${customErrors}${authTlsHeaders(ctx)}${proxyToUpstream(ctx.appUpstream)}
        }
`;
}

/**
 * ingress-nginx's CUSTOM_ERRORS locations for one default backend: the original request, rewritten
 * to "/", with the status in X-Code and where it came from; the client's own headers (its Cookie
 * too) pass as they are. The backend's status is what the client gets (`error_page … =`).
 */
export function renderCustomErrorLocations(upstream: string, codes: readonly number[]): string {
  return codes
    .map(
      (code) => `
        location @custom_${upstream}_${code} {
            internal;

            proxy_intercept_errors off;

            proxy_set_header       X-Code             ${code};
            proxy_set_header       X-Format           $http_accept;
            proxy_set_header       X-Original-URI     $request_uri;
            proxy_set_header       X-Namespace        $namespace;
            proxy_set_header       X-Ingress-Name     $ingress_name;
            proxy_set_header       X-Service-Name     $service_name;
            proxy_set_header       X-Service-Port     $service_port;
            proxy_set_header       X-Request-ID       $req_id;
            proxy_set_header       Host               $best_http_host;

            set $proxy_upstream_name "${upstream}";

            rewrite                (.*) / break;

            proxy_pass            http://${upstream};
        }
`,
    )
    .join('');
}

/** The location of an Ingress path without auth annotations: proxied to the app as it comes. */
export function renderOpenLocation(path: string, ctx: LocationContext): string {
  return `
        location "${path}" {
            set $ingress_name "app-open";
${passVariables('default-app-open-80')}
${authTlsHeaders(ctx)}${proxyToUpstream(ctx.appUpstream)}
        }
`;
}

/** The auth service's own Ingress (`/oauth2`): no auth annotations. */
export function renderSidecarLocation(ctx: LocationContext): string {
  return `
        location "/oauth2" {
            set $ingress_name "gatehouse";
${passVariables('default-gatehouse-4180')}
${authTlsHeaders(ctx)}${proxyToUpstream(ctx.authUpstream)}
        }
`;
}

function signinLocationName(ingress: ProtectedIngress, ctx: LocationContext): string {
  return createHash('sha1').update(ingress.path + signinUrl(ingress, ctx)).digest('hex');
}

// What lua_ingress.lua's rewrite() sets; identical while use-forwarded-headers is false.
function passVariables(upstreamName: string): string {
  return `            set $proxy_upstream_name "${upstreamName}";
            set $pass_access_scheme  $scheme;
            set $pass_server_port    $server_port;
            set $best_http_host      $http_host;
            set $pass_port           $pass_server_port;
            port_in_redirect off;`;
}

function proxyToUpstream(upstream: string): string {
  return `            client_max_body_size 1m;
            proxy_set_header Host                   $best_http_host;
            proxy_set_header Upgrade                $http_upgrade;
            proxy_set_header Connection             $connection_upgrade;
            proxy_set_header X-Request-ID           $req_id;
            proxy_set_header X-Real-IP              $remote_addr;
            proxy_set_header X-Forwarded-For        $remote_addr;
            proxy_set_header X-Forwarded-Host       $best_http_host;
            proxy_set_header X-Forwarded-Port       $pass_port;
            proxy_set_header X-Forwarded-Proto      $pass_access_scheme;
            proxy_set_header X-Forwarded-Scheme     $pass_access_scheme;
            proxy_set_header X-Scheme               $pass_access_scheme;
            proxy_set_header X-Original-Forwarded-For  $http_x_forwarded_for;
            proxy_set_header X-Original-Forwarded-Host $http_x_forwarded_host;
            proxy_set_header Proxy                  "";

            proxy_connect_timeout   5s;
            proxy_send_timeout      60s;
            proxy_read_timeout      60s;
            proxy_buffering         off;
            proxy_buffer_size       4k;
            proxy_buffers           4 4k;
            proxy_request_buffering on;
            proxy_http_version      1.1;
            proxy_cookie_domain     off;
            proxy_cookie_path       off;
            proxy_next_upstream         error timeout;
            proxy_next_upstream_timeout 0;
            proxy_next_upstream_tries   3;
            proxy_pass http://${upstream};
            proxy_redirect off;`;
}

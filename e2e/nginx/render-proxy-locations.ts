/**
 * The locations that proxy a request on: a protected path (auth subrequest first), a path without
 * auth annotations, and the auth service's own `/oauth2` Ingress, with the variables and proxy
 * settings nginx.tmpl gives each.
 */
import type { ProtectedIngress } from './ingresses.ts';
import { authTlsHeaders, type LocationContext } from './location-context.ts';
import { authLocationPath, signinLocationName } from './render-auth-locations.ts';
import { GATEHOUSE_DEFAULT_BACKEND } from './render-error-locations.ts';

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

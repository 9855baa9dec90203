import { DEFAULT_AUTH_RESPONSE_HEADERS, DEFAULT_INGRESSES } from './ingresses.ts';
import type { ProtectedIngress } from './ingresses.ts';
import type { LocationContext } from './location-context.ts';
import { renderAuthLocation, renderSigninLocation } from './render-auth-locations.ts';
import { GATEHOUSE_DEFAULT_BACKEND, GLOBAL_DEFAULT_BACKEND, renderCustomErrorLocations } from './render-error-locations.ts';
import { renderOpenLocation, renderProtectedLocation, renderSidecarLocation } from './render-proxy-locations.ts';

export { DEFAULT_AUTH_RESPONSE_HEADERS, DEFAULT_INGRESSES } from './ingresses.ts';
export type { ProtectedIngress } from './ingresses.ts';

/**
 * The auth service's upstream block is named like a cluster Service, because ingress-nginx sends
 * the auth-url's host name as the Host header of the auth subrequest.
 */
export const AUTH_UPSTREAM = 'gatehouse.auth.svc.cluster.local';

/** Options of {@link renderIngressNginxConf}. */
export interface IngressNginxOptions {
  /** The listener port, bound on 127.0.0.1 and [::1]. */
  port: number;
  /** Ports of the auth service replicas on 127.0.0.1; one upstream block balances over them. */
  gatehousePorts: number[];
  /** Port of the protected app on 127.0.0.1. */
  upstreamPort: number;
  /** Host names of the app; default `localhost app.localtest`. Other hosts get a 404. */
  serverNames?: string[];
  /** default {@link DEFAULT_INGRESSES} */
  ingresses?: readonly ProtectedIngress[];
  /** Paths of Ingresses to the same app without auth annotations (e.g. for a comparison). */
  openPaths?: readonly string[];
  /** default {@link DEFAULT_AUTH_RESPONSE_HEADERS} */
  responseHeaders?: readonly string[];
  /** default `notice` */
  errorLogLevel?: 'debug' | 'info' | 'notice' | 'warn' | 'error';
  /**
   * The ConfigMap's `custom-http-errors` with `default-backend-service` on 127.0.0.1:`backendPort`:
   * every location asks that backend for the page of these statuses. `authLocation: 'before-fix'`
   * renders the auth location of the releases before v1.13.7/v1.14.3/v1.15.0, where the auth
   * subrequest went through the custom error page too (CVE-2026-24513).
   */
  globalCustomErrors?: { codes: readonly number[]; backendPort: number; authLocation?: 'fixed' | 'before-fix' };
  /**
   * TLS on the listener with the `auth-tls-secret` (`caFile`), `auth-tls-verify-client`,
   * `auth-tls-verify-depth` and `auth-tls-pass-certificate-to-upstream` annotations, rendered as
   * nginx.tmpl's server block does (ssl_client_certificate, ssl_verify_client, ssl_verify_depth).
   */
  authTls?: AuthTlsOptions;
}

/** The listener's TLS and the client-certificate annotations. */
export interface AuthTlsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly verifyClient: 'on' | 'off' | 'optional' | 'optional_no_ca';
  /** default 1, as ingress-nginx */
  readonly verifyDepth?: number;
  readonly passCertificate: boolean;
}

/**
 * Renders an nginx.conf that reproduces what ingress-nginx generates for Ingresses with the
 * `auth-url`, `auth-signin` and `auth-response-headers` annotations, for plain nginx with the
 * set-misc module. Relative paths (pid, logs, temp files) resolve against nginx's `-p` prefix.
 */
export function renderIngressNginxConf(options: IngressNginxOptions): string {
  if (options.gatehousePorts.length === 0) throw new Error('at least one gatehouse port is needed');
  const ctx: LocationContext = {
    listenPort: options.port,
    authUpstream: AUTH_UPSTREAM,
    appUpstream: 'upstream_balancer',
    responseHeaders: options.responseHeaders ?? DEFAULT_AUTH_RESPONSE_HEADERS,
    authInterceptErrorsOff: options.globalCustomErrors?.authLocation !== 'before-fix',
    ...(options.authTls && { authTls: { passCertificate: options.authTls.passCertificate } }),
  };
  const ingresses = options.ingresses ?? DEFAULT_INGRESSES;
  const serverNames = (options.serverNames ?? ['localhost', 'app.localtest']).join(' ');
  const tls = options.authTls;
  const ssl = tls ? ' ssl' : '';
  const serverTls = tls ? `\n        ssl_certificate ${tls.certFile};\n        ssl_certificate_key ${tls.keyFile};` : '';
  const clientTls = tls
    ? `${serverTls}\n        ssl_client_certificate ${tls.caFile};\n        ssl_verify_client ${tls.verifyClient};\n        ssl_verify_depth ${tls.verifyDepth ?? 1};`
    : '';
  const listen = (extra: string): string =>
    `        listen 127.0.0.1:${options.port}${extra};\n        listen [::1]:${options.port}${extra};`;
  const locations = ingresses
    .map((i) => renderAuthLocation(i, ctx) + renderSigninLocation(i, ctx) + renderProtectedLocation(i, ctx))
    .join('') + (options.openPaths ?? []).map((path) => renderOpenLocation(path, ctx)).join('');
  const gatehouseServers = options.gatehousePorts.map((p) => `        server 127.0.0.1:${p};`).join('\n');
  const pageCodes = [...new Set(ingresses.flatMap((i) => i.customHttpErrors ?? []))];
  const global = options.globalCustomErrors;
  // gatehouse is also the default-backend Service of the Ingresses with custom-http-errors.
  const defaultBackends =
    (pageCodes.length === 0 ? '' : `\n    upstream ${GATEHOUSE_DEFAULT_BACKEND} {\n${gatehouseServers}\n    }\n`) +
    (global === undefined
      ? ''
      : `
    upstream ${GLOBAL_DEFAULT_BACKEND} {
        server 127.0.0.1:${global.backendPort};
    }

    # the ConfigMap's custom-http-errors: every location, and before the fix the auth subrequest too
    proxy_intercept_errors on;
${global.codes.map((code) => `    error_page ${code} = @custom_${GLOBAL_DEFAULT_BACKEND}_${code};`).join('\n')}
`);
  const errorLocations =
    renderCustomErrorLocations(GATEHOUSE_DEFAULT_BACKEND, pageCodes) + (global === undefined ? '' : renderCustomErrorLocations(GLOBAL_DEFAULT_BACKEND, global.codes));

  return `# Rendered for the local stack; mirrors ingress-nginx's nginx.tmpl for external auth.
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_set_misc_module.so;

daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log ${options.errorLogLevel ?? 'notice'};

events {
    worker_connections 4096;
}

http {
    client_body_temp_path tmp/client_body;
    proxy_temp_path       tmp/proxy;
    fastcgi_temp_path     tmp/fastcgi;
    uwsgi_temp_path       tmp/uwsgi;
    scgi_temp_path        tmp/scgi;

    # ingress-nginx defaults: every request header (up to ~32 KiB) also goes to the auth service
    client_header_buffer_size   1k;
    large_client_header_buffers 4 8k;

    server_tokens off;
    uninitialized_variable_warn off;

    log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id';
    access_log logs/access.log upstreaminfo;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      '';
    }

    map $http_x_request_id $req_id {
        default $http_x_request_id;
        ""      $request_id;
    }

    upstream upstream_balancer {
        server 127.0.0.1:${options.upstreamPort};
        keepalive 320;
        keepalive_timeout 60s;
        keepalive_requests 10000;
    }

    upstream ${AUTH_UPSTREAM} {
${gatehouseServers}
        keepalive 320;
    }
${defaultBackends}
    # ingress-nginx's default server: unknown hosts get the default backend's 404
    server {
${listen(`${ssl} default_server`)}
        server_name _;${serverTls}
        location / {
            return 404;
        }
    }

    server {
${listen(ssl)}
        server_name ${serverNames};
        set $proxy_upstream_name "-";${clientTls}
${errorLocations}${locations}${renderSidecarLocation(ctx)}    }
}
`;
}

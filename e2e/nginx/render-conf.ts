import { DEFAULT_AUTH_RESPONSE_HEADERS, DEFAULT_INGRESSES } from './ingresses.ts';
import type { ProtectedIngress } from './ingresses.ts';
import {
  renderAuthLocation,
  renderProtectedLocation,
  renderSidecarLocation,
  renderSigninLocation,
} from './render-locations.ts';
import type { LocationContext } from './render-locations.ts';

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
  /** default {@link DEFAULT_AUTH_RESPONSE_HEADERS} */
  responseHeaders?: readonly string[];
  /** default `notice` */
  errorLogLevel?: 'debug' | 'info' | 'notice' | 'warn' | 'error';
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
  };
  const ingresses = options.ingresses ?? DEFAULT_INGRESSES;
  const serverNames = (options.serverNames ?? ['localhost', 'app.localtest']).join(' ');
  const listen = (extra: string): string =>
    `        listen 127.0.0.1:${options.port}${extra};\n        listen [::1]:${options.port}${extra};`;
  const locations = ingresses
    .map((i) => renderAuthLocation(i, ctx) + renderSigninLocation(i, ctx) + renderProtectedLocation(i, ctx))
    .join('');
  const gatehouseServers = options.gatehousePorts.map((p) => `        server 127.0.0.1:${p};`).join('\n');

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

    # ingress-nginx's default server: unknown hosts get the default backend's 404
    server {
${listen(' default_server')}
        server_name _;
        location / {
            return 404;
        }
    }

    server {
${listen('')}
        server_name ${serverNames};
        set $proxy_upstream_name "-";
${locations}${renderSidecarLocation(ctx)}    }
}
`;
}

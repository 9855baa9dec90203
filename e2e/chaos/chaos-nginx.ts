/**
 * nginx in front of the gatehouse replicas for the fault and rollout runs, rendered as
 * ingress-nginx renders an Ingress with `auth-url`, `auth-keepalive` and its defaults:
 *
 * - the auth subrequest goes to an upstream holding every ready replica, over HTTP/1.1 keep-alive
 *   connections (`keepalive 32`, `keepalive_requests 1000`, `keepalive_timeout 60s`, and
 *   `Connection: ""`, as auth-keepalive renders it);
 * - `proxy_next_upstream error timeout` with `proxy_next_upstream_tries 3` (ingress-nginx's
 *   defaults): a connection refused or reset before an answer is retried on another replica;
 * - no passive failure accounting (`max_fails=0`): ingress-nginx picks the peer in its Lua balancer,
 *   where nginx's max_fails does not apply, and its auth-keepalive upstream holds the one Service
 *   address. With nginx's default (one failure marks a server down for 10 s) two replicas restarted
 *   within 10 s of each other leave no live upstream, and every check fails until the time is up;
 * - the upstream list is the Service's endpoints: a terminating pod leaves it before its preStop
 *   pause ends, which here is a reload without that replica (ingress-nginx changes its balancer
 *   without a reload; a reload lets the old worker finish what it has in flight, as that does);
 * - the protected app is a static file, so that the load measures nginx and gatehouse only.
 * The master process runs (unlike the other test stacks) because a reload needs it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnLogged, type LoggedChild } from '../support/child-process.ts';
import { killAtExit, removeAtExit } from '../support/exit-cleanup.ts';
import { waitForPort } from '../support/ports.ts';

/** A protected path and the auth-url query its Ingress carries. */
export interface ChaosRoute {
  readonly path: string;
  readonly authQuery: string;
}

/** Options of {@link startChaosNginx}. */
export interface ChaosNginxOptions {
  readonly port: number;
  readonly replicaPorts: readonly number[];
  readonly routes: readonly ChaosRoute[];
}

/** A running nginx whose upstream list can change. */
export interface ChaosNginx {
  readonly port: number;
  /** Renders the upstream with only the replicas marked true and reloads; resolves once the new workers serve. */
  setEndpoints(ready: readonly boolean[]): Promise<void>;
  errorLog(): string;
  stop(): Promise<void>;
}

const AUTH_HOST = 'gatehouse.auth.svc.cluster.local';

function authLocation(route: ChaosRoute, index: number): string {
  return `
        location = /_external-auth-${index} {
            internal;
            proxy_pass_request_body     off;
            proxy_set_header            Content-Length          "";
            proxy_set_header            X-Forwarded-Proto       "";
            proxy_set_header            X-Request-ID            $req_id;
            proxy_set_header            Host                    ${AUTH_HOST};
            proxy_set_header            X-Original-URL          $scheme://$http_host$request_uri;
            proxy_set_header            X-Original-Method       $request_method;
            proxy_set_header            X-Sent-From             "nginx-ingress-controller";
            proxy_set_header            X-Real-IP               $remote_addr;
            proxy_set_header            X-Forwarded-For         $remote_addr;
            proxy_set_header            X-Auth-Request-Redirect $request_uri;
            proxy_http_version          1.1;
            proxy_set_header            Connection              "";
            proxy_next_upstream         error timeout;
            proxy_next_upstream_tries   3;
            proxy_next_upstream_timeout 0;
            proxy_connect_timeout       5s;
            proxy_pass                  http://gatehouse_auth/oauth2/auth${route.authQuery};
        }

        location ${route.path} {
            auth_request /_external-auth-${index};
            auth_request_set $auth_user $upstream_http_x_auth_request_user;
            add_header X-Seen-User $auth_user always;
            try_files /ok.txt =404;
        }
`;
}

function render(options: ChaosNginxOptions, ready: readonly boolean[]): string {
  const servers = options.replicaPorts
    .map((port, i) => `        server 127.0.0.1:${port} max_fails=0${ready[i] === false ? ' down' : ''};`)
    .join('\n');
  // With a master process started as root the worker would run as nobody, which cannot read the
  // private temporary prefix; it keeps the master's user instead.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `${user}daemon off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 4096; }
http {
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    access_log off;
    server_tokens off;
    default_type text/plain;
    keepalive_timeout 75s;
    keepalive_requests 100000;
    map $http_x_request_id $req_id {
        default $http_x_request_id;
        ""      $request_id;
    }
    upstream gatehouse_auth {
${servers}
        keepalive 32;
        keepalive_requests 1000;
        keepalive_timeout 60s;
    }
    server {
        listen 127.0.0.1:${options.port};
        server_name localhost;
        root html;
        location /oauth2/ {
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_pass http://gatehouse_auth;
        }
${options.routes.map(authLocation).join('')}    }
}
`;
}

/** Starts nginx (master and one worker) in the foreground and waits until it listens. */
export async function startChaosNginx(options: ChaosNginxOptions): Promise<ChaosNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-nginx-'));
  removeAtExit(prefix);
  for (const dir of ['logs', 'tmp', 'html']) mkdirSync(join(prefix, dir));
  writeFileSync(join(prefix, 'html', 'ok.txt'), 'ok\n');
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, render(options, options.replicaPorts.map(() => true)));
  const child: LoggedChild = spawnLogged('nginx', ['-e', 'stderr', '-c', conf, '-p', `${prefix}/`]);
  killAtExit(child);
  const errorLog = (): string => {
    try {
      return readFileSync(join(prefix, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  await waitForPort(options.port, { tries: 100, intervalMs: 50, abortReason: () => child.exitStatus() && `nginx exited: ${child.logs()}${errorLog()}` });
  return {
    port: options.port,
    errorLog,
    async setEndpoints(ready) {
      const reloads = (): number => errorLog().split('\n').filter((line) => line.includes('start worker process')).length;
      const before = reloads();
      writeFileSync(conf, render(options, ready));
      process.kill(child.pid, 'SIGHUP');
      // The master starts new workers once the new configuration is read; old ones finish their requests.
      for (let i = 0; i < 100 && reloads() === before; i++) await sleep(20);
      if (reloads() === before) throw new Error(`nginx did not reload:\n${errorLog().slice(-2000)}`);
    },
    async stop() {
      await child.stop('SIGQUIT', 5000);
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** ingress-nginx's custom error pages: the default backends' upstreams and the locations that ask them for a page. */

/** The upstream name ingress-nginx gives a `default-backend` annotation's Service (here gatehouse's). */
export const GATEHOUSE_DEFAULT_BACKEND = 'custom-default-backend-default-gatehouse';

/** The upstream of the ConfigMap's default backend (`default-backend-service`). */
export const GLOBAL_DEFAULT_BACKEND = 'upstream-default-backend';

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

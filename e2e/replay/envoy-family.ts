/**
 * The three Kubernetes configurations of Envoy's HTTP ext_authz filter, each turned into the
 * filter settings it produces, so one replay (envoy-ext-authz.ts) serves them all:
 * - Envoy Gateway SecurityPolicy extAuth.http (envoyproxy/gateway internal/xds/translator/extauth.go):
 *   headersToExtAuth → allowed_headers (exact), path → path_prefix, headersToBackend →
 *   allowed_upstream_headers, no allowed_client_headers (every answer header but Host reaches the
 *   client on a denial), a 10 s timeout (defaultExtServiceRequestTimeout), no headers_to_add;
 * - Istio CUSTOM AuthorizationPolicy with an envoyExtAuthzHttp provider (istio/istio
 *   pilot/pkg/security/authz/builder/extauthz.go): includeRequestHeadersInCheck → allowed_headers,
 *   includeAdditionalHeadersInCheck → headers_to_add, pathPrefix → path_prefix,
 *   headersToUpstreamOnAllow → allowed_upstream_headers, headersToDownstreamOnDeny →
 *   allowed_client_headers, statusOnError, a 600 s timeout;
 * - the Gateway API HTTPRoute ExternalAuth filter, protocol HTTP (kubernetes-sigs/gateway-api
 *   apis/v1 HTTPAuthConfig): http.path is the prefix, allowedHeaders are sent besides Host, Method,
 *   Path, Content-Length (0 without forwardBody) and Authorization, and allowedResponseHeaders go
 *   to the backend ("if this list is empty, then all headers from the authorization server except
 *   Authority or Host must be copied"). The API says nothing of denials; Envoy's behaviour is used.
 */
import type { ClientRequest, Replay, ReplayProxy } from './client-request.ts';
import { replayEnvoyExtAuthz, type EnvoyExtAuthzConfig } from './envoy-ext-authz.ts';

/** The Envoy node's address in these replays (a pod address on the Gateway's network). */
export const ENVOY_ADDRESS = '10.244.0.17';

/** SecurityPolicy spec.extAuth with an http service. */
export interface EnvoyGatewayExtAuth {
  readonly http: { readonly path: string; readonly headersToBackend?: readonly string[] };
  readonly headersToExtAuth?: readonly string[];
}

/** Envoy Gateway's SecurityPolicy extAuth.http in front of gatehouse on `port`. */
export function envoyGateway(port: number, extAuth: EnvoyGatewayExtAuth): ReplayProxy {
  const config: EnvoyExtAuthzConfig = {
    port,
    pathPrefix: extAuth.http.path,
    allowedHeaders: extAuth.headersToExtAuth ?? [],
    allowedUpstreamHeaders: extAuth.http.headersToBackend ?? [],
    allowedClientHeaders: [],
    timeoutMs: 10_000,
    statusOnError: 403,
    envoyAddress: ENVOY_ADDRESS,
  };
  return (request: ClientRequest): Promise<Replay> => replayEnvoyExtAuthz(request, config);
}

/** MeshConfig extensionProviders[].envoyExtAuthzHttp. */
export interface IstioExtAuthzHttp {
  readonly pathPrefix?: string;
  readonly includeRequestHeadersInCheck?: readonly string[];
  readonly includeAdditionalHeadersInCheck?: Readonly<Record<string, string>>;
  readonly headersToUpstreamOnAllow?: readonly string[];
  readonly headersToDownstreamOnDeny?: readonly string[];
  readonly statusOnError?: string;
}

/** An Istio ingress gateway with a CUSTOM AuthorizationPolicy naming gatehouse's provider on `port`. */
export function istio(port: number, provider: IstioExtAuthzHttp): ReplayProxy {
  const config: EnvoyExtAuthzConfig = {
    port,
    pathPrefix: provider.pathPrefix ?? '',
    allowedHeaders: provider.includeRequestHeadersInCheck ?? [],
    headersToAdd: provider.includeAdditionalHeadersInCheck ?? {},
    allowedUpstreamHeaders: provider.headersToUpstreamOnAllow ?? [],
    allowedClientHeaders: provider.headersToDownstreamOnDeny ?? [],
    timeoutMs: 600_000,
    statusOnError: provider.statusOnError === undefined ? 403 : Number(provider.statusOnError),
    envoyAddress: ENVOY_ADDRESS,
  };
  return (request: ClientRequest): Promise<Replay> => replayEnvoyExtAuthz(request, config);
}

/** HTTPRoute rules[].filters[] {type: ExternalAuth, externalAuth: {protocol: HTTP, http}}. */
export interface GatewayApiExternalAuthHttp {
  readonly path?: string;
  readonly allowedHeaders?: readonly string[];
  readonly allowedResponseHeaders?: readonly string[];
}

/** The Gateway API ExternalAuth filter (as an Envoy-based implementation runs it) in front of gatehouse on `port`. */
export function gatewayApiExternalAuth(port: number, http: GatewayApiExternalAuthHttp): ReplayProxy {
  const responseHeaders = http.allowedResponseHeaders ?? [];
  const config: EnvoyExtAuthzConfig = {
    port,
    pathPrefix: http.path ?? '',
    // The API's header names are case-insensitive; Envoy's matchers see lower-case names.
    allowedHeaders: (http.allowedHeaders ?? []).map((h) => h.toLowerCase()),
    allowedUpstreamHeaders: responseHeaders.length === 0 ? 'all-but-host' : responseHeaders.map((h) => h.toLowerCase()),
    allowedClientHeaders: [],
    timeoutMs: 10_000,
    statusOnError: 403,
    envoyAddress: ENVOY_ADDRESS,
  };
  return (request: ClientRequest): Promise<Replay> => replayEnvoyExtAuthz(request, config);
}

/** The `path` pattern the Gateway API CRD validates http.path against (HTTPAuthConfig). */
export const GATEWAY_API_AUTH_PATH = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

{{/*
NOTES.txt's wiring for each proxy but ingress-nginx (NOTES.txt keeps that one): the endpoint the
proxy asks, the headers it must pass and copy, and where the full example is. Called with a dict:
root (the chart context), headers (the answer headers to copy), signin (the release signs browsers in).
*/}}

{{/* The k8s-examples folder of a proxy. */}}
{{- define "gatehouse.proxyExamples" -}}
k8s-examples/{{ . }}/
{{- end }}

{{/* Step 1 for proxy != ingress-nginx: how the proxy asks gatehouse. */}}
{{- define "gatehouse.proxyWiring" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $name := include "gatehouse.fullname" $root }}
{{- $host := printf "%s.%s.svc.%s" $name $root.Release.Namespace $v.clusterDomain }}
{{- $port := int $v.service.port }}
{{- $lower := list }}{{ range .headers }}{{ $lower = append $lower (lower .) }}{{ end }}
{{- $envoyRequest := "[cookie, authorization, accept, x-requested-with, sec-fetch-mode, x-forwarded-proto]" }}
{{- $secret := or $v.trustedProxies.secret $v.trustedProxies.existingSecret }}
{{- if eq $v.proxy "traefik" }}
1. Protect an app with a Traefik ForwardAuth Middleware, listed in its IngressRoute's middlewares:

    apiVersion: traefik.io/v1alpha1
    kind: Middleware
    spec:
      forwardAuth:
        address: "http://{{ $host }}:{{ $port }}/oauth2/forward-auth"
        authResponseHeaders: [{{ join ", " .headers }}]

   Restrict a route with a query on the address, e.g. `/oauth2/forward-auth?allowed_groups=admins`.
{{- else if eq $v.proxy "caddy" }}
1. Protect an app with Caddy's forward_auth, before its reverse_proxy:

    forward_auth {{ $host }}:{{ $port }} {
        uri /oauth2/forward-auth?
        copy_headers {{ join " " .headers }}
{{- if $secret }}
        header_up {{ $v.trustedProxies.secretHeader }} {env.GATEHOUSE_PROXY_SECRET}
{{- end }}
    }

   Keep the "?" (a uri without a query passes the client's own query on as the policy), and
   restrict a route with a query there, e.g. `uri /oauth2/forward-auth?allowed_groups=admins`.
   Remove the client's own X-Auth-Request-* first (request_header -X-Auth-Request-User, …).
{{- else if eq $v.proxy "envoy-gateway" }}
1. Protect an app's HTTPRoute with an Envoy Gateway SecurityPolicy (and a ReferenceGrant in
   namespace "{{ $root.Release.Namespace }}" when the route lives elsewhere):

    spec:
      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: <the app's route>}]
      extAuth:
        http:
          backendRefs: [{name: {{ $name }}, namespace: {{ $root.Release.Namespace }}, port: {{ $port }}}]
          path: /oauth2/ext-authz
          headersToBackend: [{{ join ", " $lower }}]
        headersToExtAuth: {{ $envoyRequest }}

   Restrict a route with `path: /oauth2/ext-authz-route/allowed_groups=admins`.
{{- else if eq $v.proxy "istio" }}
1. Declare gatehouse as a mesh extension provider (meshConfig), then hand requests to it with an
   AuthorizationPolicy of action CUSTOM and provider.name gatehouse:

    extensionProviders:
      - name: gatehouse
        envoyExtAuthzHttp:
          service: {{ $host }}
          port: {{ $port }}
          pathPrefix: /oauth2/ext-authz
          includeRequestHeadersInCheck: {{ $envoyRequest }}
          headersToUpstreamOnAllow: [{{ join ", " $lower }}]
          headersToDownstreamOnDeny: [location, set-cookie, www-authenticate, content-type, cache-control]
{{- if $secret }}
          includeAdditionalHeadersInCheck: {{ printf "{%s: <the proxy secret>}" (lower $v.trustedProxies.secretHeader) }}
{{- end }}

   Restrict a workload with a provider of its own, `pathPrefix: /oauth2/ext-authz-route/allowed_groups=admins`
   (Istio runs one provider per workload).
{{- else if eq $v.proxy "gateway-api" }}
1. Protect an app's HTTPRoute rule with the Gateway API ExternalAuth filter (experimental channel;
   a ReferenceGrant in namespace "{{ $root.Release.Namespace }}" lets routes elsewhere name the Service):

    filters:
      - type: ExternalAuth
        externalAuth:
          protocol: HTTP
          backendRef: {name: {{ $name }}, namespace: {{ $root.Release.Namespace }}, port: {{ $port }}}
          http:
            path: /oauth2/ext-authz
            allowedHeaders: [cookie, accept, x-requested-with, sec-fetch-mode, x-forwarded-proto]
            allowedResponseHeaders: [{{ join ", " $lower }}]

   Restrict a rule with `path: /oauth2/ext-authz-route/allowed_groups=admins`.
{{- else if eq $v.proxy "nginx-gateway-fabric" }}
1. Protect an app's HTTPRoute rule with NGINX Gateway Fabric's ExternalAuth filter (nginx
   auth_request underneath, so gatehouse's auth_request endpoint; a ReferenceGrant in namespace
   "{{ $root.Release.Namespace }}" lets routes elsewhere name the Service):

    filters:
      - type: ExternalAuth
        externalAuth:
          protocol: HTTP
          backendRef: {name: {{ $name }}, namespace: {{ $root.Release.Namespace }}, port: {{ $port }}}
          http:
            path: /oauth2/auth
            allowedHeaders: [Cookie]
            allowedResponseHeaders: [{{ join ", " .headers }}]

   The filter's path cannot carry a policy query, and a redirect from the check would become a
   500, so a signed-out {{ if .signin }}browser gets 401 rather than the sign-in page{{ else }}client gets 401{{ end }}.
{{- end }}
{{- if and .signin (ne $v.proxy "nginx-gateway-fabric") }}
   Signed-out browsers get gatehouse's redirect to sign in, API clients 401, signed-in users outside the policy 403.
{{- end }}
   Full example: {{ include "gatehouse.proxyExamples" $v.proxy }}
{{- if not (has $v.proxy (list "nginx-gateway-fabric")) }}
{{- $p := $v.trustedProxies }}
   gatehouse believes the proxy's description of the original request only from
     trustedProxies.sources: {{ if $p.sources }}{{ join ", " $p.sources }}{{ else }}none (any address){{ end }}
     {{ if or $p.secret $p.existingSecret }}and with the shared secret in {{ $p.secretHeader }}{{ else }}no shared secret: the address alone decides{{ end }}
{{- end }}
{{- end }}

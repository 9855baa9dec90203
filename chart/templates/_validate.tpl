{{/*
Cross-value rules the schema cannot express. Every broken rule adds a message that says how to fix
it; the chart then fails once with all of them (validate.yaml), like gatehouse's own --check-config.
*/}}
{{- define "gatehouse.validationMessages" -}}
{{- $v := .Values }}
{{- $m := list }}
{{- $login := eq $v.authProvider "login" }}
{{- $realm := include "gatehouse.realmSignIn" . }}
{{- $issuersOnly := and (eq $v.authProvider "oidc") $v.bearer.issuers }}
{{- if and (has $v.authProvider (list "login" "oidc")) (not $v.oidc.issuerUrl) (not $realm) (not $issuersOnly) }}
{{- $m = append $m (printf "oidc.issuerUrl is required with authProvider=%s: the OpenID Provider's issuer, e.g. --set oidc.issuerUrl=https://login.example.com/realms/main" $v.authProvider) }}
{{- end }}
{{- if and (has $v.authProvider (list "login" "oidc")) (not $v.oidc.clientId) (not $realm) (not (include "gatehouse.issuersOnly" .)) }}
{{- $m = append $m (printf "oidc.clientId is required with authProvider=%s: the client id registered at the provider, e.g. --set oidc.clientId=gatehouse" $v.authProvider) }}
{{- end }}
{{- if and $login (not $v.oidc.clientSecret) (not $v.oidc.existingSecret) (not $realm) }}
{{- $m = append $m "the client secret is missing: set oidc.existingSecret to a Secret holding it (key oidc.existingSecretKey), or oidc.clientSecret" }}
{{- end }}
{{- if and $v.oidc.clientSecret $v.oidc.existingSecret }}
{{- $m = append $m "set only one of oidc.clientSecret and oidc.existingSecret" }}
{{- end }}
{{- if and $v.cookie.secret $v.cookie.existingSecret }}
{{- $m = append $m "set only one of cookie.secret and cookie.existingSecret" }}
{{- end }}
{{- if and $v.cookie.fromKubernetes.enabled (or $v.cookie.secret $v.cookie.existingSecret) }}
{{- $m = append $m "cookie.fromKubernetes.enabled keeps the cookie keys in a Secret gatehouse creates itself: leave cookie.secret and cookie.existingSecret empty" }}
{{- end }}
{{- if and $v.assertion.enabled (not $v.assertion.existingSecret) (gt (int (include "gatehouse.maxPods" .)) 1) }}
{{- $m = append $m (printf "assertion.enabled with %s pods needs assertion.existingSecret: a signing key made at start-up exists in one pod only, and the JWKS another pod serves lacks it; create one, e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 > keys.pem && kubectl create secret generic gatehouse-assertion --from-file=assertion-keys.pem=keys.pem" (include "gatehouse.maxPods" .)) }}
{{- end }}
{{- if and $login (not (include "gatehouse.redirectUrl" .)) }}
{{- $m = append $m "the callback URL is unknown: set oidc.redirectUrl (https://<host>/oauth2/callback, registered at the provider) or ingress.host" }}
{{- end }}
{{- if and $v.ingress.enabled (not $login) }}
{{- $m = append $m (printf "ingress.enabled serves the browser sign-in at /oauth2, which only authProvider=login has: with authProvider=%s leave it off" $v.authProvider) }}
{{- else if and $v.ingress.enabled (not $v.ingress.host) }}
{{- $m = append $m "ingress.enabled needs ingress.host: the host of the protected apps, where /oauth2 must be served" }}
{{- end }}
{{- $t := $v.trustedHeaders }}
{{- if and $t.secret $t.existingSecret }}
{{- $m = append $m "set only one of trustedHeaders.secret and trustedHeaders.existingSecret" }}
{{- end }}
{{- if and (eq $v.authProvider "authelia") (not $t.sources) (not $t.secret) (not $t.existingSecret) }}
{{- $m = append $m "authProvider=authelia believes identity headers only from a trusted upstream, and none is configured (every request would get 401): set trustedHeaders.sources to its networks and/or trustedHeaders.existingSecret (or trustedHeaders.secret) to a secret it sends" }}
{{- end }}
{{- if and $v.serviceAccountTokens.enabled (not $v.serviceAccountTokens.audience) }}
{{- $m = append $m "serviceAccountTokens.enabled needs serviceAccountTokens.audience: the audience the calling pods' projected tokens are issued for, e.g. --set serviceAccountTokens.audience=gatehouse" }}
{{- end }}
{{- $p := $v.trustedProxies }}
{{- if and $p.secret $p.existingSecret }}
{{- $m = append $m "set only one of trustedProxies.secret and trustedProxies.existingSecret" }}
{{- end }}
{{- if and (has $v.proxy (list "traefik" "caddy" "envoy-gateway" "istio" "gateway-api")) (not $p.sources) (not $p.secret) (not $p.existingSecret) }}
{{- $m = append $m (printf "proxy=%s describes the original request in X-Forwarded-* (or Envoy's ext_authz), which gatehouse believes only from a trusted proxy, and none is configured (every check would get 401): set trustedProxies.sources to the proxy pods' networks and/or trustedProxies.existingSecret (or trustedProxies.secret) to a secret the proxy sends in trustedProxies.secretHeader" $v.proxy) }}
{{- end }}
{{- $modes := 0 }}
{{- range list $v.redis.enabled $v.redis.url $v.redis.sentinels $v.redis.clusterNodes }}
{{- if . }}{{ $modes = add1 $modes }}{{ end }}
{{- end }}
{{- if gt $modes 1 }}
{{- $m = append $m "choose one Redis: redis.enabled (the chart deploys one), or an external redis.url, redis.sentinels or redis.clusterNodes" }}
{{- end }}
{{- if and $v.redis.sentinels (not $v.redis.sentinelMaster) }}
{{- $m = append $m "redis.sentinels needs redis.sentinelMaster, the name of the monitored master" }}
{{- end }}
{{- if regexMatch "^rediss?://[^/@]*:[^/@]*@" $v.redis.url }}
{{- $m = append $m "redis.url holds a password, which would land in a ConfigMap: move it to redis.existingSecret (or redis.password) and drop it from the URL" }}
{{- end }}
{{- if and (gt (int (include "gatehouse.maxPods" .)) 1) (eq (include "gatehouse.sessionStore" .) "memory") }}
{{- $m = append $m (printf "%s pods cannot share sessions kept in memory (a user signed in on one pod would be signed out on the next): set redis.enabled=true to deploy Redis with the chart, or point redis.url (or redis.sentinels / redis.clusterNodes) at your Redis; or run replicaCount=1 without autoscaling" (include "gatehouse.maxPods" .)) }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- $m = append $m "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if and $v.elasticsearch.enabled (not $v.elasticsearch.hosts) }}
{{- $m = append $m "elasticsearch.enabled needs elasticsearch.hosts, e.g. [https://elasticsearch.elastic.svc:9200]" }}
{{- end }}
{{- if and (eq $v.backend "elasticsearch") (not $v.elasticsearch.enabled) }}
{{- $m = append $m "backend=elasticsearch needs elasticsearch.enabled=true with elasticsearch.hosts and the credentials of the user gatehouse manages users with" }}
{{- end }}
{{- if and $v.elasticsearch.oidcRealm (not $v.elasticsearch.enabled) }}
{{- $m = append $m "elasticsearch.oidcRealm needs elasticsearch.enabled=true with elasticsearch.hosts and the credentials of a user with the manage_oidc and manage_token privileges" }}
{{- end }}
{{- if and $realm (not $login) }}
{{- $m = append $m (printf "elasticsearch.oidcRealm signs browsers in, which only authProvider=login does: with authProvider=%s leave it empty" $v.authProvider) }}
{{- end }}
{{- if and (eq $v.backend "elasticsearch-oidc") (not $realm) }}
{{- $m = append $m "backend=elasticsearch-oidc needs elasticsearch.oidcRealm (with elasticsearch.enabled): the Bearer token comes from signing in through that realm" }}
{{- end }}
{{- if include "gatehouse.usesLdap" . }}
{{- range $key := list "url" "bindDn" "existingSecret" "baseDn" }}
{{- if not (get $v.ldap $key) }}
{{- $m = append $m (printf "ldap.%s is required with the ldap source (authProvider=ldap or ldap.enabled); see the README's LDAP section" $key) }}
{{- end }}
{{- end }}
{{- if and (hasPrefix "ldap://" $v.ldap.url) (not $v.ldap.startTls) }}
{{- $m = append $m "ldap.url is ldap:// without ldap.startTls: passwords would cross the network in clear text; use ldaps:// or set ldap.startTls=true" }}
{{- end }}
{{- end }}
{{- if and (include "gatehouse.usesHtpasswd" .) (not $v.htpasswd.existingSecret) }}
{{- $m = append $m "htpasswd.existingSecret is required with the htpasswd source: a Secret holding the file, e.g. kubectl create secret generic gatehouse-htpasswd --from-file=htpasswd=./users" }}
{{- end }}
{{- if and (include "gatehouse.usesLdap" .) (include "gatehouse.usesHtpasswd" .) }}
{{- $m = append $m "use one of ldap and htpasswd: both read Authorization: Basic and the first would decide alone" }}
{{- end }}
{{- $s := $v.shutdown }}
{{- if lt (int (include "gatehouse.terminationGracePeriod" .)) (int (add $s.preStopSeconds $s.drainSeconds)) }}
{{- $m = append $m "shutdown.terminationGracePeriodSeconds must be at least shutdown.preStopSeconds + shutdown.drainSeconds, or in-flight requests are cut; leave it null to compute it" }}
{{- end }}
{{- range $m }}
{{ printf "- %s" . }}
{{- end }}
{{- end }}

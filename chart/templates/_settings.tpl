{{/*
The one place where values become gatehouse's environment (docs/configuration.md lists every
variable). Non-secret settings go into the ConfigMap; secrets are mounted as files and named by the
`_FILE` variables, so a Secret update (cookie-key rotation) reaches the pod without a restart.
*/}}

{{- define "gatehouse.configDir" -}}/etc/gatehouse/config{{- end }}
{{- define "gatehouse.secretDir" -}}/etc/gatehouse/secrets{{- end }}

{{/* Non-secret settings, a YAML map of variable name to string value (the ConfigMap's env keys). */}}
{{- define "gatehouse.settings" -}}
{{- $v := .Values }}
{{- /* ldap and htpasswd alone are named by GATEHOUSE_IDENTITY_SOURCES; the provider variable knows only the others. */}}
{{- if not (has $v.authProvider (list "ldap" "htpasswd")) }}
GATEHOUSE_AUTH_PROVIDER: {{ $v.authProvider | quote }}
{{- end }}
{{- /* Signing in through Elasticsearch's realm, gatehouse needs no provider of its own. */}}
{{- if and (has $v.authProvider (list "login" "oidc")) (or (not (include "gatehouse.realmSignIn" .)) $v.oidc.issuerUrl) (not (include "gatehouse.issuersOnly" .)) }}
GATEHOUSE_OIDC_ISSUER_URL: {{ $v.oidc.issuerUrl | quote }}
GATEHOUSE_OIDC_CLIENT_ID: {{ $v.oidc.clientId | quote }}
GATEHOUSE_OIDC_SCOPES: {{ $v.oidc.scopes | quote }}
GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: {{ $v.oidc.allowInsecureHttp | toString | quote }}
GATEHOUSE_OIDC_TIMEOUT: {{ $v.oidc.timeout | quote }}
{{- end }}
{{- if eq $v.authProvider "login" }}
GATEHOUSE_REDIRECT_URL: {{ include "gatehouse.redirectUrl" . | quote }}
{{- with $v.oidc.postLogoutRedirectUrl }}
GATEHOUSE_POST_LOGOUT_REDIRECT_URL: {{ . | quote }}
{{- end }}
{{- else if eq $v.authProvider "oidc" }}
GATEHOUSE_BEARER_VALIDATION: {{ $v.bearer.validation | quote }}
{{- else if eq $v.authProvider "authelia" }}
{{- $t := $v.trustedHeaders }}
GATEHOUSE_TRUSTED_HEADER_USER: {{ $t.user | quote }}
GATEHOUSE_TRUSTED_HEADER_GROUPS: {{ $t.groups | quote }}
GATEHOUSE_TRUSTED_HEADER_EMAIL: {{ $t.email | quote }}
GATEHOUSE_TRUSTED_HEADER_NAME: {{ $t.name | quote }}
GATEHOUSE_TRUSTED_HEADER_SOURCES: {{ join "," $t.sources | quote }}
GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER: {{ $t.secretHeader | quote }}
{{- end }}
{{- with $v.serviceAccountTokens }}
{{- if .enabled }}
GATEHOUSE_SERVICEACCOUNT_AUDIENCE: {{ .audience | quote }}
GATEHOUSE_SERVICEACCOUNT_ISSUERS: {{ join "," .issuers | quote }}
GATEHOUSE_SERVICEACCOUNT_CACHE_TTL: {{ .cacheTtl | quote }}
GATEHOUSE_KUBERNETES_ACCESS_CACHE_TTL: {{ .accessCacheTtl | quote }}
GATEHOUSE_KUBERNETES_TIMEOUT: {{ .timeout | quote }}
{{- end }}
{{- end }}
{{- /* The primary source first, as GATEHOUSE_AUTH_PROVIDER names it, then the ones added beside it (ServiceAccount tokens are routed by their issuer). */}}
{{- $sources := list (get (dict "login" "session" "oidc" "bearer" "authelia" "trusted-headers" "ldap" "ldap" "htpasswd" "htpasswd") $v.authProvider) }}
{{- if $v.serviceAccountTokens.enabled }}{{ $sources = append $sources "serviceaccount" }}{{ end }}
{{- if $v.clientCertificates.enabled }}{{ $sources = append $sources "certificate" }}{{ end }}
{{- if and $v.bearer.issuers (ne $v.authProvider "oidc") }}{{ $sources = append $sources "bearer" }}{{ end }}
{{- if include "gatehouse.introspects" . }}{{ $sources = append $sources "introspection" }}{{ end }}
{{- if and $v.ldap.enabled (ne $v.authProvider "ldap") }}{{ $sources = append $sources "ldap" }}{{ end }}
{{- if and $v.htpasswd.enabled (ne $v.authProvider "htpasswd") }}{{ $sources = append $sources "htpasswd" }}{{ end }}
{{- if or (gt (len $sources) 1) (has $v.authProvider (list "ldap" "htpasswd")) }}
GATEHOUSE_IDENTITY_SOURCES: {{ join "," $sources | quote }}
{{- end }}
{{- if or (include "gatehouse.usesLdap" .) (include "gatehouse.usesHtpasswd" .) }}
{{- with $v.basicAuth }}
GATEHOUSE_BASIC_REALM: {{ .realm | quote }}
GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: {{ .maxFailuresPerUser | toString | quote }}
GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: {{ .maxFailuresPerClient | toString | quote }}
GATEHOUSE_BASIC_FAILURE_WINDOW: {{ .failureWindow | quote }}
{{- end }}
{{- end }}
{{- if include "gatehouse.usesLdap" . }}
{{- with $v.ldap }}
GATEHOUSE_LDAP_URL: {{ .url | quote }}
GATEHOUSE_LDAP_START_TLS: {{ .startTls | toString | quote }}
GATEHOUSE_LDAP_BIND_DN: {{ .bindDn | quote }}
GATEHOUSE_LDAP_BASE_DN: {{ .baseDn | quote }}
GATEHOUSE_LDAP_USER_FILTER: {{ .userFilter | quote }}
GATEHOUSE_LDAP_USERNAME_ATTRIBUTE: {{ .usernameAttribute | quote }}
GATEHOUSE_LDAP_GROUP_BASE_DN: {{ .groupBaseDn | quote }}
GATEHOUSE_LDAP_GROUP_OBJECT_CLASS: {{ .groupObjectClass | quote }}
GATEHOUSE_LDAP_GROUP_MEMBER_ATTRIBUTE: {{ .groupMemberAttribute | quote }}
GATEHOUSE_LDAP_GROUP_NAME: {{ .groupName | quote }}
GATEHOUSE_LDAP_REQUIRED_GROUP: {{ .requiredGroup | quote }}
GATEHOUSE_LDAP_TIMEOUT: {{ .timeout | quote }}
GATEHOUSE_LDAP_CACHE_TTL: {{ .cacheTtl | quote }}
{{- end }}
{{- end }}
{{- with $v.clientCertificates }}
{{- if .enabled }}
{{- if not (or .ca.secret .ca.configMap) }}{{ fail "clientCertificates.enabled needs clientCertificates.ca.secret or clientCertificates.ca.configMap (the client CA bundle)" }}{{ end }}
{{- if not (or .sources .existingSecret) }}{{ fail "clientCertificates.enabled needs clientCertificates.sources and/or existingSecret: the certificate header is believed only from the proxy" }}{{ end }}
GATEHOUSE_CLIENT_CERT_FORMAT: {{ .format | quote }}
{{- with .header }}
GATEHOUSE_CLIENT_CERT_HEADER: {{ . | quote }}
{{- end }}
GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT: {{ .xfccElement | quote }}
GATEHOUSE_CLIENT_CERT_SOURCES: {{ join "," .sources | quote }}
GATEHOUSE_CLIENT_CERT_SECRET_HEADER: {{ .secretHeader | quote }}
GATEHOUSE_CLIENT_CERT_USERNAME: {{ .username | quote }}
GATEHOUSE_CLIENT_CERT_GROUPS: {{ .groups | quote }}
GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH: {{ .allowServerAuth | toString | quote }}
GATEHOUSE_CLIENT_CA_FILE: "/etc/gatehouse/client-ca/ca.crt"
{{- if .ca.crlKey }}
GATEHOUSE_CLIENT_CRL_FILE: "/etc/gatehouse/client-ca/ca.crl"
{{- end }}
{{- end }}
{{- end }}
{{- with $v.assertion }}
{{- if .enabled }}
GATEHOUSE_ASSERTION: "true"
GATEHOUSE_ASSERTION_TTL: {{ .ttl | quote }}
{{- with .issuer }}
GATEHOUSE_ASSERTION_ISSUER: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
GATEHOUSE_COOKIE_NAME: {{ $v.cookie.name | quote }}
GATEHOUSE_COOKIE_DOMAIN: {{ $v.cookie.domain | quote }}
GATEHOUSE_COOKIE_SECURE: {{ $v.cookie.secure | toString | quote }}
{{- if $v.cookie.fromKubernetes.enabled }}
GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: {{ include "gatehouse.cookieSecretName" . | quote }}
GATEHOUSE_KUBERNETES_NAMESPACE: {{ .Release.Namespace | quote }}
GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL: {{ $v.cookie.fromKubernetes.pollInterval | quote }}
{{- end }}
GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: {{ join "," $v.allowedRedirectDomains | quote }}
{{- /* Rendered only when set: ingress-nginx alone needs none of them. */}}
{{- with $v.trustedProxies.sources }}
GATEHOUSE_TRUSTED_PROXY_SOURCES: {{ join "," . | quote }}
{{- end }}
{{- if ne (include "gatehouse.trustedProxySecretSource" .) "none" }}
GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER: {{ $v.trustedProxies.secretHeader | quote }}
{{- end }}
{{- with $v.signinUrl }}
GATEHOUSE_SIGNIN_URL: {{ . | quote }}
{{- end }}
GATEHOUSE_PORT: {{ $v.service.port | toString | quote }}
GATEHOUSE_METRICS_PORT: {{ $v.service.metricsPort | toString | quote }}
GATEHOUSE_SESSION_IDLE_TIMEOUT: {{ $v.session.idleTimeout | quote }}
GATEHOUSE_SESSION_MAX_LIFETIME: {{ $v.session.maxLifetime | quote }}
GATEHOUSE_SESSION_MAX_ENTRIES: {{ $v.session.maxEntries | toString | quote }}
GATEHOUSE_LOGIN_TIMEOUT: {{ $v.session.loginTimeout | quote }}
GATEHOUSE_REFRESH_BEFORE_EXPIRY: {{ $v.session.refreshBeforeExpiry | quote }}
GATEHOUSE_SET_AUTHORIZATION_HEADER: {{ $v.headers.setAuthorization | quote }}
GATEHOUSE_SET_ACCESS_TOKEN_HEADER: {{ $v.headers.setAccessToken | toString | quote }}
GATEHOUSE_SHUTDOWN_TIMEOUT: {{ printf "%ds" (int $v.shutdown.drainSeconds) | quote }}
GATEHOUSE_LOG_LEVEL: {{ $v.logLevel | quote }}
GATEHOUSE_CONFIG_FILE: {{ printf "%s/config.yaml" (include "gatehouse.configDir" .) | quote }}
GATEHOUSE_SESSION_STORE: {{ include "gatehouse.sessionStore" . | quote }}
{{- if eq (include "gatehouse.sessionStore" .) "redis" }}
{{- if $v.redis.enabled }}
GATEHOUSE_REDIS_URL: {{ printf "redis://%s:6379/0" (include "gatehouse.redisFullname" .) | quote }}
{{- else if $v.redis.url }}
GATEHOUSE_REDIS_URL: {{ $v.redis.url | quote }}
{{- else if $v.redis.sentinels }}
GATEHOUSE_REDIS_SENTINELS: {{ join "," $v.redis.sentinels | quote }}
GATEHOUSE_REDIS_SENTINEL_MASTER: {{ $v.redis.sentinelMaster | quote }}
{{- else }}
GATEHOUSE_REDIS_CLUSTER_NODES: {{ join "," $v.redis.clusterNodes | quote }}
{{- end }}
{{- if not $v.redis.enabled }}
GATEHOUSE_REDIS_TLS: {{ $v.redis.tls | toString | quote }}
{{- with $v.redis.username }}
GATEHOUSE_REDIS_USERNAME: {{ . | quote }}
{{- end }}
{{- end }}
GATEHOUSE_REDIS_KEY_PREFIX: {{ $v.redis.keyPrefix | quote }}
GATEHOUSE_REDIS_TIMEOUT: {{ $v.redis.timeout | quote }}
GATEHOUSE_REDIS_LOCAL_TTL: {{ $v.redis.localTtl | quote }}
{{- end }}
{{- if ne $v.backend "none" }}
GATEHOUSE_BACKEND: {{ $v.backend | quote }}
{{- end }}
GATEHOUSE_EVENTSTORE_HEADER: {{ $v.eventstore.header | quote }}
{{- if $v.elasticsearch.enabled }}
GATEHOUSE_ELASTICSEARCH_HOSTS: {{ join "," $v.elasticsearch.hosts | quote }}
{{- with $v.elasticsearch.username }}
GATEHOUSE_ELASTICSEARCH_USERNAME: {{ . | quote }}
{{- end }}
{{- if $v.elasticsearch.caBundle }}
GATEHOUSE_ELASTICSEARCH_CA_FILE: {{ printf "%s/elasticsearch-ca.pem" (include "gatehouse.configDir" .) | quote }}
{{- end }}
GATEHOUSE_CREDENTIAL_TTL: {{ $v.elasticsearch.credentialTtl | quote }}
GATEHOUSE_ELASTICSEARCH_DRY_RUN: {{ $v.elasticsearch.dryRun | toString | quote }}
{{- with $v.elasticsearch.oidcRealm }}
GATEHOUSE_ELASTICSEARCH_OIDC_REALM: {{ . | quote }}
{{- end }}
{{- end }}
{{- include "gatehouse.tracingSettings" . }}
{{- end }}

{{/* "true" when the ldap source is used: alone (authProvider: ldap) or beside another (ldap.enabled). */}}
{{- define "gatehouse.usesLdap" -}}
{{- if or (eq .Values.authProvider "ldap") .Values.ldap.enabled }}true{{ end }}
{{- end }}

{{/* "true" when the htpasswd source is used: alone (authProvider: htpasswd) or beside another (htpasswd.enabled). */}}
{{- define "gatehouse.usesHtpasswd" -}}
{{- if or (eq .Values.authProvider "htpasswd") .Values.htpasswd.enabled }}true{{ end }}
{{- end }}

{{/* "true" when browser sign-in goes through Elasticsearch's OpenID Connect realm. */}}
{{- define "gatehouse.realmSignIn" -}}
{{- if and .Values.elasticsearch.enabled .Values.elasticsearch.oidcRealm }}true{{ end }}
{{- end }}

{{/*
The secret files: for each, the `_FILE` variable, the Secret (the chart's or an existing one),
the key in it and the file name under gatehouse.secretDir. Rendered as YAML under `files:`.
*/}}
{{- define "gatehouse.secretFiles" -}}
{{- $v := .Values }}
{{- $own := include "gatehouse.fullname" . }}
files:
{{- if ne (include "gatehouse.clientSecretSource" .) "none" }}
  - env: GATEHOUSE_OIDC_CLIENT_SECRET_FILE
    secret: {{ default $own $v.oidc.existingSecret | quote }}
    key: {{ ternary $v.oidc.existingSecretKey "client-secret" (ne $v.oidc.existingSecret "") | quote }}
    path: client-secret
{{- end }}
{{- if and $v.assertion.enabled $v.assertion.existingSecret }}
  - env: GATEHOUSE_ASSERTION_KEY_FILE
    secret: {{ $v.assertion.existingSecret | quote }}
    key: {{ $v.assertion.existingSecretKey | quote }}
    path: assertion-keys.pem
{{- end }}
{{- /* With cookie.fromKubernetes gatehouse reads the keys through the API: no file. */}}
{{- if not $v.cookie.fromKubernetes.enabled }}
  - env: GATEHOUSE_COOKIE_SECRET_FILE
    secret: {{ default $own $v.cookie.existingSecret | quote }}
    key: {{ ternary $v.cookie.existingSecretKey "cookie-secret" (ne $v.cookie.existingSecret "") | quote }}
    path: cookie-secret
{{- end }}
{{- if eq (include "gatehouse.redisPasswordSource" .) "existing" }}
  - env: GATEHOUSE_REDIS_PASSWORD_FILE
    secret: {{ $v.redis.existingSecret | quote }}
    key: {{ $v.redis.existingSecretKey | quote }}
    path: redis-password
{{- else if eq (include "gatehouse.redisPasswordSource" .) "chart" }}
  - env: GATEHOUSE_REDIS_PASSWORD_FILE
    secret: {{ $own | quote }}
    key: redis-password
    path: redis-password
{{- end }}
{{- if ne (include "gatehouse.trustedHeaderSecretSource" .) "none" }}
{{- $t := $v.trustedHeaders }}
  - env: GATEHOUSE_TRUSTED_HEADER_SECRET_FILE
    secret: {{ default $own $t.existingSecret | quote }}
    key: {{ ternary $t.existingSecretKey "trusted-header-secret" (ne $t.existingSecret "") | quote }}
    path: trusted-header-secret
{{- end }}
{{- with $v.clientCertificates }}
{{- if and .enabled .existingSecret }}
  - env: GATEHOUSE_CLIENT_CERT_SECRET_FILE
    secret: {{ .existingSecret | quote }}
    key: {{ .existingSecretKey | quote }}
    path: client-cert-secret
{{- end }}
{{- end }}
{{- if include "gatehouse.usesLdap" . }}
  - env: GATEHOUSE_LDAP_BIND_PASSWORD_FILE
    secret: {{ $v.ldap.existingSecret | quote }}
    key: {{ $v.ldap.existingSecretKey | quote }}
    path: ldap-bind-password
{{- with $v.ldap.caSecret }}
  - env: GATEHOUSE_LDAP_CA_FILE
    secret: {{ . | quote }}
    key: {{ $v.ldap.caSecretKey | quote }}
    path: ldap-ca.crt
{{- end }}
{{- end }}
{{- if include "gatehouse.usesHtpasswd" . }}
  - env: GATEHOUSE_HTPASSWD_FILE
    secret: {{ $v.htpasswd.existingSecret | quote }}
    key: {{ $v.htpasswd.existingSecretKey | quote }}
    path: htpasswd
{{- end }}
{{- if ne (include "gatehouse.trustedProxySecretSource" .) "none" }}
{{- $p := $v.trustedProxies }}
  - env: GATEHOUSE_TRUSTED_PROXY_SECRET_FILE
    secret: {{ default $own $p.existingSecret | quote }}
    key: {{ ternary $p.existingSecretKey "trusted-proxy-secret" (ne $p.existingSecret "") | quote }}
    path: trusted-proxy-secret
{{- end }}
{{- if $v.elasticsearch.enabled }}
{{- if $v.elasticsearch.existingSecret }}
  - env: GATEHOUSE_ELASTICSEARCH_PASSWORD_FILE
    secret: {{ $v.elasticsearch.existingSecret | quote }}
    key: {{ $v.elasticsearch.existingSecretKey | quote }}
    path: elasticsearch-password
{{- else if $v.elasticsearch.password }}
  - env: GATEHOUSE_ELASTICSEARCH_PASSWORD_FILE
    secret: {{ $own | quote }}
    key: elasticsearch-password
    path: elasticsearch-password
{{- end }}
{{- end }}
{{- /* Each listed provider's client secret: a file the config file names, no variable. */}}
{{- range $v.providers }}
  - secret: {{ .existingSecret | quote }}
    key: {{ default "client-secret" .existingSecretKey | quote }}
    path: {{ include "gatehouse.providerSecretPath" . | quote }}
{{- end }}
{{- /* Each token issuer's introspection secret or key: a file the config file names, no variable. */}}
{{- range $index, $issuer := $v.bearer.issuers }}
{{- with .introspection }}
  - secret: {{ .existingSecret | quote }}
    key: {{ default "client-secret" .existingSecretKey | quote }}
    path: {{ include "gatehouse.issuerSecretPath" $index | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Where the client secret comes from: "existing", "chart" or "none"; `login` always needs one, `oidc` only takes a given one. */}}
{{- define "gatehouse.clientSecretSource" -}}
{{- $v := .Values }}
{{- if not (has $v.authProvider (list "login" "oidc")) }}none
{{- else if $v.oidc.existingSecret }}existing
{{- else if or $v.oidc.clientSecret (and (eq $v.authProvider "login") (not (include "gatehouse.realmSignIn" .))) }}chart
{{- else }}none
{{- end }}
{{- end }}

{{/* Where the trusted upstream's shared secret comes from: "existing", "chart" or "none" (and none without `authelia`). */}}
{{- define "gatehouse.trustedHeaderSecretSource" -}}
{{- $t := .Values.trustedHeaders }}
{{- if ne .Values.authProvider "authelia" }}none
{{- else if $t.existingSecret }}existing
{{- else if $t.secret }}chart
{{- else }}none
{{- end }}
{{- end }}

{{/* Where the proxies' shared secret comes from: "existing", "chart" or "none" (whatever the identity source). */}}
{{- define "gatehouse.trustedProxySecretSource" -}}
{{- $p := .Values.trustedProxies }}
{{- if $p.existingSecret }}existing
{{- else if $p.secret }}chart
{{- else }}none
{{- end }}
{{- end }}

{{/* Where the Redis password comes from: "existing", "chart" (given or generated) or "none". */}}
{{- define "gatehouse.redisPasswordSource" -}}
{{- $r := .Values.redis }}
{{- if ne (include "gatehouse.sessionStore" .) "redis" }}none
{{- else if $r.existingSecret }}existing
{{- else if or $r.password $r.enabled }}chart
{{- else }}none
{{- end }}
{{- end }}

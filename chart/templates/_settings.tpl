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
GATEHOUSE_OIDC_ISSUER_URL: {{ $v.oidc.issuerUrl | quote }}
GATEHOUSE_OIDC_CLIENT_ID: {{ $v.oidc.clientId | quote }}
GATEHOUSE_OIDC_SCOPES: {{ $v.oidc.scopes | quote }}
GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: {{ $v.oidc.allowInsecureHttp | toString | quote }}
GATEHOUSE_OIDC_TIMEOUT: {{ $v.oidc.timeout | quote }}
GATEHOUSE_REDIRECT_URL: {{ include "gatehouse.redirectUrl" . | quote }}
{{- with $v.oidc.postLogoutRedirectUrl }}
GATEHOUSE_POST_LOGOUT_REDIRECT_URL: {{ . | quote }}
{{- end }}
GATEHOUSE_COOKIE_NAME: {{ $v.cookie.name | quote }}
GATEHOUSE_COOKIE_DOMAIN: {{ $v.cookie.domain | quote }}
GATEHOUSE_COOKIE_SECURE: {{ $v.cookie.secure | toString | quote }}
GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: {{ join "," $v.allowedRedirectDomains | quote }}
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
{{- end }}
{{- end }}

{{/*
The secret files: for each, the `_FILE` variable, the Secret (the chart's or an existing one),
the key in it and the file name under gatehouse.secretDir. Rendered as YAML under `files:`.
*/}}
{{- define "gatehouse.secretFiles" -}}
{{- $v := .Values }}
{{- $own := include "gatehouse.fullname" . }}
files:
  - env: GATEHOUSE_OIDC_CLIENT_SECRET_FILE
    secret: {{ default $own $v.oidc.existingSecret | quote }}
    key: {{ ternary $v.oidc.existingSecretKey "client-secret" (ne $v.oidc.existingSecret "") | quote }}
    path: client-secret
  - env: GATEHOUSE_COOKIE_SECRET_FILE
    secret: {{ default $own $v.cookie.existingSecret | quote }}
    key: {{ ternary $v.cookie.existingSecretKey "cookie-secret" (ne $v.cookie.existingSecret "") | quote }}
    path: cookie-secret
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

{{/*
The chart Secret's data (base64 values), one key per secret the values give or the chart generates.
Generated values (cookie keys, the chart Redis's password) are read back from the live Secret with
`lookup`, so an upgrade keeps them: new cookie keys would sign everyone out. `helm template` and
tools built on it cannot look anything up, so there every render generates new ones; the README
says to set the values or use existingSecret there.
*/}}
{{- define "gatehouse.secretData" -}}
{{- $v := .Values }}
{{- $live := (lookup "v1" "Secret" .Release.Namespace (include "gatehouse.fullname" .)) | default dict }}
{{- $liveData := get $live "data" | default dict }}
{{- if eq (include "gatehouse.clientSecretSource" .) "chart" }}
client-secret: {{ $v.oidc.clientSecret | b64enc | quote }}
{{- end }}
{{- if not (or $v.cookie.existingSecret $v.cookie.fromKubernetes.enabled) }}
cookie-secret: {{ include "gatehouse.keptOrGenerated" (dict "given" $v.cookie.secret "live" $liveData "key" "cookie-secret" "generate" (randBytes 32)) }}
{{- end }}
{{- if eq (include "gatehouse.redisPasswordSource" .) "chart" }}
redis-password: {{ include "gatehouse.keptOrGenerated" (dict "given" $v.redis.password "live" $liveData "key" "redis-password" "generate" (randAlphaNum 40)) }}
{{- end }}
{{- if eq (include "gatehouse.trustedHeaderSecretSource" .) "chart" }}
trusted-header-secret: {{ $v.trustedHeaders.secret | b64enc | quote }}
{{- end }}
{{- if eq (include "gatehouse.trustedProxySecretSource" .) "chart" }}
trusted-proxy-secret: {{ $v.trustedProxies.secret | b64enc | quote }}
{{- end }}
{{- if and $v.elasticsearch.enabled (not $v.elasticsearch.existingSecret) $v.elasticsearch.password }}
elasticsearch-password: {{ $v.elasticsearch.password | b64enc | quote }}
{{- end }}
{{- end }}

{{/* A given value wins; else the live Secret's value is kept; else the freshly generated one. */}}
{{- define "gatehouse.keptOrGenerated" -}}
{{- if .given }}
{{- .given | b64enc | quote }}
{{- else if hasKey .live .key }}
{{- index .live .key | quote }}
{{- else }}
{{- .generate | b64enc | quote }}
{{- end }}
{{- end }}

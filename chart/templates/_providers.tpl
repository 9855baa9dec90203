{{/*
The config file as rendered into the ConfigMap: `config` as given, with `providers` (the values'
list of further OpenID Providers) added as the file's `providers` section. Each provider's client
secret stays in its Secret, mounted as a file beside the chart's own secret files; the file only
names the path.
*/}}
{{- define "gatehouse.configFile" -}}
{{- $config := deepCopy .Values.config }}
{{- with .Values.providers }}
{{- $listed := list }}
{{- range . }}
{{- $entry := dict "id" .id "issuer" .issuer "client_id" .clientId "client_secret_file" (printf "%s/%s" (include "gatehouse.secretDir" $) (include "gatehouse.providerSecretPath" .)) }}
{{- with .name }}{{ $_ := set $entry "name" . }}{{ end }}
{{- with .scopes }}{{ $_ := set $entry "scopes" . }}{{ end }}
{{- with .hosts }}{{ $_ := set $entry "hosts" . }}{{ end }}
{{- range $key, $value := .config }}{{ $_ := set $entry $key $value }}{{ end }}
{{- $listed = append $listed $entry }}
{{- end }}
{{- $_ := set $config "providers" $listed }}
{{- end }}
{{- if .Values.bearer.issuers }}{{ $_ := set $config "bearer" (include "gatehouse.bearerSection" . | fromYaml) }}{{ end }}
{{- toYaml $config }}
{{- end }}

{{/* Where a listed provider's client secret is mounted, under the secrets directory. */}}
{{- define "gatehouse.providerSecretPath" -}}
provider-{{ .id }}-client-secret
{{- end }}

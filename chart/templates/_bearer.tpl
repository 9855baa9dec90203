{{/*
The token issuers of `bearer.issuers`, as the config file's `bearer` section: each issuer with its
audiences, algorithms, clock skew, username prefix, key set location and claims mapping, and its
introspection client. An introspection client secret (or private key) stays in its Secret, mounted
as a file beside the chart's own secret files; the section only names the path.
*/}}
{{- define "gatehouse.bearerSection" -}}
{{- $root := . }}
{{- $listed := list }}
{{- range $index, $issuer := .Values.bearer.issuers }}
{{- $entry := dict "issuer" .issuer "audiences" .audiences }}
{{- with .algorithms }}{{ $_ := set $entry "algorithms" . }}{{ end }}
{{- with .clockSkew }}{{ $_ := set $entry "clock_skew" . }}{{ end }}
{{- with .usernamePrefix }}{{ $_ := set $entry "username_prefix" . }}{{ end }}
{{- with .jwksUri }}{{ $_ := set $entry "jwks_uri" . }}{{ end }}
{{- with .discoveryUrl }}{{ $_ := set $entry "discovery_url" . }}{{ end }}
{{- with .claims }}{{ $_ := set $entry "claims" . }}{{ end }}
{{- with .introspection }}
{{- $file := printf "%s/%s" (include "gatehouse.secretDir" $root) (include "gatehouse.issuerSecretPath" $index) }}
{{- $client := dict "client_id" .clientId }}
{{- $_ := set $client (ternary "private_key_file" "client_secret_file" (eq .authMethod "private_key_jwt")) $file }}
{{- with .authMethod }}{{ $_ := set $client "auth_method" . }}{{ end }}
{{- with .audienceClaim }}{{ $_ := set $client "audience_claim" . }}{{ end }}
{{- with .maxCache }}{{ $_ := set $client "max_cache" . }}{{ end }}
{{- with .endpoint }}{{ $_ := set $client "endpoint" . }}{{ end }}
{{- $_ := set $entry "introspection" $client }}
{{- end }}
{{- $listed = append $listed $entry }}
{{- end }}
{{- toYaml (dict "issuers" $listed) }}
{{- end }}

{{/* Where the introspection secret of the issuer at `.` (its index) is mounted, under the secrets directory. */}}
{{- define "gatehouse.issuerSecretPath" -}}
issuer-{{ . }}-introspection-secret
{{- end }}

{{/* "true" when an issuer has an introspection client: the introspection source is listed. */}}
{{- define "gatehouse.introspects" -}}
{{- range .Values.bearer.issuers }}{{ if .introspection }}true{{ end }}{{ end }}
{{- end }}

{{/* "true" when authProvider=oidc trusts the listed issuers alone: no GATEHOUSE_OIDC_* provider. */}}
{{- define "gatehouse.issuersOnly" -}}
{{- if and (eq .Values.authProvider "oidc") .Values.bearer.issuers (not .Values.oidc.issuerUrl) }}true{{ end }}
{{- end }}

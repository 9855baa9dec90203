{{/* Names, labels and small derived values shared by every template. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "gatehouse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* `<release>-<chart>` (just `<release>` when it already contains the chart name), at most 63 characters. */}}
{{- define "gatehouse.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the Redis the chart deploys (room left for the suffix). */}}
{{- define "gatehouse.redisFullname" -}}
{{- printf "%s-redis" (include "gatehouse.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{- define "gatehouse.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "gatehouse.labels" -}}
helm.sh/chart: {{ include "gatehouse.chart" . }}
{{ include "gatehouse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Stable labels only: a selector cannot change after install. */}}
{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gatehouse.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest pins the image. */}}
{{- define "gatehouse.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* "redis" when sessions are shared through Redis (the chart's or an external one), else "memory". */}}
{{- define "gatehouse.sessionStore" -}}
{{- $r := .Values.redis }}
{{- if or $r.enabled $r.url $r.sentinels $r.clusterNodes }}redis{{ else }}memory{{ end }}
{{- end }}

{{/* The most pods that can run at once. */}}
{{- define "gatehouse.maxPods" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.maxReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/* The fewest pods that run when nothing is disrupted. */}}
{{- define "gatehouse.minPods" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/* The callback URL: given, or derived from the chart's Ingress host. */}}
{{- define "gatehouse.redirectUrl" -}}
{{- if .Values.oidc.redirectUrl }}
{{- .Values.oidc.redirectUrl }}
{{- else if .Values.ingress.host }}
{{- printf "https://%s/oauth2/callback" .Values.ingress.host }}
{{- end }}
{{- end }}

{{/* terminationGracePeriodSeconds: given, or long enough for the preStop pause and the drain. */}}
{{- define "gatehouse.terminationGracePeriod" -}}
{{- $s := .Values.shutdown }}
{{- if kindIs "invalid" $s.terminationGracePeriodSeconds }}
{{- add $s.preStopSeconds $s.drainSeconds 5 }}
{{- else }}
{{- $s.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* The helm test Pod: deliberately not matched by the Service's selector. */}}
{{- define "gatehouse.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The Secret gatehouse keeps its cookie keys in with cookie.fromKubernetes. */}}
{{- define "gatehouse.cookieSecretName" -}}
{{- default (printf "%s-cookie-keys" (include "gatehouse.fullname" .)) .Values.cookie.fromKubernetes.secretName }}
{{- end }}

{{/* The chart's Redis: its own name label, so the gatehouse Service never selects it. */}}
{{- define "gatehouse.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}-redis
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gatehouse.redisLabels" -}}
helm.sh/chart: {{ include "gatehouse.chart" . }}
{{ include "gatehouse.redisSelectorLabels" . }}
app.kubernetes.io/component: session-store
app.kubernetes.io/part-of: {{ include "gatehouse.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

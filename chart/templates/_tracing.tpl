{{/*
Tracing: the standard OTEL_* variables gatehouse reads (docs/configuration.md), rendered into the
ConfigMap only when tracing.enabled. Nothing here when it is off: gatehouse then loads no part of the
OpenTelemetry SDK. The resource names the namespace and the chart's appVersion; OTEL_* set through
extraEnv come later in the container's env and win.
*/}}
{{- define "gatehouse.tracingSettings" -}}
{{- with .Values.tracing }}
{{- if .enabled }}
{{- if not .endpoint }}{{ fail "tracing.enabled needs tracing.endpoint: the OTLP/HTTP receiver's base URL, e.g. http://otel-collector.observability.svc:4318" }}{{ end }}
OTEL_TRACES_EXPORTER: "otlp"
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .endpoint | quote }}
OTEL_SERVICE_NAME: {{ default (include "gatehouse.fullname" $) .serviceName | quote }}
OTEL_RESOURCE_ATTRIBUTES: {{ printf "k8s.namespace.name=%s,service.version=%s" $.Release.Namespace $.Chart.AppVersion | quote }}
OTEL_TRACES_SAMPLER: {{ .sampler | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ .samplerRatio | toString | quote }}
GATEHOUSE_TRACING_RECORD_USER: {{ .recordUser | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

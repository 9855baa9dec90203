{{/* Pod parts shared by the Deployment and the helm test Pod, so the test checks the real configuration. */}}

{{/* Every variable: the ConfigMap's settings by reference, the secret file paths, then extraEnv. */}}
{{- define "gatehouse.env" -}}
{{- $cm := include "gatehouse.fullname" . }}
{{- range $name, $_ := include "gatehouse.settings" . | fromYaml }}
- name: {{ $name }}
  valueFrom:
    configMapKeyRef:
      name: {{ $cm }}
      key: {{ $name }}
{{- end }}
{{- range (include "gatehouse.secretFiles" . | fromYaml).files }}
{{- if .env }}
- name: {{ .env }}
  value: {{ printf "%s/%s" (include "gatehouse.secretDir" $) .path | quote }}
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "gatehouse.volumeMounts" -}}
- name: config
  mountPath: {{ include "gatehouse.configDir" . }}
  readOnly: true
- name: secrets
  mountPath: {{ include "gatehouse.secretDir" . }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if .Values.clientCertificates.enabled }}
- name: client-ca
  mountPath: /etc/gatehouse/client-ca
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* One projected volume for every secret file, whichever Secret holds it; projected volumes follow Secret updates. */}}
{{- define "gatehouse.volumes" -}}
- name: config
  configMap:
    name: {{ include "gatehouse.fullname" . }}
    items:
      - key: config.yaml
        path: config.yaml
      {{- if .Values.elasticsearch.caBundle }}
      - key: elasticsearch-ca.pem
        path: elasticsearch-ca.pem
      {{- end }}
- name: secrets
  projected:
    defaultMode: 288 # 0440: owner and the pod's fsGroup read
    sources:
      {{- range (include "gatehouse.secretFiles" . | fromYaml).files }}
      - secret:
          name: {{ .secret }}
          items:
            - key: {{ .key }}
              path: {{ .path }}
      {{- end }}
- name: tmp
  emptyDir:
    sizeLimit: 16Mi
{{- with .Values.clientCertificates }}
{{- if .enabled }}
{{- /* The client CA bundle and revocation list as files: the directory follows updates of the Secret or ConfigMap. */}}
- name: client-ca
  {{- if .ca.secret }}
  secret:
    secretName: {{ .ca.secret }}
    defaultMode: 292 # 0444: certificates and lists are public
  {{- else }}
  configMap:
    name: {{ .ca.configMap }}
  {{- end }}
    items:
      - key: {{ .ca.key }}
        path: ca.crt
      {{- with .ca.crlKey }}
      - key: {{ . }}
        path: ca.crl
      {{- end }}
{{- end }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Soft spread over nodes and zones unless explicit constraints are given. */}}
{{- define "gatehouse.topologySpread" -}}
{{- if .Values.topologySpreadConstraints }}
{{- toYaml .Values.topologySpreadConstraints }}
{{- else if .Values.topologySpread.enabled }}
{{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
- maxSkew: {{ $.Values.topologySpread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "gatehouse.selectorLabels" $ | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}
{{- end }}

{{/*
The pause before SIGTERM: the kubelet's own sleep where the cluster has it (1.30+; the image needs
no sleep binary), else node sleeping, since the image has node but no guaranteed shell.
*/}}
{{- define "gatehouse.preStop" -}}
{{- $seconds := int .Values.shutdown.preStopSeconds }}
{{- if semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }}
sleep:
  seconds: {{ $seconds }}
{{- else }}
exec:
  command: ["node", "-e", "setTimeout(() => {}, {{ mul $seconds 1000 }})"]
{{- end }}
{{- end }}

{{/* Names are cut to 63 characters (a DNS label); suffixes below stay within it. */}}
{{- define "quotaplan.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "quotaplan.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "quotaplan.labels" -}}
{{ include "quotaplan.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "quotaplan.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{- define "quotaplan.collectorName" -}}{{ include "quotaplan.fullname" . }}-collector{{- end -}}
{{- define "quotaplan.dashboardName" -}}{{ include "quotaplan.fullname" . }}-dashboard{{- end -}}
{{- define "quotaplan.claimName" -}}{{ .Values.persistence.existingClaim | default (printf "%s-data" (include "quotaplan.fullname" .)) }}{{- end -}}
{{- define "quotaplan.tokenSecretName" -}}{{ .Values.dashboard.token.existingSecret | default (printf "%s-token" (include "quotaplan.fullname" .)) }}{{- end -}}

{{/* The database file on the shared volume. */}}
{{- define "quotaplan.database" -}}/data/quotaplan.db{{- end -}}

{{/* Volumes both pods mount: the database and a writable /tmp (the root filesystem is read-only). */}}
{{- define "quotaplan.volumes" -}}
- name: data
  persistentVolumeClaim:
    claimName: {{ include "quotaplan.claimName" . }}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "quotaplan.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
{{- end -}}

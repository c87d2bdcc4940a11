{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "erasure-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources: fullnameOverride, or "<release>-<chart>" (just the release
name when it already contains the chart name), truncated to 63 characters.
*/}}
{{- define "erasure-service.fullname" -}}
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

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "erasure-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every resource.
*/}}
{{- define "erasure-service.labels" -}}
helm.sh/chart: {{ include "erasure-service.chart" . }}
{{ include "erasure-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: erasure-service
{{- end }}

{{/*
Selector labels: stable for the life of a release (Deployment selectors are immutable).
*/}}
{{- define "erasure-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "erasure-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the service account the pods use.
*/}}
{{- define "erasure-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "erasure-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Bytes of a size written as a Quarkus/JVM memory size (512M, 640m, 2g, 1024) or a Kubernetes
quantity (1280Mi, 1Gi, 1G). Fails on anything else, naming the value.
Usage: include "erasure-service.bytes" (list "memory.maxHeap" .Values.memory.maxHeap)
*/}}
{{- define "erasure-service.bytes" -}}
{{- $key := index . 0 }}
{{- $raw := toString (index . 1) }}
{{- if not (regexMatch "^[0-9]+([kKmMgGtT]i?)?$" $raw) }}
{{- fail (printf "%s must be a size such as 512M, 640m, 1Gi or 1280Mi (got %q)" $key $raw) }}
{{- end }}
{{- $number := regexFind "^[0-9]+" $raw | atoi }}
{{- $unit := lower (trimPrefix (regexFind "^[0-9]+" $raw) $raw) }}
{{- $factors := dict "" 1 "k" 1024 "ki" 1024 "m" 1048576 "mi" 1048576 "g" 1073741824 "gi" 1073741824 "t" 1099511627776 "ti" 1099511627776 }}
{{- mul $number (get $factors $unit) }}
{{- end }}

{{/*
Checks the values that only make sense together; fails the render with the rule, the values and
the fix. Included once by the Deployment.
*/}}
{{- define "erasure-service.validate" -}}
{{- $v := .Values }}
{{- /* The stop serves for the delay, drains for the timeout, gives aborted requests 2 s, then Quarkus sleeps the delay again (docs/operations.md, "Shutdown"). */}}
{{- $drain := add $v.preStopSleepSeconds (mul 2 $v.config.shutdown.delaySeconds) $v.config.shutdown.timeoutSeconds 2 }}
{{- if le (int $v.terminationGracePeriodSeconds) (int $drain) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + 2 x config.shutdown.delaySeconds + config.shutdown.timeoutSeconds + 2 (%d + 2 x %d + %d + 2 = %d), or Kubernetes kills the pod while it drains" (int $v.terminationGracePeriodSeconds) (int $v.preStopSleepSeconds) (int $v.config.shutdown.delaySeconds) (int $v.config.shutdown.timeoutSeconds) (int $drain)) }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%d) must be <= autoscaling.maxReplicas (%d)" (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and $v.autoscaling.enabled (lt (int $v.autoscaling.minReplicas) 1) }}
{{- fail (printf "autoscaling.minReplicas must be >= 1 (got %d)" (int $v.autoscaling.minReplicas)) }}
{{- end }}
{{- if not (has $v.config.codec.kernel (list "auto" "isal" "vector" "scalar")) }}
{{- fail (printf "config.codec.kernel must be one of auto, isal, vector, scalar (got %q)" (toString $v.config.codec.kernel)) }}
{{- end }}
{{- if not (has $v.image.flavor (list "native" "jvm")) }}
{{- fail (printf "image.flavor must be native or jvm (got %q)" (toString $v.image.flavor)) }}
{{- end }}
{{- include "erasure-service.validateSecurity" . }}
{{- $budget := include "erasure-service.bytes" (list "config.buffer.budget" $v.config.buffer.budget) | int64 }}
{{- $direct := include "erasure-service.bytes" (list "memory.maxDirectMemory" $v.memory.maxDirectMemory) | int64 }}
{{- $heap := include "erasure-service.bytes" (list "memory.maxHeap" $v.memory.maxHeap) | int64 }}
{{- with (dig "limits" "memory" "" $v.resources) }}
{{- $limit := include "erasure-service.bytes" (list "resources.limits.memory" .) | int64 }}
{{- if le $limit (add $heap $direct $budget) }}
{{- fail (printf "resources.limits.memory (%s) must exceed memory.maxHeap + memory.maxDirectMemory + config.buffer.budget (%s + %s + %s), or the pod is OOM-killed under load" (toString .) (toString $v.memory.maxHeap) (toString $v.memory.maxDirectMemory) (toString $v.config.buffer.budget)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"true" when access control is on: security.enabled, or a key source (apiKeys, existingSecret) set;
empty otherwise. Usage: if include "erasure-service.securityOn" .
*/}}
{{- define "erasure-service.securityOn" -}}
{{- if or .Values.security.enabled .Values.security.apiKeys .Values.security.existingSecret }}true{{ end }}
{{- end }}

{{/*
Name of the Secret with the API keys: security.existingSecret, or the one the chart creates.
*/}}
{{- define "erasure-service.keysSecret" -}}
{{- .Values.security.existingSecret | default (printf "%s-api-keys" (include "erasure-service.fullname" .)) }}
{{- end }}

{{/*
Entry of the keys Secret with the comma-separated keys (ERASURE_SECURITY_API_KEYS).
*/}}
{{- define "erasure-service.keysEntry" -}}
{{- if .Values.security.existingSecret }}{{ .Values.security.existingSecretKey | default "api-keys" }}{{ else }}api-keys{{ end }}
{{- end }}

{{/*
Entry of the keys Secret holding exactly one key, sent by the ServiceMonitor as Bearer token: the
chart's Secret has "metrics-key" (the first of security.apiKeys); an existing Secret uses
security.existingSecretMetricsKey, else its keys entry (which must then hold a single key).
*/}}
{{- define "erasure-service.metricsEntry" -}}
{{- if .Values.security.existingSecret }}{{ .Values.security.existingSecretMetricsKey | default (include "erasure-service.keysEntry" .) }}{{ else }}metrics-key{{ end }}
{{- end }}

{{/*
"true" when the service serves HTTPS only (tls.enabled and tls.insecureRequests disabled): probes,
Service, ServiceMonitor and the test hook then use the "https" port.
*/}}
{{- define "erasure-service.httpsOnly" -}}
{{- if and .Values.tls.enabled (eq (toString .Values.tls.insecureRequests) "disabled") }}true{{ end }}
{{- end }}

{{/*
Checks of the security and tls values. Included by erasure-service.validate.
*/}}
{{- define "erasure-service.validateSecurity" -}}
{{- $s := .Values.security }}
{{- if and $s.enabled (not $s.apiKeys) (not $s.existingSecret) }}
{{- fail "security.enabled is true but no key source is set: set security.apiKeys (comma-separated keys, each >= 16 characters) or security.existingSecret (a Secret whose entry security.existingSecretKey holds them)" }}
{{- end }}
{{- if and $s.apiKeys (not $s.existingSecret) }}
{{- range $i, $key := splitList "," (toString $s.apiKeys) }}
{{- if lt (len (trim $key)) 16 }}
{{- fail (printf "security.apiKeys: key #%d must have >= 16 characters (got %d)" (add $i 1) (len (trim $key))) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) }}
{{- fail "tls.enabled is true but tls.secretName is empty: name a kubernetes.io/tls Secret (tls.crt, tls.key)" }}
{{- end }}
{{- if not (has (toString .Values.tls.insecureRequests) (list "disabled" "redirect" "enabled")) }}
{{- fail (printf "tls.insecureRequests must be disabled, redirect or enabled (got %q)" (toString .Values.tls.insecureRequests)) }}
{{- end }}
{{- end }}

{{- define "deepseek-operator.fullname" -}}
{{- if contains "deepseek-operator" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-deepseek-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "deepseek-operator.serviceAccountName" -}}
{{- default (include "deepseek-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "deepseek-operator.selectorLabels" -}}
app.kubernetes.io/name: deepseek-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "deepseek-operator.labels" -}}
{{ include "deepseek-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The rules every mode needs on the objects the operator manages; written for a ClusterRole or a Role. */}}
{{- define "deepseek-operator.namespacedRules" -}}
- apiGroups: [serving.deepseek-operator.io]
  resources: [deepseekdeployments]
  verbs: [get, list, watch, patch, update]
- apiGroups: [serving.deepseek-operator.io]
  resources: [deepseekdeployments/status]
  verbs: [get, patch, update]
- apiGroups: [serving.deepseek-operator.io]
  resources: [deepseekdeployments/finalizers]
  verbs: [update]
- apiGroups: [apps]
  resources: [statefulsets, controllerrevisions, deployments]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [""]
  resources: [services, serviceaccounts]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, delete]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list]
- apiGroups: [""]
  resources: [events]
  verbs: [get, create, update, patch]
{{- end -}}

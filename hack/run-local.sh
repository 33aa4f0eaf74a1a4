#!/usr/bin/env bash
# The operator's main job on a simulated cluster, no GPUs needed:
#   builds the Kubernetes binaries (first time only) and the operator, starts the local cluster with simulated GPU/NPU
#   nodes, installs the CRD, runs the operator, applies examples/deepseek-r1-sglang-2x8-h100.yaml and waits for the group
#   to be Ready on two simulated H100 nodes. Cluster and operator keep running; stop them with hack/cluster-down.sh.
# Optional: EXAMPLE=examples/other.yaml NAMESPACE=demo hack/run-local.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
EXAMPLE=${EXAMPLE:-examples/deepseek-r1-sglang-2x8-h100.yaml}
NAMESPACE=${NAMESPACE:-deepseek-demo}
HTTP_PORT=${DEEPSEEK_OPERATOR_HTTP_PORT:-18080}

KUBECONFIG=$(bash hack/cluster-up.sh | tail -n 1); export KUBECONFIG
kubectl() { "$K8S_BIN_DIR/kubectl" "$@"; }

log "building the operator"
./mvnw -B -q package -DskipTests
kubectl apply --server-side -f crds/ >/dev/null
kubectl wait --for=condition=Established crd/deepseekdeployments.serving.deepseek-operator.io \
  crd/deepseekpolicies.serving.deepseek-operator.io crd/deepseekprofiles.serving.deepseek-operator.io --timeout=60s >/dev/null

if [ -f "$CLUSTER_DIR/pid/operator" ]; then kill "$(cat "$CLUSTER_DIR/pid/operator")" 2>/dev/null || true; sleep 1; fi
DEEPSEEK_OPERATOR_HTTP_PORT=$HTTP_PORT setsid java -XX:+ExitOnOutOfMemoryError -jar operator/target/quarkus-app/quarkus-run.jar \
  > "$CLUSTER_DIR/log/operator.log" 2>&1 < /dev/null &
echo $! > "$CLUSTER_DIR/pid/operator"
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$(cat "$CLUSTER_DIR/pid/operator")" 2>/dev/null || { tail -n 30 "$CLUSTER_DIR/log/operator.log" >&2; exit 1; }
  sleep 0.5
done
log "operator running (log: $CLUSTER_DIR/log/operator.log, metrics: http://127.0.0.1:$HTTP_PORT/q/metrics)"

kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
log "kubectl apply -n $NAMESPACE -f $EXAMPLE"
kubectl apply -n "$NAMESPACE" -f "$EXAMPLE"
name=$(kubectl create --dry-run=client -o jsonpath='{.metadata.name}' -f "$EXAMPLE")
if ! kubectl wait -n "$NAMESPACE" --for=condition=Ready "dsd/$name" --timeout=180s >/dev/null; then
  kubectl describe -n "$NAMESPACE" "dsd/$name" >&2; exit 1
fi

echo
kubectl get -n "$NAMESPACE" dsd "$name"
echo
kubectl get -n "$NAMESPACE" pods -o wide -l "serving.deepseek-operator.io/deployment=$name"
echo
echo "endpoint: $(kubectl get -n "$NAMESPACE" dsd "$name" -o jsonpath='{.status.endpoint}')"
echo "leader's command ($name-0):"
kubectl get -n "$NAMESPACE" pod "$name-0" -o jsonpath='{range .spec.containers[0].command[*]}{@}{" "}{end}{range .spec.containers[0].args[*]}{@}{" "}{end}' \
  | sed 's/ --/ \\\n    --/g'
echo
echo "(the kubelet expands \$(DS_LEADER_IP) to $(kubectl get -n "$NAMESPACE" pod "$name-0" -o jsonpath='{.status.podIP}') and \$(DS_NODE_RANK) to 0 on the leader)"
echo
echo "Try: export KUBECONFIG=$KUBECONFIG"
echo "     kubectl -n $NAMESPACE scale dsd $name --replicas=2 && kubectl -n $NAMESPACE get dsd -w"
echo "     kubectl -n $NAMESPACE patch dsd $name --type=merge -p '{\"spec\":{\"model\":{\"revision\":\"v2\"}}}'   # a rolling upgrade, group by group"
echo "     kubectl -n $NAMESPACE get events -w   # what the operator did (docs/operations.md)"
echo "Stop: hack/cluster-down.sh"

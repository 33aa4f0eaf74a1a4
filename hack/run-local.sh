#!/usr/bin/env bash
# The operator's main job on a simulated cluster, no GPUs needed:
#   builds the Kubernetes binaries (first time only) and the operator, starts the local cluster with simulated GPU/NPU
#   nodes, installs the CRD, runs the operator, applies examples/deepseek-r1-sglang-2x8-h100.yaml, waits for the group
#   to be Ready on two simulated H100 nodes (their pods run stand-in engines, with real probes), and sends it one chat
#   completion through its Service. Cluster and operator keep running; stop them with hack/cluster-down.sh.
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
# kubectl wait fails rather than waits while a CRD just created has no conditions yet: asked again, 30 times at most
# (each waits up to 2 s, then 1 s apart: a minute and a half at worst), the last time with kubectl's own error shown.
CRDS=(crd/deepseekdeployments.serving.deepseek-operator.io crd/deepseekpolicies.serving.deepseek-operator.io
  crd/deepseekprofiles.serving.deepseek-operator.io)
for i in $(seq 1 30); do
  kubectl wait --for=condition=Established "${CRDS[@]}" --timeout=2s >/dev/null 2>&1 && break
  [ "$i" -lt 30 ] || { kubectl wait --for=condition=Established "${CRDS[@]}" --timeout=2s; exit 1; }
  sleep 1
done

if [ -f "$CLUSTER_DIR/pid/operator" ]; then kill "$(cat "$CLUSTER_DIR/pid/operator")" 2>/dev/null || true; sleep 1; fi
# One identity for the local operator: a restart takes its leader-election lease back at once.
POD_NAME=local-operator DEEPSEEK_OPERATOR_HTTP_PORT=$HTTP_PORT setsid java $OPERATOR_JAVA_OPTS -jar operator/target/quarkus-app/quarkus-run.jar \
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
DSO_AGENT=off
[ -f "$CLUSTER_DIR/cluster.env" ] && source "$CLUSTER_DIR/cluster.env"
if [ "$DSO_AGENT" = on ]; then
  svc_ip=$(kubectl get -n "$NAMESPACE" svc "$name" -o jsonpath='{.spec.clusterIP}')
  svc_port=$(kubectl get -n "$NAMESPACE" svc "$name" -o jsonpath='{.spec.ports[0].port}')
  served=$(kubectl get -n "$NAMESPACE" dsd "$name" -o jsonpath='{.spec.model.servedName}')
  [ -n "$served" ] || served=$name
  key_secret=$(kubectl get -n "$NAMESPACE" dsd "$name" -o jsonpath='{.spec.engine.apiKeySecretRef.name}')
  auth=()
  if [ -n "$key_secret" ]; then
    key_field=$(kubectl get -n "$NAMESPACE" dsd "$name" -o jsonpath='{.spec.engine.apiKeySecretRef.key}')
    auth=(-H "Authorization: Bearer $(kubectl get -n "$NAMESPACE" secret "$key_secret" -o jsonpath="{.data.$key_field}" | base64 -d)")
  fi
  echo
  echo "A chat completion through Service $name ($svc_ip:$svc_port), from the cluster's client namespace $CLIENT_NS:"
  echo "  curl http://$svc_ip:$svc_port/v1/chat/completions -d '{\"model\": \"$served\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'"
  answer=""
  for _ in $(seq 1 20); do
    answer=$(ip netns exec "$CLIENT_NS" curl -sS -m 30 "${auth[@]}" -H 'Content-Type: application/json' \
      -d "{\"model\": \"$served\", \"max_tokens\": 12, \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}" \
      "http://$svc_ip:$svc_port/v1/chat/completions" 2>&1) && [[ "$answer" == *choices* ]] && break
    sleep 1
  done
  echo "  -> $(echo "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])' 2>/dev/null || echo "$answer")"
  leader_ip=$(kubectl get -n "$NAMESPACE" pod "$name-0" -o jsonpath='{.status.podIP}')
  engine_port=$(kubectl get -n "$NAMESPACE" pod "$name-0" -o jsonpath='{.spec.containers[0].ports[0].containerPort}')
  echo "The group's queue, from the leader's metrics (http://$leader_ip:$engine_port/metrics):"
  curl -s -m 5 "http://$leader_ip:$engine_port/metrics" | grep -E '^(sglang:num_queue_reqs|sglang:num_running_reqs|vllm:num_requests_waiting|vllm:num_requests_running)' | sed 's/^/  /'
  echo "(The engine is a stand-in: hack/standin answers with SGLang's and vLLM's APIs and metrics, no model runs. The pods,"
  echo " probes, restarts, network and Service routing are real: hack/nodeagent is the simulated nodes' kubelet.)"
else
  echo
  echo "(kwok simulates the pods: nothing runs and no request can be served. As root, the node agent runs them: see docs/development.md.)"
fi

echo
echo "Try: export KUBECONFIG=$KUBECONFIG"
echo "     kubectl -n $NAMESPACE scale dsd $name --replicas=2 && kubectl -n $NAMESPACE get dsd -w"
echo "     kubectl -n $NAMESPACE patch dsd $name --type=merge -p '{\"spec\":{\"model\":{\"revision\":\"v2\"}}}'   # a rolling upgrade, group by group"
echo "     kubectl -n $NAMESPACE get events -w   # what the operator did (docs/operations.md)"
[ "$DSO_AGENT" = on ] && echo "     ip netns exec $CLIENT_NS $STANDIN_BIN/bin/loadgen -url http://<cluster IP>:<port>/v1/chat/completions -model <served name> -rate 10 -duration 30s"
echo "Stop: hack/cluster-down.sh"

#!/usr/bin/env bash
# Starts a local Kubernetes control plane on loopback, with TLS and RBAC, built from Go modules (hack/build-binaries.sh):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, plus simulated GPU/NPU nodes (hack/cluster/nodes.sh).
# As root (DSO_AGENT=auto, the default), the simulated nodes run their pods for real: hack/nodeagent acts as their kubelet
# (stand-in engines, probes, restarts, pod status) on a contained network of namespaces, and kube-proxy programs the
# Services in the client namespace $CLIENT_NS. With DSO_AGENT=off (or without root) kwok marks pods Running and Ready and
# nothing runs. Idempotent: if the cluster already answers, it only prints how to use it. State lives in $CLUSTER_DIR.
# Ports: apiserver 16443, etcd 12379-12381, controller-manager 20257, scheduler 20259, kwok 20247, each plus
# DSO_PORT_OFFSET (default 0), so a second cluster (the end-to-end tests use DSO_PORT_OFFSET=100) can run beside this one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OFF=${DSO_PORT_OFFSET:-0}
APISERVER_PORT=$((16443 + OFF)); ETCD_CLIENT=$((12379 + OFF)); ETCD_PEER=$((12380 + OFF)); ETCD_METRICS=$((12381 + OFF))
KCM_PORT=$((20257 + OFF)); SCHED_PORT=$((20259 + OFF)); KWOK_PORT=$((20247 + OFF))
RUN=$CLUSTER_DIR; PKI=$RUN/pki; B=$K8S_BIN_DIR
KUBECONFIG_FILE=$RUN/admin.kubeconfig
kubectl() { "$B/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

apiserver_ready() { [ -f "$PKI/ca.crt" ] && curl -fsS --max-time 2 --cacert "$PKI/ca.crt" "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1; }

components_alive() {
  local want="etcd apiserver controller-manager scheduler kwok"
  [ "$AGENT" = on ] && want="$want nodeagent kube-proxy"
  for c in $want; do kill -0 "$(cat "$RUN/pid/$c" 2>/dev/null)" 2>/dev/null || return 1; done
}

AGENT=${DSO_AGENT:-auto}
if [ "$AGENT" = auto ]; then
  AGENT=off
  if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v nsenter >/dev/null && command -v iptables-restore >/dev/null; then
    AGENT=on
  else
    log "not root, or ip/nsenter/iptables missing: pods are simulated by kwok only (nothing runs, no traffic)"
  fi
fi

if components_alive && apiserver_ready; then
  log "cluster already running: export KUBECONFIG=$KUBECONFIG_FILE"
  echo "$KUBECONFIG_FILE"
  exit 0
fi

bash "$HACK_DIR/build-binaries.sh"
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
bash "$HACK_DIR/cluster-down.sh" >/dev/null 2>&1 || true
rm -rf "$RUN"; mkdir -p "$PKI" "$RUN/log" "$RUN/pid"
t0=$SECONDS

# --- PKI: one CA; a serving cert for the apiserver and kwok; client certs per component ---------------------------------
(
  cd "$PKI"
  printf '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=v3\n[dn]\nCN=deepseek-operator-local-ca\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n' > ca.cnf
  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 -config ca.cnf 2>/dev/null
  sign() { # name CN O EKU SAN
    { printf '[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=%s\n' "$2"; [ -z "$3" ] || echo "O=$3"
      printf '[x]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$4"
      [ -z "$5" ] || echo "subjectAltName=$5"; } > "$1.cnf"
    openssl req -new -nodes -newkey rsa:2048 -keyout "$1.key" -out "$1.csr" -config "$1.cnf" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 -extfile "$1.cnf" -extensions x -out "$1.crt" 2>/dev/null
  }
  # Pods reach the API server through the node agent's forward on the bridge ($NODE_NET.255.254): in the serving cert too.
  sign apiserver kube-apiserver "" serverAuth "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1,IP:$NODE_NET.255.254"
  sign admin kubernetes-admin system:masters clientAuth ""
  sign kcm system:kube-controller-manager "" clientAuth ""
  sign sched system:kube-scheduler "" clientAuth ""
  sign kwok kwok system:masters serverAuth,clientAuth "DNS:localhost,IP:127.0.0.1"
  sign kube-proxy system:kube-proxy "" clientAuth ""
  openssl genrsa -out sa.key 2048 2>/dev/null && openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
)
kc() {
  cat > "$RUN/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: deepseek-local, cluster: {server: "https://127.0.0.1:$APISERVER_PORT", certificate-authority: $PKI/ca.crt}}]
users: [{name: $1, user: {client-certificate: $PKI/$1.crt, client-key: $PKI/$1.key}}]
contexts: [{name: deepseek-local, context: {cluster: deepseek-local, user: $1}}]
current-context: deepseek-local
YAML
}
kc admin; kc kcm; kc sched; kc kwok; kc kube-proxy

# --- processes ---------------------------------------------------------------------------------------------------------
bg() { local n=$1; shift; setsid "$@" >"$RUN/log/$n.log" 2>&1 < /dev/null & echo $! > "$RUN/pid/$n"; }
all_alive() { for f in "$RUN"/pid/*; do kill -0 "$(cat "$f")" 2>/dev/null || { echo "$(basename "$f") exited" >&2; return 1; }; done; }
fail() { echo "$1; logs in $RUN/log" >&2; for f in "$RUN"/log/*.log; do echo "== $f" >&2; tail -n 15 "$f" >&2; done
  bash "$HACK_DIR/cluster-down.sh" >&2 || true; exit 1; }
wait_for() { # what seconds command...
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    all_alive || fail "a component exited while waiting for $what"
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}

bg etcd "$B/etcd" --name=node0 --data-dir="$RUN/etcd" --listen-client-urls=http://127.0.0.1:$ETCD_CLIENT \
  --advertise-client-urls=http://127.0.0.1:$ETCD_CLIENT --listen-peer-urls=http://127.0.0.1:$ETCD_PEER \
  --initial-advertise-peer-urls=http://127.0.0.1:$ETCD_PEER --initial-cluster=node0=http://127.0.0.1:$ETCD_PEER \
  --listen-metrics-urls=http://127.0.0.1:$ETCD_METRICS --quota-backend-bytes=4294967296 --unsafe-no-fsync=true --log-level=warn
wait_for etcd 30 curl -fsS http://127.0.0.1:$ETCD_CLIENT/health

# DSO_AUDIT_GROUP=<group>: the API server logs every request made by users of that group (verb, object, user; JSON lines
# in $RUN/log/audit.log), so that a benchmark counts each controller's reads and writes the same way (hack/measure-scale.sh).
audit=()
if [ -n "${DSO_AUDIT_GROUP:-}" ]; then
  printf 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  userGroups: ["%s"]\n- level: None\n' \
    "$DSO_AUDIT_GROUP" > "$RUN/audit-policy.yaml"
  audit=(--audit-policy-file="$RUN/audit-policy.yaml" --audit-log-path="$RUN/log/audit.log" --audit-log-format=json
    --audit-log-mode=batch --audit-log-batch-max-wait=1s)
fi
bg apiserver "$B/kube-apiserver" "${audit[@]}" --etcd-servers=http://127.0.0.1:$ETCD_CLIENT --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 --endpoint-reconciler-type=none --secure-port="$APISERVER_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
  --authorization-mode=Node,RBAC --allow-privileged=true --profiling=false
wait_for kube-apiserver 120 apiserver_ready

# DSO_KCM_V=<n>: the controller manager's log verbosity (2 logs each object the garbage collector deletes; ChaosIT uses it).
# DSO_NODE_GRACE=<duration>: how long nodes may go unheard before the controller manager marks them NotReady (Kubernetes'
# default, 50s, unless set; GarbageCollectorGapIT keeps the controller manager stopped for about that long).
bg controller-manager "$B/kube-controller-manager" --kubeconfig="$RUN/kcm.kubeconfig" --v="${DSO_KCM_V:-0}" \
  --node-monitor-grace-period="${DSO_NODE_GRACE:-50s}" \
  --authentication-kubeconfig="$RUN/kcm.kubeconfig" --authorization-kubeconfig="$RUN/kcm.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=$KCM_PORT --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range=$SERVICE_CIDR --kube-api-qps=100 --kube-api-burst=200 \
  --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24
printf 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection: {kubeconfig: %s, qps: 100, burst: 200}\nleaderElection: {leaderElect: false}\n' \
  "$RUN/sched.kubeconfig" > "$RUN/scheduler.yaml"
bg scheduler "$B/kube-scheduler" --config="$RUN/scheduler.yaml" --authentication-kubeconfig="$RUN/sched.kubeconfig" \
  --authorization-kubeconfig="$RUN/sched.kubeconfig" --bind-address=127.0.0.1 --secure-port=$SCHED_PORT

# kwok: nodes Ready at once plus lease heartbeats; without the agent also the fast pod stages (scheduled pods Running and
# Ready, deletions finished). With the agent, kwok leaves pods alone: the agent is their kubelet.
S=$B/kwok-stages
stages="node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
[ "$AGENT" = on ] || stages="$stages pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml"
{
  printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {cidr: %s, nodeLeaseDurationSeconds: 40, podPlayStageParallelism: 4, nodePlayStageParallelism: 16, nodeLeaseParallelism: 4, podsOnNodeSyncParallelism: 1, enablePodsOnNodeSyncListPager: true, heartbeatFactor: 5, nodeStatusUpdateFrequencyMilliseconds: 10000}\n' "$POD_CIDR"
  for f in $stages; do printf -- '---\n'; cat "$S/$f"; done
} > "$RUN/kwok.yaml"
bg kwok "$B/kwok" --kubeconfig="$RUN/kwok.kubeconfig" --config="$RUN/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --cidr="$POD_CIDR" --node-ip=127.0.0.1 --node-lease-duration-seconds=40 \
  --node-port=$KWOK_PORT --server-address=127.0.0.1:$KWOK_PORT \
  --tls-cert-file="$PKI/kwok.crt" --tls-private-key-file="$PKI/kwok.key"

if [ "$AGENT" = on ]; then
  # The node agent: the simulated nodes' kubelet, and the contained network (hack/nodeagent/network.go).
  bg nodeagent "$STANDIN_BIN/nodeagent" run --kubeconfig="$KUBECONFIG_FILE" --state-dir="$RUN/agent" \
    --standins="$(readlink -f "$STANDIN_BIN")" --prefix="$NET_PREFIX" --node-cidr="$NODE_CIDR" --pod-cidr="$POD_CIDR" \
    --service-cidr="$SERVICE_CIDR" --apiserver="127.0.0.1:$APISERVER_PORT"
  wait_for "the node agent" 60 test -f "$RUN/agent/ready"
  # kube-proxy programs the Services in the client namespace (a client machine of the cluster), reaching the API server
  # through the agent's forward on the bridge.
  sed -e "s#https://127.0.0.1:$APISERVER_PORT#https://$NODE_NET.255.254:$APISERVER_PORT#" \
      -e "s#certificate-authority: #tls-server-name: localhost, certificate-authority: #" "$RUN/kube-proxy.kubeconfig" > "$RUN/kube-proxy-ns.kubeconfig"
  cat > "$RUN/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $RUN/kube-proxy-ns.kubeconfig, qps: 50, burst: 100}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $CLIENT_NS
bindAddress: 0.0.0.0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {minSyncPeriod: 1s, syncPeriod: 30s}
YAML
  bg kube-proxy ip netns exec "$CLIENT_NS" "$B/kube-proxy" --config="$RUN/kube-proxy.yaml"
fi

bash "$HACK_DIR/cluster/nodes.sh" | kubectl create -f - >/dev/null
if [ "$AGENT" = on ]; then
  # The client machine is a node of its own for kube-proxy (which wants its Node), tainted so nothing is scheduled there.
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata:
  name: $CLIENT_NS
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: client, kubernetes.io/hostname: $CLIENT_NS, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
spec:
  taints: [{key: serving.deepseek-operator.io/client, effect: NoSchedule}]
status:
  addresses: [{type: InternalIP, address: $NODE_NET.255.1}, {type: Hostname, address: $CLIENT_NS}]
  capacity:    {cpu: "8", memory: 64Gi, pods: "0"}
  allocatable: {cpu: "8", memory: 64Gi, pods: "0"}
YAML
fi
# kwok makes a few nodes Ready at a time: a benchmark's hundreds of nodes take minutes. (Not kubectl wait: its timeout
# covers all nodes, checked one after the other.)
nodes_ready() { [ -z "$(kubectl get nodes -l type=kwok --no-headers | awk '$2 != "Ready"')" ]; }
wait_for "simulated nodes Ready" $((120 + $(kubectl get nodes -l type=kwok --no-headers | wc -l))) nodes_ready
wait_for "default ServiceAccount" 120 kubectl -n default get serviceaccount default
if [ "$AGENT" = on ]; then
  wait_for "kube-proxy" 90 ip netns exec "$CLIENT_NS" curl -fsS --max-time 2 http://127.0.0.1:10256/healthz
  wait_for "the simulated nodes' networks" 60 bash -c "for n in \$('$B/kubectl' --kubeconfig '$KUBECONFIG_FILE' get nodes -l type=kwok -o name); do ip netns list | grep -q \"^$NET_PREFIX-n-\${n#node/}\" || exit 1; done"
fi
printf 'DSO_AGENT=%s\nCLIENT_NS=%s\nNODE_CIDR=%s\nPOD_CIDR=%s\nSERVICE_CIDR=%s\nSTANDIN_BIN=%s\n' "$AGENT" "$CLIENT_NS" "$NODE_CIDR" \
  "$POD_CIDR" "$SERVICE_CIDR" "$(readlink -f "$STANDIN_BIN")" > "$RUN/cluster.env"

log "local cluster up in $((SECONDS - t0)) s: $(kubectl get nodes -l type=kwok --no-headers | wc -l) simulated nodes, pods run by $([ "$AGENT" = on ] && echo "the node agent (client namespace: $CLIENT_NS)" || echo "kwok (simulated only)")"
log "use it with: export KUBECONFIG=$KUBECONFIG_FILE"
echo "$KUBECONFIG_FILE"

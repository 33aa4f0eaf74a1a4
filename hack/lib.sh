#!/usr/bin/env bash
# Shared paths for the hack/ scripts. Source it; it defines no side effects beyond variables.
HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$HACK_DIR/.." && pwd)"
# shellcheck source=versions.env
source "$HACK_DIR/versions.env"
CACHE_ROOT="${DSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deepseek-operator}"
K8S_BIN_DIR="$CACHE_ROOT/bin/k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
# helm, for the chart's tests (hack/tools/helm), cached by its version.
HELM_BIN="$CACHE_ROOT/bin/helm-${HELM_VERSION}/helm"
# LeaderWorkerSet (hack/build-binaries.sh lws): lws-manager, its CRDs and webhook manifests from the module zip.
LWS_DIR="$CACHE_ROOT/bin/lws-${LWS_VERSION}"
ROUTERS_DIR="$CACHE_ROOT/routers/smg-${SMG_VERSION}_vllm-router-${VLLM_ROUTER_VERSION}"
# kube-api-test looks for <dir>/k8s/<MAJOR.MINOR.PATCH>-linux-<arch>/{kube-apiserver,etcd,kubectl}
KUBEAPITEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
case "$(uname -m)" in aarch64|arm64) GOARCH_NAME=arm64 ;; *) GOARCH_NAME=amd64 ;; esac
KUBEAPITEST_BIN_DIR="$KUBEAPITEST_DIR/k8s/${K8S_VERSION#v}-linux-$GOARCH_NAME"
CLUSTER_DIR="${DSO_CLUSTER_DIR:-$CACHE_ROOT/cluster}"
# The stand-in engines; "current" links to the build of the current versions and sources.
STANDIN_DIR="$CACHE_ROOT/bin/standins"
# The operator's JVM options wherever this project starts it (hack/run-local.sh, the end-to-end tests, the benchmarks);
# deploy/operator.yaml and the chart set the same in the container (JvmOptionsTest checks they agree). A bounded heap
# with the serial collector, sized to what is live (a young generation a fifth of the heap, the old one kept 20-40%
# free): 1000 deployments kept 65 MiB live; the client compiler only (C1): 290 MiB resident at 1000 instead of 349 with
# C2 too, the same CPU time and latencies (docs/performance.md); an operator out of memory exits, and Kubernetes
# restarts it; every 5 s the JVM hands the C heap that glibc keeps after a burst back to the system (malloc_trim:
# 15 MiB less resident at 1000; JDK 17.0.10 or later, an experimental option there).
OPERATOR_JAVA_OPTS="-XX:+UseSerialGC -XX:NewRatio=4 -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -Xms64m -Xmx320m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# The simulated cluster's network (hack/nodeagent): every address lives in network namespaces the scripts make, on a
# bridge of this machine; index 0 for the default cluster, 1 for the end-to-end tests' (DSO_PORT_OFFSET=100).
NET_INDEX=${DSO_NET_INDEX:-$(( ${DSO_PORT_OFFSET:-0} / 100 ))}
NET_PREFIX=dso$NET_INDEX
NODE_NET=10.$((250 + NET_INDEX))
NODE_CIDR=$NODE_NET.0.0/16
POD_CIDR=10.$((244 + NET_INDEX)).0.0/16
SERVICE_CIDR=10.96.0.0/16
CLIENT_NS=$NET_PREFIX-client
STANDIN_BIN="$STANDIN_DIR/current"
# Runs one benchmark test class of the end-to-end tier (skipped by plain test runs) and prints its figures:
#   measure <TestClassIT> <log name> -Dsome.property=value...
measure() {
  local it=$1 out="operator/target/$2.log" code=0
  shift 2
  bash "$HACK_DIR/build-binaries.sh" >/dev/null
  mkdir -p operator/target
  ./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$it" -Ddso.benchmark=true "$@" >"$out" 2>&1 || code=$?
  grep -E '^\[(bench|e2e|chaos)\]' "$out" || true
  if [ "$code" -ne 0 ]; then
    grep -E '<<< (FAILURE|ERROR)|^\[ERROR\]' "$out" | head -20 >&2
    log "the measurement failed (exit $code); see $out"
    return "$code"
  fi
}

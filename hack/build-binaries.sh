#!/usr/bin/env bash
# Builds the local Kubernetes control plane from Go modules and caches it by version:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kube-proxy  (k8s.io/kubernetes, hack/tools/k8s)
#   etcd                                                             (go.etcd.io/etcd/server/v3, hack/tools/etcd)
#   kwok + its stage definitions                                     (sigs.k8s.io/kwok, patched to delete pods by UID)
#   helm, for the chart's tests                                      (helm.sh/helm/v3, hack/tools/helm)
#   with the argument "lws" also LeaderWorkerSet's manager + CRDs     (sigs.k8s.io/lws, hack/tools/lws; for
#                                                                    hack/measure-scale.sh only)
# Output: $K8S_BIN_DIR (see hack/lib.sh). Also links kube-apiserver, etcd and kubectl where
# fabric8 kube-api-test looks for them, so API-server tests run offline.
# A second run with the same versions only re-links (seconds). Needs Go >= 1.26 and the Go module proxy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
# The checksum database is not reachable from every build machine; go.sum files are committed instead.
export GOSUMDB="${GOSUMDB:-off}"

need_build() { for b in kube-apiserver kube-controller-manager kube-scheduler kubectl kube-proxy etcd kwok kwok.uid-precondition; do [ -e "$K8S_BIN_DIR/$b" ] || return 0; done; [ -d "$K8S_BIN_DIR/kwok-stages" ] || return 0; return 1; }

build_k8s() {
  local mod="$HACK_DIR/tools/k8s" stg="v0.${K8S_VERSION#v1.}" minor
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  if ! grep -q "k8s.io/kubernetes $K8S_VERSION" "$mod/go.mod" 2>/dev/null; then
    log "generating hack/tools/k8s/go.mod for $K8S_VERSION (staging modules at $stg)"
    local upstream
    upstream=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
    {
      printf 'module local.build/k8stools\n\ngo 1.24.0\n\ngodebug default=go1.24\n\n'
      printf 'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kube-controller-manager\n\tk8s.io/kubernetes/cmd/kube-proxy\n\tk8s.io/kubernetes/cmd/kube-scheduler\n\tk8s.io/kubernetes/cmd/kubectl\n)\n\n'
      printf 'require k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
      # k8s.io/kubernetes replaces its staging modules with ./staging/...; we replace them with the published tags.
      grep -o 'k8s\.io/[a-z0-9-]* => \./staging' "$upstream" | awk -v v="$stg" '{print "replace " $1 " => " $1 " " v}'
    } > "$mod/go.mod"
    rm -f "$mod/go.sum"
    (cd "$mod" && go mod tidy)
  fi
  local ld="-s -w" date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld="$ld -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=$date"
  done
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kube-proxy $K8S_VERSION (cold: tens of minutes)"
  (cd "$mod" && go build -ldflags "$ld" -o "$K8S_BIN_DIR/" k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
      k8s.io/kubernetes/cmd/kube-proxy)
}

# Generates hack/tools/<dir>/go.mod with one tool, unless it already pins that version (the committed files do).
tool_module() { # dir module version tool-package go-version
  local mod="$HACK_DIR/tools/$1"
  if ! grep -q "$2 $3" "$mod/go.mod" 2>/dev/null; then
    log "generating hack/tools/$1/go.mod for $2 $3"
    printf 'module local.build/%stools\n\ngo %s\n' "$1" "$5" > "$mod/go.mod"; rm -f "$mod/go.sum"
    (cd "$mod" && go get -tool "$4@$3" && go mod tidy)
  fi
}

build_etcd() {
  tool_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3 1.24.0
  log "building etcd $ETCD_VERSION"
  (cd "$HACK_DIR/tools/etcd" && go build -ldflags "-s -w" -o "$K8S_BIN_DIR/etcd" go.etcd.io/etcd/server/v3)
}

build_kwok() {
  local mod="$HACK_DIR/tools/kwok"
  tool_module kwok sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok 1.26.0
  log "building kwok $KWOK_VERSION (deleting pods with a UID precondition: hack/tools/kwok/uid-precondition.py)"
  local dir tmp; dir="$(cd "$mod" && go mod download -json sigs.k8s.io/kwok@"$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
  tmp="$(mktemp -d)"
  cp -r "$dir" "$tmp/kwok"; chmod -R u+w "$tmp/kwok"
  python3 "$mod/uid-precondition.py" "$tmp/kwok/pkg/kwok/controllers/pod_controller.go"
  cp "$mod/go.mod" "$tmp/go.mod"; cp "$mod/go.sum" "$tmp/go.sum"
  printf '\nreplace sigs.k8s.io/kwok => %s\n' "$tmp/kwok" >> "$tmp/go.mod"
  (cd "$mod" && go build -modfile="$tmp/go.mod" -ldflags "-s -w" -o "$K8S_BIN_DIR/kwok" sigs.k8s.io/kwok/cmd/kwok)
  rm -rf "$tmp"
  touch "$K8S_BIN_DIR/kwok.uid-precondition"
  # kwok v0.8.0 has no built-in stages; they ship in the module zip.
  local src; src="$(cd "$mod" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  rm -rf "$K8S_BIN_DIR/kwok-stages.tmp"; mkdir -p "$K8S_BIN_DIR/kwok-stages.tmp"
  cp -r "$src"/. "$K8S_BIN_DIR/kwok-stages.tmp/"; chmod -R u+w "$K8S_BIN_DIR/kwok-stages.tmp"
  rm -rf "$K8S_BIN_DIR/kwok-stages"; mv "$K8S_BIN_DIR/kwok-stages.tmp" "$K8S_BIN_DIR/kwok-stages"
}

# What runs the simulated nodes' pods (cached under $STANDIN_DIR/<hash of the sources>, "current" links the build in use):
#   bin/llm-d-inference-sim   vLLM's simulator (hack/tools/inference-sim; about 3 minutes cold, cached by its version)
#   bin/sglang-standin, bin/vllm-standin, bin/ray-standin, bin/loadgen   hack/standin (Go, no dependencies)
#   bin/python3, bin/vllm, bin/ray, pylib/   hack/standin/rootfs: what a container finds first on its PATH
#   nodeagent                 hack/nodeagent: the simulated nodes' kubelet (client-go, same versions as the control plane)
build_standins() {
  local sim_dir="$STANDIN_DIR/sim-${INFERENCE_SIM_VERSION}" src_hash dir
  mkdir -p "$sim_dir"
  if [ ! -x "$sim_dir/llm-d-inference-sim" ]; then
    tool_module inference-sim github.com/llm-d/llm-d-inference-sim "$INFERENCE_SIM_VERSION" \
      github.com/llm-d/llm-d-inference-sim/cmd/llm-d-inference-sim 1.26.0
    log "building llm-d-inference-sim $INFERENCE_SIM_VERSION (vLLM stand-in)"
    (cd "$HACK_DIR/tools/inference-sim" && go build -ldflags "-s -w" -o "$sim_dir/llm-d-inference-sim.tmp" \
      github.com/llm-d/llm-d-inference-sim/cmd/llm-d-inference-sim) && mv "$sim_dir/llm-d-inference-sim.tmp" "$sim_dir/llm-d-inference-sim"
  fi
  src_hash=$(cd "$HACK_DIR" && find standin nodeagent -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
  dir="$STANDIN_DIR/$INFERENCE_SIM_VERSION-$src_hash"
  if [ ! -x "$dir/nodeagent" ]; then
    log "building the stand-in engines (hack/standin) and the node agent (hack/nodeagent)"
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/bin"
    (cd "$HACK_DIR/standin" && go vet ./... && for b in sglang vllm ray loadgen; do
      go build -ldflags "-s -w" -o "$dir.tmp/bin/$b-standin" "./$b" || exit 1; done)
    mv "$dir.tmp/bin/loadgen-standin" "$dir.tmp/bin/loadgen"
    (cd "$HACK_DIR/nodeagent" && go vet . && go test -count=1 . && go build -ldflags "-s -w" -o "$dir.tmp/nodeagent" .)
    cp -r "$HACK_DIR/standin/rootfs/bin/." "$dir.tmp/bin/"; cp -r "$HACK_DIR/standin/rootfs/pylib" "$dir.tmp/pylib"
    ln -f "$sim_dir/llm-d-inference-sim" "$dir.tmp/bin/llm-d-inference-sim" 2>/dev/null \
      || cp "$sim_dir/llm-d-inference-sim" "$dir.tmp/bin/llm-d-inference-sim"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
  fi
  ln -sfn "$ROUTERS_DIR" "$dir/routers"
  ln -sfn "$dir" "$STANDIN_DIR/current"
}

# The routers of disaggregated deployments, from PyPI into a virtualenv (about 260 MB; cached by their versions); a
# router pod's `python3 -m smg.launch_router` or `vllm-router` finds them through the stand-ins' routers/ link.
build_routers() {
  [ -f "$ROUTERS_DIR/.installed" ] && return 0
  local py; py=$(command -v /usr/bin/python3 python3 | head -1)
  [ -n "$py" ] || { echo "python3 is required for the routers (apt-get install python3 python3-venv)" >&2; exit 1; }
  log "installing smg $SMG_VERSION and vllm-router $VLLM_ROUTER_VERSION from PyPI into $ROUTERS_DIR"
  # A virtualenv is not relocatable (its scripts name its path): made in place, marked complete at the end.
  rm -rf "$ROUTERS_DIR"; mkdir -p "$(dirname "$ROUTERS_DIR")"
  "$py" -m venv "$ROUTERS_DIR" || { echo "$py -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$ROUTERS_DIR/bin/pip" install -q --disable-pip-version-check "smg==$SMG_VERSION" "vllm-router==$VLLM_ROUTER_VERSION"
  "$ROUTERS_DIR/bin/python3" -c 'import smg' && [ -x "$ROUTERS_DIR/bin/vllm-router" ] && touch "$ROUTERS_DIR/.installed"
}

build_helm() {
  [ -x "$HELM_BIN" ] && return 0
  tool_module helm helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm 1.26.0
  log "building helm $HELM_VERSION"
  mkdir -p "$(dirname "$HELM_BIN")"
  (cd "$HACK_DIR/tools/helm" && go build -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    -o "$HELM_BIN.tmp" helm.sh/helm/v3/cmd/helm) && mv "$HELM_BIN.tmp" "$HELM_BIN"
}

# LeaderWorkerSet's controller and what it installs, for the side-by-side scale benchmark: $LWS_DIR/lws-manager, crds/
# (its CRDs: LeaderWorkerSet and DisaggregatedSet, whose controller v0.9.0 also runs: without that CRD the manager exits
# two minutes after its start) and webhooks.yaml (its webhook configurations, served to the API server by URL).
build_lws() {
  [ -x "$LWS_DIR/lws-manager" ] && [ -f "$LWS_DIR/crds/disaggregatedset.x-k8s.io_disaggregatedsets.yaml" ] && return 0
  tool_module lws sigs.k8s.io/lws "$LWS_VERSION" sigs.k8s.io/lws/cmd 1.26.0
  log "building LeaderWorkerSet $LWS_VERSION (about 2 minutes cold)"
  rm -rf "$LWS_DIR.tmp"; mkdir -p "$LWS_DIR.tmp/crds"
  (cd "$HACK_DIR/tools/lws" && go build -ldflags "-s -w" -o "$LWS_DIR.tmp/lws-manager" sigs.k8s.io/lws/cmd)
  # Its source directory is known once the build has downloaded it (go list -m gives no directory before: a cold cache).
  local src; src="$(cd "$HACK_DIR/tools/lws" && go list -m -f '{{.Dir}}' sigs.k8s.io/lws)"
  [ -d "$src/config/crd/bases" ] || { echo "no CRDs in LeaderWorkerSet's module source ('$src')" >&2; exit 1; }
  cp "$src/config/crd/bases/"*.yaml "$LWS_DIR.tmp/crds/"
  cp "$src/config/webhook/manifests.yaml" "$LWS_DIR.tmp/webhooks.yaml"
  chmod -R u+w "$LWS_DIR.tmp"; rm -rf "$LWS_DIR"; mv "$LWS_DIR.tmp" "$LWS_DIR"
}

link_for_kube_api_test() {
  mkdir -p "$KUBEAPITEST_BIN_DIR"
  for b in kube-apiserver etcd kubectl; do ln -sfn "$K8S_BIN_DIR/$b" "$KUBEAPITEST_BIN_DIR/$b"; done
}

main() {
  command -v go >/dev/null || { echo "go is required (>= 1.26) to build the local Kubernetes binaries" >&2; exit 1; }
  mkdir -p "$K8S_BIN_DIR"
  if need_build; then
    local t0=$SECONDS
    [ -x "$K8S_BIN_DIR/etcd" ] || build_etcd
    { [ -x "$K8S_BIN_DIR/kwok" ] && [ -d "$K8S_BIN_DIR/kwok-stages" ] && [ -f "$K8S_BIN_DIR/kwok.uid-precondition" ]; } || build_kwok
    for b in kube-apiserver kube-controller-manager kube-scheduler kubectl kube-proxy; do
      [ -x "$K8S_BIN_DIR/$b" ] || { build_k8s; break; }
    done
    log "built in $((SECONDS - t0)) s into $K8S_BIN_DIR"
  else
    log "cached: $K8S_BIN_DIR"
  fi
  link_for_kube_api_test
  build_routers
  build_standins
  build_helm
  if [ "${1:-}" = lws ]; then build_lws; fi
  "$K8S_BIN_DIR/kube-apiserver" --version >&2
}
main "$@"

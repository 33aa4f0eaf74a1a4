#!/usr/bin/env bash
# Shared paths for the hack/ scripts. Source it; it defines no side effects beyond variables.
HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$HACK_DIR/.." && pwd)"
# shellcheck source=versions.env
source "$HACK_DIR/versions.env"
CACHE_ROOT="${DSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deepseek-operator}"
K8S_BIN_DIR="$CACHE_ROOT/bin/k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
# kube-api-test looks for <dir>/k8s/<MAJOR.MINOR.PATCH>-linux-<arch>/{kube-apiserver,etcd,kubectl}
KUBEAPITEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
case "$(uname -m)" in aarch64|arm64) GOARCH_NAME=arm64 ;; *) GOARCH_NAME=amd64 ;; esac
KUBEAPITEST_BIN_DIR="$KUBEAPITEST_DIR/k8s/${K8S_VERSION#v}-linux-$GOARCH_NAME"
CLUSTER_DIR="${DSO_CLUSTER_DIR:-$CACHE_ROOT/cluster}"
# The stand-in engines; "current" links to the build of the current versions and sources.
STANDIN_DIR="$CACHE_ROOT/bin/standins"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

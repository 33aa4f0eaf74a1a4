#!/usr/bin/env bash
# Stops the local cluster started by hack/cluster-up.sh (only the processes it started: the operator and the node agent
# first, so every pod's processes and network namespace go with it) and, with --purge, deletes its state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}
if [ -d "$CLUSTER_DIR/pid" ]; then
  for c in operator nodeagent kube-proxy; do stop "$CLUSTER_DIR/pid/$c"; done
  for f in "$CLUSTER_DIR"/pid/*; do stop "$f"; done
  log "local cluster stopped"
fi
# What a killed agent may have left: container processes, network namespaces, the bridge.
agent=$(sed -n 's/^STANDIN_BIN=//p' "$CLUSTER_DIR/cluster.env" 2>/dev/null || true)
if [ -n "$agent" ] && [ -x "$agent/nodeagent" ] && [ "$(id -u)" = 0 ]; then
  "$agent/nodeagent" cleanup --state-dir="$CLUSTER_DIR/agent" --prefix="$NET_PREFIX" 2>/dev/null || true
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$CLUSTER_DIR"; log "removed $CLUSTER_DIR"; fi

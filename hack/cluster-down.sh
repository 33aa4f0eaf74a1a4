#!/usr/bin/env bash
# Stops the local cluster started by hack/cluster-up.sh (only the processes it started) and, with --purge, deletes its state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -d "$CLUSTER_DIR/pid" ]; then
  for f in "$CLUSTER_DIR"/pid/*; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  log "local cluster stopped"
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$CLUSTER_DIR"; log "removed $CLUSTER_DIR"; fi

#!/usr/bin/env bash
# Many deployments at once, side by side with LeaderWorkerSet's controller (ScaleBenchmarkIT): a cluster of its own with
# enough simulated GPU nodes (kwok only, nothing runs), LeaderWorkerSet built from its Go module (hack/build-binaries.sh
# lws, about 2 minutes the first time), then for each size and each controller: N instances of "one group of 2 pods,
# 1 GPU each" created concurrently; latencies, writes (the API server's audit log), memory, a restart. Prints a table
# with ours/LWS ratios and writes it to docs/performance.md. Not part of the test run.
#   hack/measure-scale.sh [sizes] [idle seconds]     (default "100,1000" and 60; about 15 minutes with the defaults)
#   the full Maven log: operator/target/measure-scale.log; the controllers' logs: operator/target/{operator,lws}-scale-*.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
# DSO_SCALE_JFR=true: a flight recording of each operator start (operator/target/operator-scale-*.jfr).
SIZES=${1:-100,1000}
IDLE=${2:-60}
bash "$HACK_DIR/build-binaries.sh" lws >/dev/null
measure ScaleBenchmarkIT measure-scale -Ddso.scale.sizes="$SIZES" -Ddso.scale.idle="$IDLE" -Ddso.scale.lws="$LWS_DIR" \
  -Ddso.scale.jfr="${DSO_SCALE_JFR:-false}" -Ddso.scale.command="hack/measure-scale.sh $SIZES $IDLE"

#!/usr/bin/env bash
# Faults (ChaosIT): the operator killed with SIGKILL at random moments while many deployments roll out, scale and
# recreate failed groups, the API server and etcd restarted once each, on a cluster of its own (kwok only, port offset
# 300); invariants checked all along, every deployment converging at the end; prints the counts. The test run includes a
# short version (12 kills, 6 deployments); this runs the long one. Not part of the test run.
#   hack/chaos.sh [kills] [deployments] [seed]     (default 100 and 40, about 20 minutes; a seed repeats the moments)
#   the full Maven log: operator/target/chaos.log; the operator's: operator/target/operator-chaos.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
args=(-Ddso.chaos.kills="${1:-100}" -Ddso.chaos.deployments="${2:-40}")
[ -z "${3:-}" ] || args+=(-Ddso.chaos.seed="$3")
measure ChaosIT chaos "${args[@]}"

#!/usr/bin/env bash
# How fast spec.autoscaling reacts, on the local cluster with the node agent running the pods (as root):
# AutoscalingBenchmarkIT steps the load of a one-group deployment up and down and prints p50/p99 of the time from the
# load step to the new group created and to it serving, and the requests failed while the extra group drains away.
#   hack/measure-autoscaling.sh [steps]     (default 10; the Maven log is in operator/target/measure-autoscaling.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
[ "$(id -u)" = 0 ] || { echo "needs root: the node agent runs the pods in network namespaces of their own" >&2; exit 2; }
measure AutoscalingBenchmarkIT measure-autoscaling -Ddso.benchmark.steps="${1:-10}"

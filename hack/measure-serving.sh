#!/usr/bin/env bash
# What clients see during rolling upgrades and group recreations, on the local cluster with the node agent running the
# pods (as root): ServingBenchmarkIT drives 3 groups under a steady load of chat completions through the client Service
# and prints, per kind of change, requests sent and failed, p50/p99 latency and the time to full capacity.
#   hack/measure-serving.sh [rounds]     (default 3; the full Maven log is in operator/target/measure-serving.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
[ "$(id -u)" = 0 ] || { echo "needs root: the node agent runs the pods in network namespaces of their own" >&2; exit 2; }
measure ServingBenchmarkIT measure-serving -Ddso.benchmark.rounds="${1:-3}"

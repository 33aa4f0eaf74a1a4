#!/usr/bin/env bash
# What clients see during rolling upgrades and group recreations, on the local cluster with the node agent running the
# pods (as root): ServingBenchmarkIT drives 3 groups under a steady load of chat completions through the client Service
# and prints, per kind of change, requests sent and failed, p50/p99 latency and the time to full capacity.
#   hack/measure-serving.sh [rounds]     (default 3; the full Maven log is in operator/target/measure-serving.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
[ "$(id -u)" = 0 ] || { echo "needs root: the node agent runs the pods in network namespaces of their own" >&2; exit 2; }
bash hack/build-binaries.sh >/dev/null
out=operator/target/measure-serving.log
mkdir -p operator/target
code=0
./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ServingBenchmarkIT \
  -Ddso.benchmark=true -Ddso.benchmark.rounds="${1:-3}" >"$out" 2>&1 || code=$?
grep -E '^\[(bench|e2e)\]' "$out" || true
if [ "$code" -ne 0 ]; then
  grep -E '<<< (FAILURE|ERROR)|^\[ERROR\]' "$out" | head -20 >&2
  log "the measurement failed (exit $code); see $out"
  exit "$code"
fi

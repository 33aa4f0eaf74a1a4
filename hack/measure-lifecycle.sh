#!/usr/bin/env bash
# Measures what the operator adds to each rollout step and to each group recreation on the local cluster
# (LifecycleBenchmarkIT: its own cluster and operator, like the end-to-end tests). Prints min/median/max per figure.
#   hack/measure-lifecycle.sh [rounds]     (default 5; the full Maven log is in operator/target/measure-lifecycle.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
bash hack/build-binaries.sh >/dev/null
out=operator/target/measure-lifecycle.log
mkdir -p operator/target
code=0
./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LifecycleBenchmarkIT \
  -Ddso.benchmark=true -Ddso.benchmark.rounds="${1:-5}" >"$out" 2>&1 || code=$?
grep -E '^\[(bench|e2e)\]' "$out" || true
if [ "$code" -ne 0 ]; then
  grep -E '<<< (FAILURE|ERROR)|^\[ERROR\]' "$out" | head -20 >&2
  log "the measurement failed (exit $code); see $out"
  exit "$code"
fi

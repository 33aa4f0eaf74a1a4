#!/usr/bin/env bash
# Measures what the operator adds to each rollout step and to each group recreation on the local cluster
# (LifecycleBenchmarkIT: its own cluster and operator, like the end-to-end tests). Prints min/median/max per figure.
#   hack/measure-lifecycle.sh [rounds]     (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
bash hack/build-binaries.sh >/dev/null
./mvnw -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LifecycleBenchmarkIT \
  -Ddso.benchmark=true -Ddso.benchmark.rounds="${1:-5}" 2>&1 | grep -E '^\[(bench|e2e)\]|ERROR|FAIL' || true

#!/usr/bin/env bash
# Measures what the operator adds to each rollout step and to each group recreation on the local cluster
# (LifecycleBenchmarkIT: its own cluster and operator, like the end-to-end tests). Prints min/median/max per figure.
#   hack/measure-lifecycle.sh [rounds]     (default 5; the full Maven log is in operator/target/measure-lifecycle.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
measure LifecycleBenchmarkIT measure-lifecycle -Ddso.benchmark.rounds="${1:-5}"

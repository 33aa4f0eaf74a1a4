#!/usr/bin/env bash
# What rendering each example's objects costs the operator: bytes allocated and time per rendering (every reconcile
# renders a deployment's objects to compare their hash with the cluster's). No cluster; prints a table.
#   hack/measure-rendering.sh [rounds]     (default 3000; the full Maven log is in operator/target/measure-rendering.log)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
measure RenderingBenchmarkIT measure-rendering -Ddso.benchmark.rounds="${1:-3000}"

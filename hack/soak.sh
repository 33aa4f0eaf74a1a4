#!/usr/bin/env bash
# The soak (SoakIT): N deployments on the scale benchmark's cluster, minutes of churn (new images, scaling, crashed ranks),
# then quiet minutes; per minute the changes, the operator's reconciles, its writes (the API server's audit log), its
# resident memory and live heap. Fails if memory grows, reconciles run hot, or anything is written without a change.
# Writes the table to docs/performance.md. Not part of the test run.
#   hack/soak.sh [minutes] [deployments] [changes a minute]   (default 10, 1000, 20; "hack/soak.sh 60" is the hour)
#   the full Maven log: operator/target/soak.log; the operator's: operator/target/operator-scale-*.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
M=${1:-10}; N=${2:-1000}; C=${3:-20}
measure SoakIT soak -Ddso.soak.minutes="$M" -Ddso.soak.deployments="$N" -Ddso.soak.changes="$C" \
  -Ddso.soak.command="hack/soak.sh $M $N $C"

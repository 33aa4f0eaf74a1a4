#!/usr/bin/env bash
# All the tests: unit, API server (kube-api-test with our own binaries) and end to end on a local cluster of their own.
# Builds the Kubernetes binaries on first use (cached under ~/.cache/deepseek-operator).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
bash hack/build-binaries.sh
./mvnw -B verify "$@"

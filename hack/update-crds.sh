#!/usr/bin/env bash
# Regenerates crds/ (and the Helm chart's copy) from the Java API types.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"
./mvnw -B -q -pl operator test -Dtest=CrdFileTest -Dcrd.update=true -Dsurefire.failIfNoSpecifiedTests=false
if [ -d charts/deepseek-operator/crds ]; then cp crds/*.yml charts/deepseek-operator/crds/; fi
log "updated: $(ls crds/)"

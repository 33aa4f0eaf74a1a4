#!/usr/bin/env bash
# Restarts one process of a local cluster started by hack/cluster-up.sh (etcd, apiserver, controller-manager, scheduler,
# kwok) with the command line it runs with: SIGTERM (SIGKILL after 15 s), start again, wait until the API server answers
# /readyz (which checks etcd too). For fault tests (ChaosIT): the API server or etcd going away and coming back.
#   DSO_CLUSTER_DIR=... DSO_PORT_OFFSET=... bash hack/cluster/restart.sh etcd|apiserver|...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
c=${1:?usage: restart.sh etcd|apiserver|controller-manager|scheduler|kwok}
RUN=$CLUSTER_DIR
pidfile=$RUN/pid/$c
pid=$(cat "$pidfile" 2>/dev/null) || { echo "no $pidfile: is the cluster in $RUN up?" >&2; exit 1; }
kill -0 "$pid" 2>/dev/null || { echo "$c (pid $pid) is not running" >&2; exit 1; }
# Its command line, argument by argument (NUL-separated), before it goes.
mapfile -d '' args < "/proc/$pid/cmdline"
kill "$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill -9 "$pid" 2>/dev/null || true
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
echo "--- restarted at $(date -u +%FT%TZ)" >> "$RUN/log/$c.log"
setsid "${args[@]}" >>"$RUN/log/$c.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
port=$((16443 + ${DSO_PORT_OFFSET:-0}))
deadline=$((SECONDS + 120))
until curl -fsS --max-time 2 --cacert "$RUN/pki/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "$c exited after its restart; see $RUN/log/$c.log" >&2; tail -n 20 "$RUN/log/$c.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "the API server is not ready 120 s after restarting $c" >&2; exit 1; }
  sleep 0.25
done
log "$c restarted (pid $(cat "$pidfile"))"

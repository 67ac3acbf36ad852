#!/usr/bin/env bash
# THE main command: the hilbench service end to end on this machine.
#
#   scripts/demo.sh [MODEL.tflite] [BOARD]
#       default ../shared/models/kws_ref_model.tflite on mps2-an386
#   scripts/demo.sh stop     stop the daemon a previous run left running
#
# Installs and builds what is missing (scripts/build.sh), starts hilbenchd in
# local mode (an in-process agent with emulated QEMU boards) on a free
# loopback port with a fresh state folder (build/demo-state/), creates a user
# token, submits the model with `hilbench submit --wait` (progress, then the
# result table: latency, slowest layers, memory, energy estimate, output
# check; labelled with this checkout's git branch and commit), prints the
# dashboard's address with links to the job, the board and the model's trend,
# and leaves the daemon running for the dashboard (`scripts/demo.sh stop`).
#
# HB_SHARED_DIR   where shared/ is (default ../shared)
# HB_DEMO_KEEP=0  stop the daemon at the end instead (scripts, CI)
# HB_DEMO_PORT    the daemon's loopback port (default: any free one)
# Exit status: the CLI's (0 ok, 1 job failed or output check failed, 3 job
# error, 4 infrastructure), or 1 when the daemon does not start.
set -euo pipefail
cd "$(dirname "$0")/.."
state=build/demo-state
pidfile=$state/hilbenchd.pid

# A daemon left running by an earlier demo: stopped (its state is replaced).
stop_previous() {
  local old
  old=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$old" ] && kill -0 "$old" 2>/dev/null &&
     grep -q hilbenchd "/proc/$old/cmdline" 2>/dev/null; then
    kill -TERM "$old"
    for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
    echo "demo: stopped the earlier demo daemon (pid $old)"
  fi
  rm -f "$pidfile"
}
if [ "${1:-}" = stop ]; then
  [ -f "$pidfile" ] || { echo "demo: no demo daemon is running"; exit 0; }
  stop_previous
  exit 0
fi
stop_previous

scripts/build.sh main hilbench hilbenchd hb_firmware hb_icount

shared=${HB_SHARED_DIR:-../shared}
model=${1:-$shared/models/kws_ref_model.tflite}
board=${2:-mps2-an386}
[ -f "$model" ] || { echo "demo: no model $model" >&2; exit 1; }

rm -rf "$state"
mkdir -p "$state"
log=$state/hilbenchd.log

# A user token first (the store is created on the way), then the daemon on
# any free port: it logs the port it got.
token=$(build/hilbenchd token create demo --role user --db "$state/hilbench.db")
build/hilbenchd serve --listen "127.0.0.1:${HB_DEMO_PORT:-0}" --db "$state/hilbench.db" \
  --artifacts "$state/artifacts" --web web/dist >"$log" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
stop_daemon() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
trap stop_daemon EXIT

port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*hilbenchd serving on port \([0-9]*\).*/\1/p' "$log" | head -n 1)
  # Logged once the listener is bound.
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  port=""
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "demo: hilbenchd did not start; its log ($log):" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
url=http://127.0.0.1:$port
echo "demo: hilbenchd (local mode, pid $pid) at $url, state in $state/"
echo "demo: dashboard at $url/"

# Give the local agent a moment to register its boards.
for _ in $(seq 1 50); do
  build/hilbench boards --server "$url" 2>/dev/null | grep -q "$board" && break
  sleep 0.1
done
echo
build/hilbench boards --server "$url"
echo
labels=repo=hilbench-demo
if git rev-parse --git-dir >/dev/null 2>&1; then
  labels+=",branch=$(git rev-parse --abbrev-ref HEAD),commit=$(git rev-parse --short=12 HEAD)"
fi
echo "== hilbench submit $model --board $board --label $labels --wait"
rc=0
HILBENCH_SERVER=$url HILBENCH_TOKEN=$token \
  build/hilbench submit "$model" --board "$board" --runs 10 --warmup 1 --label "$labels" \
  --wait || rc=$?

# Links into the dashboard for the job just run.
job=$(curl -fsS "$url/api/v1/jobs?repo=hilbench-demo&limit=1" 2>/dev/null |
  python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print(j["id"], j["model_id"])' \
  2>/dev/null || true)
if [ -n "$job" ] && [ "$rc" -eq 0 ]; then
  # The CI gate on the same model: this result becomes the accepted baseline,
  # then a "pull request" run is compared with it (exit 0 pass, 1 regression).
  read -r job_id _ <<<"$job"
  echo
  echo "== hilbench baseline set $job_id; hilbench gate $(basename "$model") --board $board"
  export HILBENCH_SERVER=$url HILBENCH_TOKEN=$token
  build/hilbench baseline set "$job_id" --reason "demo: first accepted run" >/dev/null &&
    build/hilbench gate "$model" --board "$board" --repo hilbench-demo --branch demo-change \
      --commit "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
      --base-branch "$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo main)" \
      --runs 10 --warmup 1 2>/dev/null || echo "demo: the gate did not pass (exit $?)"
fi
echo
echo "demo: dashboard at $url/"
if [ -n "$job" ]; then
  read -r job_id model_id <<<"$job"
  echo "  this job (log, per-layer chart, memory, energy):  $url/#/job/$job_id"
  echo "  the model's trend on $board:  $url/#/trends?model=$model_id&board=$board&metric=latency_us"
  echo "  boards (state, health checks):  $url/#/boards"
fi
echo "  API: $url/api/v1/jobs   (schemas/openapi.yaml)"
if [ "${HB_DEMO_KEEP:-1}" = 1 ]; then
  trap - EXIT
  echo "demo: hilbenchd keeps running for the dashboard (pid $pid, log $log). Try:"
  echo "  export HILBENCH_SERVER=$url HILBENCH_TOKEN=$token"
  echo "  build/hilbench jobs; build/hilbench submit MODEL.tflite --board $board --wait"
  echo "demo: stop it with: scripts/demo.sh stop"
else
  stop_daemon
  trap - EXIT
  echo "demo: hilbenchd stopped (HB_DEMO_KEEP=0)"
fi
[ "$rc" -eq 0 ] || echo "demo: the job did not pass (exit $rc)" >&2
exit "$rc"

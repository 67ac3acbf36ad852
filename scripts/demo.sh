#!/usr/bin/env bash
# THE main command: the hilbench service end to end on this machine.
#
#   scripts/demo.sh [MODEL.tflite] [BOARD]
#       default ../shared/models/kws_ref_model.tflite on mps2-an386
#
# Installs and builds what is missing (scripts/build.sh), starts hilbenchd in
# local mode (an in-process agent with emulated QEMU boards) on a free
# loopback port with a fresh state folder (build/demo-state/), creates a user
# token, submits the model with `hilbench submit --wait` (progress, then the
# result table: latency, slowest layers, memory, energy estimate, output
# check), prints the dashboard address and stops the daemon.
#
# HB_SHARED_DIR   where shared/ is (default ../shared)
# HB_DEMO_KEEP=1  leave the daemon running afterwards (prints how to stop it)
# Exit status: the CLI's (0 ok, 1 job failed or output check failed, 3 job
# error, 4 infrastructure), or 1 when the daemon does not start.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh main hilbench hilbenchd hb_firmware hb_icount

shared=${HB_SHARED_DIR:-../shared}
model=${1:-$shared/models/kws_ref_model.tflite}
board=${2:-mps2-an386}
[ -f "$model" ] || { echo "demo: no model $model" >&2; exit 1; }

state=build/demo-state
rm -rf "$state"
mkdir -p "$state"
log=$state/hilbenchd.log

# A user token first (the store is created on the way), then the daemon on
# any free port: it logs the port it got.
token=$(build/hilbenchd token create demo --role user --db "$state/hilbench.db")
build/hilbenchd serve --listen 127.0.0.1:0 --db "$state/hilbench.db" \
  --artifacts "$state/artifacts" --web web/dist >"$log" 2>&1 &
pid=$!
stop_daemon() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
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
echo "== hilbench submit $model --board $board --wait"
rc=0
HILBENCH_SERVER=$url HILBENCH_TOKEN=$token \
  build/hilbench submit "$model" --board "$board" --runs 10 --warmup 1 --wait || rc=$?

echo
echo "demo: dashboard at $url/  (API: $url/api/v1/jobs)"
if [ "${HB_DEMO_KEEP:-0}" = 1 ]; then
  trap - EXIT
  echo "demo: hilbenchd keeps running (pid $pid). Try:"
  echo "  export HILBENCH_SERVER=$url HILBENCH_TOKEN=$token"
  echo "  build/hilbench jobs; build/hilbench submit MODEL.tflite --board $board --wait"
  echo "demo: stop it with: kill $pid"
else
  stop_daemon
  trap - EXIT
  echo "demo: hilbenchd stopped (HB_DEMO_KEEP=1 keeps it running)"
fi
[ "$rc" -eq 0 ] || echo "demo: the job did not pass (exit $rc)" >&2
exit "$rc"

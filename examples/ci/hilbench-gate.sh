#!/bin/sh
# hilbench-gate.sh: the CI gate step, the same for every CI (the GitHub
# Actions and GitLab CI examples beside this file run exactly this; the gate
# suite, tests/gate, runs it too).
#
# Environment:
#   HILBENCH_SERVER, HILBENCH_TOKEN  the service and a user token (CI secrets)
#   HILBENCH          the hilbench binary (default: hilbench on PATH)
#   HILBENCH_CONFIG   settings file (default: .hilbench.yml)
#   HILBENCH_ACCEPT   1 on the base branch: a passing result becomes the baseline
#   HILBENCH_GATE_OUT folder for summary.md, junit.xml, gate.json (default: hilbench-gate)
# Branch, commit, base branch and merge base come from the CI's own
# variables (see `hilbench gate --help`).
#
# Exit code: hilbench gate's: 0 pass, 1 regression, 2 error.
set -u
hilbench=${HILBENCH:-hilbench}
out=${HILBENCH_GATE_OUT:-hilbench-gate}
mkdir -p "$out"
set -- --config "${HILBENCH_CONFIG:-.hilbench.yml}" \
  --markdown "$out/summary.md" --junit "$out/junit.xml" --json "$out/gate.json"
if [ "${HILBENCH_ACCEPT:-0}" = 1 ]; then
  set -- "$@" --accept
fi
"$hilbench" gate "$@"
rc=$?
# GitHub Actions shows this file on the run's summary page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
  cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit $rc

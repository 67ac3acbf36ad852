#!/usr/bin/env bash
# Runs one libFuzzer binary for a fixed time: the ctest smoke run (see
# cmake/HbFuzzers.cmake) and the longer run by hand (README.md, "Fuzzing").
#
#   run_fuzzer.sh FUZZER SEED_CORPUS WORK_CORPUS SECONDS [EXTRA_SEED_DIR...]
#
# New inputs go to WORK_CORPUS (created), never into the checked-in
# SEED_CORPUS. A crash leaves crash-* / leak-* / timeout-* files in
# WORK_CORPUS/../artifacts and fails the run.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
[ -x "$fuzzer" ] || { echo "fuzzer not built: $fuzzer"; exit 1; }
artifacts="$(dirname "$work")/artifacts"
mkdir -p "$work" "$artifacts"
# Seed folders that do not exist (none checked in yet, a seed step that did
# not run) are left out rather than failing the run.
dirs=()
for d in "$seeds" "$@"; do [ -d "$d" ] && dirs+=("$d"); done

# A UBSan report should say where it came from.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# One process, one worker: CI has 2 cores. -rss_limit_mb guards against a
# plan that asks for a huge allocation slipping through as a hang.
exec "$fuzzer" "$work" "${dirs[@]}" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" 2>&1

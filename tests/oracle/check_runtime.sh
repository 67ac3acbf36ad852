#!/usr/bin/env bash
# check_runtime.sh BUILD_DIR [NAME_REGEX]: checks our runtime (BUILD_DIR/hilbench
# model run) against the independent oracles on every generated test model and
# on the shared MLPerf Tiny models. Cases are generated into BUILD_DIR/oracle-cases
# and regenerated only when the generator scripts are newer than cases.json.
# Ends with `oracle: N passed, M failed`; exits 1 if M > 0, 2 on setup errors.
#
# Needs: node 20 with tests/oracle/node_modules (npm ci in tests/oracle), and a
# python with tflite-micro (TFLM_PYTHON, default <repo>/.venv/bin/python).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [NAME_REGEX]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cases="$build/oracle-cases"

if [[ ! -d "$here/node_modules/@tensorflow/tfjs-tflite" || ! -d "$here/node_modules/flatbuffers" ]]; then
  echo "check_runtime: missing $here/node_modules: run 'npm ci' in $here" >&2
  exit 2
fi

stale=1
if [[ -f "$cases/cases.json" ]]; then
  stale=0
  if [[ -n "$(find "$here" -maxdepth 1 \( -name '*.mjs' -o -name '*.py' -o -name 'package-lock.json' \) \
               -newer "$cases/cases.json" -print -quit)" ]]; then
    stale=1
  fi
fi
if [[ $stale == 1 ]]; then
  # Generate into a fresh directory and swap it in, so an interrupted run never
  # leaves a half-written case set that looks current.
  tmp="$cases.tmp.$$"
  rm -rf "$tmp"
  node "$here/make_cases.mjs" "$tmp"
  rm -rf "$cases"
  mv "$tmp" "$cases"
fi

exec node "$here/check_runtime.mjs" "$build" "$cases" "${2:-}"

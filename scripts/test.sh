#!/usr/bin/env bash
# THE test command (README, .ci/run): installs what is missing, builds once
# (scripts/build.sh), then runs every test with ctest:
#   build-asan/  unit and integration suites under ASan + UBSan
#   build/       the same suites optimised, the oracle comparison, the
#                Cortex-M cross-build checks and the fuzzer smoke runs
# A format check runs first: a file that differs from .clang-format fails the
# run (after the tests, so they still report).
# Extra arguments go to both ctest runs (e.g. -L unit, -R golden).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh

jobs=${HB_JOBS:-2}
status=0
if command -v clang-format >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
  unformatted=$(scripts/format.sh --check || true)
  if [ -n "$unformatted" ]; then
    echo "format: FAILED: $(wc -l <<<"$unformatted") files differ from .clang-format" \
         "(run scripts/format.sh):"
    sed 's/^/  /' <<<"$unformatted"
    status=1
  fi
fi
echo "test: build-asan/ (ASan + UBSan)"
ctest --test-dir build-asan --output-on-failure -j "$jobs" "$@" || status=1
echo "test: build/"
ctest --test-dir build --output-on-failure -j "$jobs" "$@" || status=1
if [ "$status" -ne 0 ]; then
  echo "test: FAILED (see the ctest summaries above; build-asan/ ran first)"
fi
exit "$status"

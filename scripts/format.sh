#!/usr/bin/env bash
# Formats the project's C and C++ sources in place with .clang-format.
#   scripts/format.sh          every tracked or new (not ignored) source file
#   scripts/format.sh --check  only list the files that differ; exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files -co --exclude-standard -- \
  '*.c' '*.h' '*.cc' '*.hpp' | grep -v -e '/node_modules/' -e '^third_party/' || true)
[ ${#files[@]} -gt 0 ] || exit 0

if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  [ ${#bad[@]} -eq 0 ] && exit 0
  printf '%s\n' "${bad[@]}"
  exit 1
fi
clang-format -i "${files[@]}"

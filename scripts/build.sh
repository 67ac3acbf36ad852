#!/usr/bin/env bash
# THE build command: installs what is missing (scripts/bootstrap.sh), then
# configures (first time only) and builds, incrementally:
#   build/       RelWithDebInfo: hilbench CLI, test binaries, the runtime for
#                every Cortex-M core (build/cross/<cpu>-<opt>/, sizes printed),
#                the libFuzzer targets (build/fuzz/, clang)
#   build-asan/  Debug with ASan + UBSan: CLI and test binaries
#
#   scripts/build.sh                  both trees, everything
#   scripts/build.sh main [TARGET...] build/ only (e.g. `main hilbench`)
#
# HB_JOBS sets parallel jobs (default 2: the CI machine has 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

jobs=${HB_JOBS:-2}

# build_tree DIR "CMAKE ARGS" [TARGET...]
build_tree() {
  local dir=$1 args=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    mkdir -p "$dir"
    # shellcheck disable=SC2086  # args is a list of -D options
    cmake -S . -B "$dir" -G Ninja ${HB_SHARED_DIR:+-DHB_SHARED_DIR="$HB_SHARED_DIR"} $args \
      >"$dir/configure.log" 2>&1 ||
      { cat "$dir/configure.log"; echo "build: configuring $dir failed"; exit 1; }
  fi
  echo "build: $dir"
  ninja -C "$dir" -j "$jobs" --quiet "$@"
}

case "${1:-all}" in
  main)
    shift
    build_tree build "-DCMAKE_BUILD_TYPE=RelWithDebInfo" "$@"
    ;;
  all)
    build_tree build "-DCMAKE_BUILD_TYPE=RelWithDebInfo"
    build_tree build-asan "-DCMAKE_BUILD_TYPE=Debug -DHB_SANITIZE=ON -DHB_BUILD_CROSS=OFF -DHB_BUILD_FUZZERS=OFF \
-DHB_BUILD_FIRMWARE=OFF -DHB_FW_BUILD_DIR=$PWD/build/firmware"
    ;;
  *)
    echo "usage: scripts/build.sh [all | main [TARGET...]]" >&2
    exit 2
    ;;
esac

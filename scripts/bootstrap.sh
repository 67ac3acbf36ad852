#!/usr/bin/env bash
# Installs everything hilbench needs to build and test, on Debian 12.
#
# Idempotent and quick (about a second) when everything is present: it asks
# dpkg, `command -v` and stamp files first, and only calls apt-get, npm or pip
# for what is missing or out of date. Needs root, or sudo. Downloads come from
# package registries only (Debian, npm, PyPI).
#
# What it sets up:
#   - Debian packages: compilers (host, clang for fuzzing, arm-none-eabi),
#     libraries, QEMU/OpenOCD, Chromium, Node.js (only if `node` is missing).
#   - node_modules in every folder under tests/ and web/ that has a package.json.
#   - a Python venv at .venv with scripts/requirements-dev.txt (TFLM's Python
#     interpreter, the bit-exactness oracle) and scripts/requirements-agent.txt
#     (modern pyOCD for real boards).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "bootstrap: $*"; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { say "not root and no sudo: cannot install packages"; exit 1; }
  sudo_cmd=(sudo)
fi

# --- Debian packages -----------------------------------------------------------
debs=(
  git ca-certificates curl cmake ninja-build g++ clang clang-format libclang-rt-14-dev
  libboost-dev libboost-system-dev nlohmann-json3-dev libsqlite3-dev libspdlog-dev
  doctest-dev libflatbuffers-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
  qemu-system-arm openocd chromium python3-venv
)
# Node.js may come from elsewhere (e.g. NodeSource); Debian's only if absent.
if ! command -v node >/dev/null; then
  debs+=(nodejs npm)
elif ! command -v npm >/dev/null; then
  debs+=(npm)
fi

# One dpkg-query for all: prints "<package> <status>" for the known ones.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${debs[@]}" 2>/dev/null |
  awk '$2 == "installed" { print $1 }' || true)
missing=()
for p in "${debs[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# True when $1 is missing or older than any of the remaining existing files.
stale() {
  local stamp=$1; shift
  [ -e "$stamp" ] || return 0
  local f
  for f in "$@"; do
    [ -e "$f" ] && [ "$f" -nt "$stamp" ] && return 0
  done
  return 1
}

# --- npm packages for tests and the web UI --------------------------------------
while IFS= read -r pkg; do
  dir=$(dirname "$pkg")
  stamp="$dir/node_modules/.hb-bootstrap-stamp"
  if stale "$stamp" "$pkg" "$dir/package-lock.json"; then
    say "npm packages in $dir"
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    touch "$stamp"
  fi
done < <(find tests web -name package.json -not -path '*/node_modules/*' 2>/dev/null | sort)

# --- Python venv ---------------------------------------------------------------------
# Debian's python3 (3.11 on Debian 12): tflite-micro ships cp311 wheels only.
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
reqs=(scripts/requirements-dev.txt scripts/requirements-agent.txt)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c '' 2>/dev/null; then
  say "creating .venv"
  rm -rf .venv
  "$python" -m venv .venv
fi
if stale .venv/.hb-bootstrap-stamp "${reqs[@]}"; then
  say "pip install -r ${reqs[*]}"
  .venv/bin/python -m pip install -q --disable-pip-version-check "${reqs[@]/#/-r}"
  touch .venv/.hb-bootstrap-stamp
fi

# --- web dashboard (web/build.mjs) -----------------------------------------------------
# web/dist, what `hilbenchd --web web/dist` serves: web/src plus Chart.js from
# web/node_modules. Rebuilt only when a source, the build script or the lock
# file is newer than its stamp.
mapfile -t web_srcs < <(find web/src -type f 2>/dev/null)
if [ ${#web_srcs[@]} -gt 0 ] &&
  stale web/dist/.hb-build-stamp web/build.mjs web/package-lock.json "${web_srcs[@]}"; then
  say "building the dashboard in web/dist"
  node web/build.mjs >/dev/null
fi

#!/usr/bin/env bash
# bench-boards.sh: every shared MLPerf Tiny model on every emulated board.
#
#   scripts/bench-boards.sh [HILBENCH] [BOARD...]
#
# Prints, per model and board: instructions per inference (QEMU plugin:
# "emulated: instruction count, no pipeline/cache model"), the plan's arena,
# the stack high-water mark, the harness's flash size, and the measured input
# transfer speed of `db` hex chunks (31 bytes a command, the MLPerf Tiny
# runner's way) versus `hb-bin` (raw bytes + CRC-32), in bytes/s. Each cell is
# one `hilbench board run --json` (hb-bin, 1 timed run) plus one with
# `--transfer hex`. A model that does not fit a board prints the reason.
#
# Environment: HB_FW_BUILD_DIR (default: build/firmware, beside hilbench), HB_SHARED_DIR (default
# ../shared), HB_PROFILES_DIR, HB_QEMU: as `hilbench board run` uses them.
# Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."

HILBENCH=${1:-}
if [[ -z "$HILBENCH" ]]; then
  for c in build/hilbench; do [[ -x $c ]] && HILBENCH=$c && break; done
fi
[[ -x "$HILBENCH" ]] || { echo "usage: $0 PATH/TO/hilbench [BOARD...]" >&2; exit 2; }
shift || true
command -v jq >/dev/null || { echo "bench-boards.sh needs jq" >&2; exit 2; }

SHARED=${HB_SHARED_DIR:-../shared}
export HB_SHARED_DIR=$SHARED
BOARDS=("$@")
if [[ ${#BOARDS[@]} -eq 0 ]]; then
  BOARDS=(mps2-an386 mps2-an500 mps3-an547 netduinoplus2 lm3s6965evb microbit)
fi
MODELS=(ad01_int8 kws_ref_model vww_96_int8 pretrainedResnet_quant)

printf '%-24s %-14s %14s %9s %7s %9s %10s %10s\n' model board instr/inf arena stack fw-flash \
  'db B/s' 'hb-bin B/s'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in "${MODELS[@]}"; do
  for b in "${BOARDS[@]}"; do
    if ! "$HILBENCH" board run --board "$b" --model "$SHARED/models/$m.tflite" --runs 1 \
        --warmup 0 --no-layers --json >"$tmp/bin.json" 2>"$tmp/err"; then
      printf '%-24s %-14s %s\n' "$m" "$b" "$(head -c 150 "$tmp/err" | tr '\n' ' ')"
      continue
    fi
    hex_rate=na
    if "$HILBENCH" board run --board "$b" --model "$SHARED/models/$m.tflite" --runs 1 \
        --warmup 0 --no-layers --transfer hex --json >"$tmp/hex.json" 2>/dev/null; then
      hex_rate=$(jq -r '.input.bytes_per_s | floor' "$tmp/hex.json")
    fi
    jq -r --arg m "$m" --arg b "$b" --arg hex "$hex_rate" '
      [$m, $b,
       ((.latency.instructions_per_inference // "na") | if type == "number" then floor else . end),
       .memory.plan_arena, (.memory["stack-used"] // "na"), (.memory["flash-harness"] // "na"),
       $hex, (.input.bytes_per_s | floor), .output.check] | @tsv' "$tmp/bin.json" |
      awk -F'\t' '{printf "%-24s %-14s %14s %9s %7s %9s %10s %10s  %s\n",$1,$2,$3,$4,$5,$6,$7,$8,$9}'
  done
done

#!/usr/bin/env bash
# THE main job, for now: compile the MLPerf Tiny keyword-spotting model and
# run it on the host runtime, checking every output byte against TensorFlow
# Lite Micro's (../shared/golden). Installs and builds what is missing first.
#
#   scripts/demo.sh [MODEL_NAME]     default kws_ref_model
#
# HB_SHARED_DIR overrides where shared/ is (default: ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh main hilbench

shared=${HB_SHARED_DIR:-../shared}
name=${1:-kws_ref_model}
model="$shared/models/$name.tflite"
golden="$shared/golden/$name"
hilbench=build/hilbench
[ -f "$model" ] || { echo "demo: no model $model"; exit 1; }

echo
echo "== hilbench model inspect $model"
"$hilbench" model inspect "$model"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo
echo "== hilbench model run, each golden case, compared byte for byte with TFLM"
fail=0 pass=0
for input in "$golden"/*.input.bin; do
  case_name=$(basename "$input" .input.bin)
  expected="$golden/$case_name.output.bin"
  "$hilbench" model run "$model" --input "$input" --output "$out/$case_name.bin" >/dev/null
  if cmp -s "$out/$case_name.bin" "$expected"; then
    bytes=$(stat -c %s "$expected")
    values=""
    [ "$bytes" -le 16 ] && values="int8: $(od -An -v -td1 "$out/$case_name.bin" | tr -s ' \n' ' ')"
    printf '  %-8s match   (%s bytes) %s\n' "$case_name" "$bytes" "$values"
    pass=$((pass + 1))
  else
    printf '  %-8s MISMATCH: %s\n' "$case_name" "$(cmp "$out/$case_name.bin" "$expected" 2>&1 | head -n 1)"
    fail=$((fail + 1))
  fi
done
echo
echo "demo: $name: $pass cases match TFLM byte for byte, $fail differ"
[ "$fail" -eq 0 ]

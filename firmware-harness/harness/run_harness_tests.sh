#!/usr/bin/env bash
# run_harness_tests.sh: build the harness firmware and check it end to end
# under QEMU, driven over its serial line by tools/drive_harness.py.
#
#   firmware-harness/harness/run_harness_tests.sh BUILD_DIR HILBENCH
#     BUILD_DIR  firmware build folder (configured and built here if needed)
#     HILBENCH   the host CLI, to compile the four MLPerf Tiny models to plans
#
# Checks (each prints PASS or FAIL with its figures; the last line is
# `harness: N passed, M failed`; exit status 1 if any failed):
#   - every model whose plan, arena and input fit the board runs the golden
#     `lcg` input (31-byte `db` chunks, `infer N W`) and `hb-out` equals the
#     TFLM reference output byte for byte: all four models on mps2-an386 and
#     mps3-an547, kws on mps2-an500 and lm3s6965evb, kws/ic/ad on netduinoplus2;
#   - two runs give identical SysTick tick counts and plugin instruction
#     counts (QEMU -icount shift=N,sleep=off; the harness syncs to a SysTick
#     wrap before each `infer`);
#   - a plan with one flipped bit is refused (hb-info: HB_ERR_BAD_CRC) and
#     `infer` answers an error; on microbit the kws plan is refused with
#     HB_ERR_ARENA_TOO_SMALL (its arena is 8 KB, kws needs 11.8 KB);
#   - hb-plan raw upload into the RAM partition of mps2-an386, then a second
#     golden input;
#   - hb-layers on mps2-an386 kws (one record per op, output unchanged).
# Figures per run: instructions per inference (plugin region / N), SysTick
# ticks per inference (hb-lat median), stack high-water, arena, flash.
# Environment: HB_QEMU (default qemu-system-arm), HB_JOBS (ninja -j, default 2),
# HB_GOLDEN (default <repo>/../shared/golden), HB_MODELS (default <repo>/../shared/models).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
fw="$(dirname "$here")"
repo="$(dirname "$fw")"
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR HILBENCH" >&2
  exit 2
fi
build="$(mkdir -p "$1" && cd "$1" && pwd)"
hilbench="$2"
qemu="${HB_QEMU:-qemu-system-arm}"
golden="${HB_GOLDEN:-$repo/../shared/golden}"
models="${HB_MODELS:-$repo/../shared/models}"
drive="$here/tools/drive_harness.py"

for tool in arm-none-eabi-gcc "$qemu" python3 cc; do
  if ! command -v "$tool" >/dev/null; then
    echo "harness: SKIP: $tool not installed" >&2
    exit 77
  fi
done

pass=0
fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }

# ---- build --------------------------------------------------------------------
if ! cmake -S "$fw" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$fw/cmake/arm-none-eabi.cmake" \
    >"$build/configure.log" 2>&1; then
  tail -20 "$build/configure.log"; ko "configure"; echo "harness: $pass passed, $fail failed"; exit 1
fi
if ! ninja -C "$build" -j"${HB_JOBS:-2}" >"$build/build.log" 2>&1; then
  tail -40 "$build/build.log"; ko "build"; echo "harness: $pass passed, $fail failed"; exit 1
fi
ok "build: $(ls "$build"/*/harness.elf | wc -l) harness.elf"
for s in "$build"/*/harness.size; do
  b="$(basename "$(dirname "$s")")"
  echo "size $b: $(tail -1 "$s" | awk '{print "text=" $1 " data=" $2 " bss=" $3}')"
done
plugin="$build/qemu-plugin/libhb_icount.so"
mkdir -p "$build/qemu-plugin"
if [ ! -f "$plugin" ] || [ "$fw/qemu-plugin/hb_icount.c" -nt "$plugin" ]; then
  cc -std=c11 -O2 -Wall -Wextra -Werror -fPIC -fvisibility=hidden -shared \
    -Wl,--allow-shlib-undefined -o "$plugin" "$fw/qemu-plugin/hb_icount.c" || ko "plugin build"
fi

# ---- plans --------------------------------------------------------------------
plans="$build/plans"
mkdir -p "$plans"
declare -A file_of=([kws01]=kws_ref_model [vww01]=vww_96_int8 [ic01]=pretrainedResnet_quant
                    [ad01]=ad01_int8)
for tag in kws01 vww01 ic01 ad01; do
  m="${file_of[$tag]}"
  if [ ! -f "$plans/$m.plan" ] || [ "$models/$m.tflite" -nt "$plans/$m.plan" ] \
      || [ "$hilbench" -nt "$plans/$m.plan" ]; then
    "$hilbench" model compile "$models/$m.tflite" -o "$plans/$m.plan" >/dev/null \
      || ko "compile $m"
  fi
done

# ---- runs ---------------------------------------------------------------------
# run_model BOARD CPU SHIFT TAG CASE N W [extra drive args...]
run_model() {
  local board="$1" cpu="$2" shift="$3" tag="$4" case="$5" n="$6" w="$7"
  shift 7
  local m="${file_of[$tag]}" cpuarg=() out
  [ "$cpu" != - ] && cpuarg=(--cpu "$cpu")
  out="$(python3 "$drive" --qemu "$qemu" --elf "$build/$board/harness.elf" --machine "$board" \
    "${cpuarg[@]}" --shift "$shift" --plan "$plans/$m.plan" --input "$golden/$m/$case.input.bin" \
    --expect "$golden/$m/$case.output.bin" --plugin "$plugin" --n "$n" --w "$w" --timeout 60 "$@")"
  local rc=$?
  local line
  line="$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
t = r.get("ticks_per_inference") or {}
m = r.get("mem") or {}
print("insns/inf=%s ticks/inf=%s (%s Hz) stack=%s arena=%s/%s flash-harness=%s plan=%s det=%s%s" % (
    r.get("insns_per_inference"), t.get("median"), r.get("timer_hz"), m.get("stack-used"),
    m.get("arena-used"), m.get("arena-capacity"), m.get("flash-harness"), m.get("flash-plan"),
    r.get("deterministic", "-"), "" if not r.get("fails") else " | " + "; ".join(r["fails"])[:600]))
' 2>&1)"
  if [ $rc -eq 0 ]; then ok "$board $tag $case infer $n $w: output bit-exact, $line $*"; else ko "$board $tag $case: $line"; fi
}

# expect_refused BOARD CPU SHIFT TAG STATUS [extra drive args...]
expect_refused() {
  local board="$1" cpu="$2" shift="$3" tag="$4" status="$5"
  shift 5
  local cpuarg=() out
  [ "$cpu" != - ] && cpuarg=(--cpu "$cpu")
  out="$(python3 "$drive" --qemu "$qemu" --elf "$build/$board/harness.elf" --machine "$board" \
    "${cpuarg[@]}" --shift "$shift" --plan "$plans/${file_of[$tag]}.plan" --expect-plan "$status" "$@")"
  if [ $? -eq 0 ]; then
    ok "$board $tag $*: refused, hb-info plan=$status, infer -> $(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_refused"][0])')"
  else
    ko "$board $tag refusal: $out"
  fi
}

# Does TAG fit BOARD? Plan vs the partition (ELF symbols), arena vs capacity,
# input vs the db buffer; prints the shortfall and returns 1 if not.
fits() {
  local board="$1" tag="$2" elf="$build/$1/harness.elf"
  python3 - "$elf" "$plans/${file_of[$tag]}.plan" "$board" "$tag" "$repo/device-profiles/$board.json" <<'EOF'
import json, struct, subprocess, sys
elf, plan, board, tag, profile = sys.argv[1:]
sym = {}
for l in subprocess.run(["arm-none-eabi-nm", elf], capture_output=True, text=True).stdout.splitlines():
    p = l.split()
    if len(p) == 3:
        sym[p[2]] = int(p[0], 16)
part = sym["__hb_model_end"] - sym["__hb_model_start"]
b = open(plan, "rb").read()
total, arena = struct.unpack_from("<I", b, 8)[0], struct.unpack_from("<I", b, 20)[0]
cap = json.load(open(profile))["arena_bytes"]
short = []
if total > part: short.append("plan %d B > partition %d B" % (total, part))
if arena > cap: short.append("arena %d B > capacity %d B" % (arena, cap))
if short:
    print("INFO %s %s does not fit: %s" % (board, tag, ", ".join(short)))
    sys.exit(1)
EOF
}

run_if_fits() { # BOARD CPU SHIFT TAG CASE N W
  if fits "$1" "$4"; then run_model "$@" --runs 2; fi
}

# Full set on mps2-an386 (Cortex-M4), with determinism (2 runs).
for tag in kws01 vww01 ic01 ad01; do run_model mps2-an386 cortex-m4 5 $tag lcg 2 1 --runs 2; done
run_model mps2-an386 cortex-m4 5 kws01 lcg 1 0 --layers
run_model mps2-an386 cortex-m4 5 kws01 lcg2 1 0 --upload
expect_refused mps2-an386 cortex-m4 5 kws01 HB_ERR_BAD_CRC --flip-bit 100000
expect_refused mps2-an386 cortex-m4 5 ic01 HB_ERR_BAD_CRC --flip-bit 777

# Other emulated boards: every model that fits (kws at least).
for tag in kws01 vww01 ic01 ad01; do run_if_fits mps3-an547 cortex-m55 5 $tag lcg 2 1; done
run_if_fits mps2-an500 cortex-m7 5 kws01 lcg 2 1
for tag in kws01 ic01 ad01; do run_if_fits netduinoplus2 - 3 $tag lcg 2 1; done
for tag in kws01 ic01; do run_if_fits lm3s6965evb - 6 $tag lcg 2 1; done
# netduinoplus2 cannot take vww's 27648-byte input (16 KB db buffer: 128 KB RAM
# minus the profile's 96 KB arena and 8 KB stack).
expect_refused microbit - 6 kws01 HB_ERR_ARENA_TOO_SMALL

echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# run_smoke.sh: build the smoke firmware for every board and run the six
# emulated ones under QEMU; exit 0 only if all pass.
#
#   firmware-harness/boards/run_smoke.sh [build-dir]   (default: <repo>/build/firmware)
#
# Per board it checks, with -icount shift=N (deterministic virtual time):
#   - qemu exits 0 through semihosting within the timeout;
#   - the serial log equals the expected text byte for byte (the tick count
#     and stack depth replaced by placeholders), so a duplicated or lost UART
#     byte fails (the gcc 12.2 MMIO bug of docs/qemu.md);
#   - the SysTick count of the fixed loop (400000 instructions) lies in
#     [expected, expected + 100] with expected = 400000 x 2^N ns x f_systick
#     (the excess is the timer-read and call overhead);
#   - a second run gives a byte-identical log (SysTick determinism).
# Environment: HB_QEMU (default qemu-system-arm), HB_SMOKE_TIMEOUT (s, default 30),
# HB_JOBS (ninja -j, default 2).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
fw="$(dirname "$here")"
repo="$(dirname "$fw")"
build="${1:-$repo/build/firmware}"
qemu="${HB_QEMU:-qemu-system-arm}"
tmo="${HB_SMOKE_TIMEOUT:-30}"

if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v "$qemu" >/dev/null; then
  echo "run_smoke: SKIP: arm-none-eabi-gcc or $qemu not installed" >&2
  exit 77
fi

cmake -S "$fw" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$fw/cmake/arm-none-eabi.cmake" \
  >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; echo "run_smoke: configure failed"; exit 1; }
ninja -C "$build" -j"${HB_JOBS:-2}" >"$build.build.log" 2>&1 || { tail -40 "$build.build.log"; echo "run_smoke: build failed"; exit 1; }
ninja -C "$build" sizes 2>/dev/null | grep -v '^\[' || true

# board  qemu-machine  core  systick-Hz  icount-shift  model-start  model-size (hex, 8 digits)
boards=(
  "mps2-an386    mps2-an386    cortex-m4  25000000  5 00100000 00300000"
  "mps2-an500    mps2-an500    cortex-m7  25000000  5 00100000 00300000"
  "mps3-an547    mps3-an547    cortex-m55 32000000  5 60000000 01000000"
  "netduinoplus2 netduinoplus2 cortex-m4  168000000 3 08080000 00080000"
  "lm3s6965evb   lm3s6965evb   cortex-m3  12500000  6 00030000 00010000"
  "microbit      microbit      cortex-m0  16000000  6 00030000 00010000"
)

fail=0
for row in "${boards[@]}"; do
  read -r board machine core hz shift mstart msize <<<"$row"
  elf="$build/$board/smoke.elf"
  logs=()
  ok=1
  for run in 1 2; do
    log="$build/$board/smoke.run$run.log"
    timeout "$tmo" "$qemu" -M "$machine" -nographic -monitor none -serial stdio \
      -semihosting-config enable=on,target=native -icount shift="$shift" \
      -kernel "$elf" </dev/null >"$log" 2>"$build/$board/smoke.run$run.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then echo "FAIL $board: run $run exit status $rc"; ok=0; fi
    logs+=("$log")
  done
  expected="$(printf 'hb-smoke board=%s core=%s cpu_hz=%s\r\ntimer=SYSTICK timer_hz=%s\r\nmodel=%s+%s first=00000000 last=00000000\r\nloop iters=100000 insns_per_iter=4 ticks=T\r\nmarked iters=1000 done\r\nstack_used=S\r\nhb-smoke PASS\r\n' \
    "$board" "$core" "$hz" "$hz" "$mstart" "$msize")"
  got="$(sed -E 's/ticks=[0-9]+/ticks=T/; s/stack_used=[0-9]+/stack_used=S/' "${logs[0]}")"
  if [ "$got" != "$expected" ]; then
    echo "FAIL $board: serial log differs from the expected text:"; diff <(echo "$expected") <(echo "$got") | cat -A | head -20
    ok=0
  fi
  ticks="$(sed -nE 's/.*ticks=([0-9]+).*/\1/p' "${logs[0]}")"
  want=$(( 400000 * (1 << shift) * hz / 1000000000 ))
  if [ -z "$ticks" ] || [ "$ticks" -lt "$want" ] || [ "$ticks" -gt $((want + 100)) ]; then
    echo "FAIL $board: loop ticks '${ticks}' not in [$want, $((want + 100))]"; ok=0
  fi
  if ! cmp -s "${logs[0]}" "${logs[1]}"; then echo "FAIL $board: two runs differ (not deterministic)"; ok=0; fi
  if [ "$ok" -eq 1 ]; then
    echo "PASS $board: icount shift=$shift timer=SYSTICK loop ticks=$ticks (expected >= $want), logs identical"
  else
    fail=1
  fi
done
# Instruction-count plugin on mps2-an386: region 1 is exactly 4 x 1000 loop
# instructions plus 6 of calls (hb_mark_begin's bx lr, mov r0, bl fixed_loop,
# its bx lr, movs r0, bl hb_mark_end: read off the disassembly; a different
# compiler may schedule differently, hence the small window); region 0 spans
# the SysTick-timed loop, so it must be >= ticks x 1e9 / (2^5 ns x 25 MHz).
plugin="$build/qemu-plugin/libhb_icount.so"
mkdir -p "$build/qemu-plugin"
if cc -std=c11 -O2 -Wall -Wextra -Werror -fPIC -fvisibility=hidden -shared \
    -o "$plugin" "$fw/qemu-plugin/hb_icount.c"; then
  elf="$build/mps2-an386/smoke.elf"
  begin="0x$(arm-none-eabi-nm "$elf" | awk '$3 == "hb_mark_begin" {print $1}')"
  end="0x$(arm-none-eabi-nm "$elf" | awk '$3 == "hb_mark_end" {print $1}')"
  out="$build/mps2-an386/icount.txt"
  rm -f "$out"
  timeout "$tmo" "$qemu" -M mps2-an386 -nographic -monitor none -serial stdio \
    -semihosting-config enable=on,target=native -icount shift=5 \
    -plugin "$plugin,begin=$begin,end=$end,out=$out" -kernel "$elf" </dev/null >"$build/mps2-an386/icount.log" 2>&1
  r0="$(sed -nE 's/^hb_icount region=0 insns=([0-9]+)$/\1/p' "$out" 2>/dev/null)"
  r1="$(sed -nE 's/^hb_icount region=1 insns=([0-9]+)$/\1/p' "$out" 2>/dev/null)"
  ticks="$(sed -nE 's/.*ticks=([0-9]+).*/\1/p' "$build/mps2-an386/icount.log")"
  from_ticks=$(( ticks * 1000000000 / (32 * 25000000) ))
  if [ -n "$r1" ] && [ "$r1" -ge 4006 ] && [ "$r1" -le 4012 ] && [ -n "$r0" ] \
      && [ "$r0" -ge "$from_ticks" ] && [ "$r0" -le $((from_ticks + 100)) ]; then
    echo "PASS icount plugin (mps2-an386, shift=5): region1=$r1 insns (4000 loop + 6 call)," \
      "region0=$r0 insns vs SysTick $ticks ticks = $from_ticks insns"
  else
    echo "FAIL icount plugin: region0='$r0' region1='$r1' ticks='$ticks'"; cat "$out" 2>/dev/null; fail=1
  fi
else
  echo "FAIL icount plugin: host build failed"; fail=1
fi

[ "$fail" -eq 0 ] && echo "run_smoke: all 6 emulated boards pass" || echo "run_smoke: FAILED"
exit "$fail"

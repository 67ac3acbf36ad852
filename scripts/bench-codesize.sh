#!/usr/bin/env bash
# Runtime code size on Cortex-M4: prints figures, asserts nothing.
#
# Links tests/cross/size_probe.c (load + invoke a plan) against the runtime
# sources with -ffunction-sections and --gc-sections, newlib-nano's
# memcpy/memset and libgcc included, once with every operator and once with
# only the keyword-spotting model's operators (CONV_2D, DEPTHWISE_CONV_2D,
# AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX; see HB_OPS_SELECTED in
# firmware-harness/runtime/src/op_registry.c), at -Os and -O2. Compared with
# TFLM's library .text for the kws op set on Cortex-M4 with reference
# kernels: 36.5 KB (target: at most half).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v arm-none-eabi-gcc >/dev/null || { echo "arm-none-eabi-gcc missing: run scripts/bootstrap.sh"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rt=firmware-harness/runtime
mapfile -t srcs < <(find "$rt/src" "$rt/kernels" -name '*.c' | sort)
kws="-DHB_OPS_SELECTED -DHB_WITH_conv_2d=1 -DHB_WITH_depthwise_conv_2d=1 -DHB_WITH_average_pool_2d=1"
kws+=" -DHB_WITH_reshape=1 -DHB_WITH_fully_connected=1 -DHB_WITH_softmax=1"
tflm=$((365 * 1024 / 10))
printf '%-22s %-4s %10s %8s\n' "operators" "opt" ".text (B)" "vs TFLM"
for opt in Os O2; do
  for set in all kws; do
    sel=""
    [ "$set" = kws ] && sel=$kws
    # shellcheck disable=SC2086
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 "-$opt" -std=c11 \
      -Wall -Wextra -Werror -ffunction-sections -fdata-sections $sel -I"$rt/include" \
      "${srcs[@]}" tests/cross/size_probe.c -nostartfiles --specs=nano.specs -Wl,--gc-sections \
      -Wl,-e,hb_probe_entry -Wl,--defsym=hb_probe_plan=0x1000 -o "$tmp/probe.elf"
    text=$(arm-none-eabi-size "$tmp/probe.elf" | awk 'NR==2 {print $1}')
    label=$([ "$set" = kws ] && echo "kws set (6 ops)" || echo "all 22 ops")
    awk -v l="$label" -v o="$opt" -v t="$text" -v f="$tflm" \
      'BEGIN { printf "%-22s -%-3s %10d %7.2fx\n", l, o, t, t / f }' 
  done
done
echo "TFLM reference kernels, kws op set, Cortex-M4: $tflm B (target: kws set <= 0.50x)"

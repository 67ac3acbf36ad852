#!/usr/bin/env bash
# Checks that a cross-built runtime archive is freestanding: every symbol it
# needs from outside itself is memcpy/memset/memmove (the C library calls the
# runtime may make; GCC also emits them for copy loops) or a compiler helper
# (__aeabi_*: integer division on M0/M3, 64-bit shifts, soft float for
# QUANTIZE/DEQUANTIZE). Anything else (malloc, printf, roundf, abort, ...) or a
# symbol no source defines (an op in op_registry.c without its file) fails.
#
#   check_runtime_symbols.sh NM ARCHIVE
set -euo pipefail
nm=$1 archive=$2
[ -f "$archive" ] || { echo "no archive: $archive"; exit 1; }

defined=$("$nm" --defined-only -g "$archive" | awk 'NF == 3 { print $3 }' | sort -u)
undefined=$("$nm" --undefined-only -g "$archive" | awk 'NF >= 2 && $(NF-1) == "U" { print $NF }' | sort -u)
external=$(comm -23 <(echo "$undefined") <(echo "$defined"))
bad=$(grep -vxE 'memcpy|memset|memmove|__aeabi_[a-z0-9_]+' <<<"$external" || true)

if [ -n "$bad" ]; then
  echo "FAIL: $archive needs symbols outside the freestanding allowance:"
  sed 's/^/  /' <<<"$bad"
  exit 1
fi
echo "ok: $archive needs only: $(echo $external)"

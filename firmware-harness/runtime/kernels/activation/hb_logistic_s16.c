/* hb_logistic_s16.c: LOGISTIC int16 -> int16 (zero points 0, output scale
 * 1/32768), TFLM reference_integer_ops::Logistic for int16: the input is
 * rescaled so that 2^9 steps are one entry of the sigmoid(i/24) table, and
 * the table is interpolated linearly. No rounding-mode dependence. */
#include "hb/fixedpoint.h"
#include "hb/ops/activation.h"

void hb_logistic_s16(const int16_t *in, int16_t *out, int32_t n, const hb_logistic_params *p) {
  int32_t multiplier = p->input_multiplier;
  int32_t shift = p->input_left_shift;
  if (multiplier == 0) { /* power-of-two input scale */
    multiplier = 3 << shift;
    shift = 0;
  }
  const int32_t round = shift > 0 ? (int32_t)(UINT32_C(1) << (shift - 1)) : 0;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = (int32_t)(((int64_t)in[i] * multiplier + round) >> shift);
    const uint32_t abs_x = (uint32_t)(x < 0 ? -(int64_t)x : x);
    const uint32_t uh = abs_x >> 9;
    uint32_t result;
    if (uh >= 255) {
      result = UINT32_C(0x7FFF) << 10; /* saturate */
    } else {
      const uint32_t ua = hb_sigmoid_table_uint16[uh];
      const uint32_t ub = hb_sigmoid_table_uint16[uh + 1];
      const uint32_t ut = abs_x & 0x1ff;
      result = (ua << 9) + ut * (ub - ua);
    }
    /* sigmoid(-x) = 1 - sigmoid(x); both rounded back to Q0.15. */
    result = (x >= 0) ? (result + (1u << 9)) : ((1u << (16 + 9)) - result + (1u << 9) - 1);
    out[i] = (int16_t)(result >> 10);
  }
}

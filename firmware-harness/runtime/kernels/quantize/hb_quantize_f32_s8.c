/* hb_quantize_f32_s8.c: QUANTIZE float32 -> int8_t, TFLM AffineQuantize:
 * round(x / scale) (float division, halves away from zero) + zero point,
 * clamped to the int8_t range. NaN maps to the zero point. */
#include "hb/ops/quantize.h"

/* roundf without libm; exact: x - trunc(x) is exact in float. */
static float round_half_away(float x) {
  if (!(x < 8388608.0f && x > -8388608.0f)) return x; /* |x| >= 2^23: integral */
  const float t = (float)(int32_t)x;
  const float frac = x - t;
  if (frac >= 0.5f) return t + 1.0f;
  if (frac <= -0.5f) return t - 1.0f;
  return t;
}

void hb_quantize_f32_s8(const float *in, int8_t *out, int32_t n, const hb_quantize_params *p) {
  for (int32_t i = 0; i < n; ++i) {
    const float q = round_half_away(in[i] / p->output_scale);
    int32_t v;
    if (q != q) {
      v = p->output_zero_point;
    } else if (q >= 2147483648.0f) {
      v = INT8_MAX;
    } else if (q < -2147483648.0f) {
      v = INT8_MIN;
    } else {
      /* int64 add: TFLM's int32 sum cannot overflow for in-range values. */
      const int64_t w = (int64_t)(int32_t)q + p->output_zero_point;
      v = w > INT8_MAX ? INT8_MAX : (w < INT8_MIN ? INT8_MIN : (int32_t)w);
    }
    out[i] = (int8_t)v;
  }
}

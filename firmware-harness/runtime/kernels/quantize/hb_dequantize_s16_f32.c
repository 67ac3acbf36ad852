/* hb_dequantize_s16_f32.c: DEQUANTIZE int16_t -> float32, TFLM Dequantize:
 * (x - zero_point) * scale. TFLM multiplies in double and rounds to float;
 * the exact product fits a double, so one float multiply (correctly rounded)
 * gives the same float without double arithmetic. */
#include "hb/ops/quantize.h"

void hb_dequantize_s16_f32(const int16_t *in, float *out, int32_t n,
                           const hb_dequantize_params *p) {
  for (int32_t i = 0; i < n; ++i) out[i] = (float)((int32_t)in[i] - p->zero_point) * p->scale;
}

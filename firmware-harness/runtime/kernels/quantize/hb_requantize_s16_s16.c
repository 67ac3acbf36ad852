/* hb_requantize_s16_s16.c: QUANTIZE int16_t -> int16_t, TFLM reference_ops::Requantize:
 * MultiplyByQuantizedMultiplier(x - input_zero_point) + output_zero_point,
 * clamped to the int16_t range. */
#include "hb/ops/quantize.h"
#include "hb/quant.h"

void hb_requantize_s16_s16(const int16_t *in, int16_t *out, int32_t n, const hb_quantize_params *p,
                           int single) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t v = hb_mbqm((int32_t)in[i] - p->input_zero_point, p->output_multiplier,
                              p->output_shift, single) +
                      p->output_zero_point;
    out[i] = (int16_t)hb_clamp32(v, INT16_MIN, INT16_MAX);
  }
}

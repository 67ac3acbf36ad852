/* hb_relu_s16.c: RELU / RELU6 / RELU_N1_TO_1 int16 (zero points 0), TFLM ReluQuantized:
 * requantize to the output scale, then clamp to [act_min, act_max]. */
#include "hb/ops/activation.h"
#include "hb/quant.h"

void hb_relu_s16(const int16_t *in, int16_t *out, int32_t n, const hb_relu_params *p, int single) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t v = p->output_offset + hb_mbqm((int32_t)in[i] - p->input_offset,
                                                 p->output_multiplier, p->output_shift, single);
    out[i] = (int16_t)hb_clamp32(v, p->act_min, p->act_max);
  }
}

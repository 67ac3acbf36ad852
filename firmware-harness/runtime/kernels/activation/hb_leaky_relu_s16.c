/* hb_leaky_relu_s16.c: LEAKY_RELU int16, TFLM QuantizeLeakyRelu: non-negative
 * inputs use the identity multiplier, negative ones the alpha multiplier. */
#include "hb/ops/activation.h"
#include "hb/quant.h"

void hb_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, const hb_leaky_relu_params *p,
                       int single) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = (int32_t)in[i] - p->input_zero_point;
    const int32_t y =
        x >= 0 ? hb_mbqm(x, p->output_multiplier_identity, p->output_shift_identity, single)
               : hb_mbqm(x, p->output_multiplier_alpha, p->output_shift_alpha, single);
    out[i] = (int16_t)hb_clamp32(p->output_zero_point + y, INT16_MIN, INT16_MAX);
  }
}

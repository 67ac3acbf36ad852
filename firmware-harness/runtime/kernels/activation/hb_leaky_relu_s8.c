/* hb_leaky_relu_s8.c: LEAKY_RELU int8, TFLM QuantizeLeakyRelu: non-negative
 * inputs use the identity multiplier, negative ones the alpha multiplier. */
#include "hb/ops/activation.h"
#include "hb/quant.h"

void hb_leaky_relu_s8(const int8_t *in, int8_t *out, int32_t n, const hb_leaky_relu_params *p,
                      int single) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = (int32_t)in[i] - p->input_zero_point;
    const int32_t y =
        x >= 0 ? hb_mbqm(x, p->output_multiplier_identity, p->output_shift_identity, single)
               : hb_mbqm(x, p->output_multiplier_alpha, p->output_shift_alpha, single);
    out[i] = (int8_t)hb_clamp32(p->output_zero_point + y, INT8_MIN, INT8_MAX);
  }
}

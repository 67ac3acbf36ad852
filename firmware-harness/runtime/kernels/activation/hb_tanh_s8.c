/* hb_tanh_s8.c: TANH int8 -> int8 (output scale 1/128, zero point 0), TFLM
 * reference_integer_ops::Tanh: inputs are rescaled to Q4.27 and fed to
 * gemmlowp's fixed-point tanh. */
#include "hb/fixedpoint.h"
#include "hb/ops/activation.h"
#include "hb/quant.h"

void hb_tanh_s8(const int8_t *in, int8_t *out, int32_t n, const hb_tanh_params *p, int single) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = (int32_t)in[i] - p->input_zero_point;
    if (x <= -p->input_range_radius) {
      out[i] = INT8_MIN;
    } else if (x >= p->input_range_radius) {
      out[i] = INT8_MAX;
    } else {
      const int32_t x_q4 = hb_mbqm(x, p->input_multiplier, p->input_left_shift, single);
      const int32_t y_q0 = hb_fp_tanh(x_q4, 4);
      const int32_t y = hb_rounding_divide_by_pot(y_q0, 31 - 7); /* Q0.31 -> scale 1/128 */
      out[i] = (int8_t)hb_clamp32(y, INT8_MIN, INT8_MAX);
    }
  }
}

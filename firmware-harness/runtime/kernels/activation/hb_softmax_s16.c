/* hb_softmax_s16.c: SOFTMAX int16 -> int16 (input zero point 0, output scale
 * 1/32768 zero point 0), TFLM reference_ops::SoftmaxInt16.
 *
 * exp() and 1/(1+x) come from 513-entry interpolated tables the compiler
 * builds with TFLM's gen_lut. The exp values of a row are cached in the
 * output row (as TFLM does): element c of the input is read before output c
 * is written, so out may alias in. */
#include "hb/fixedpoint.h"
#include "hb/ops/activation.h"
#include "hb/quant.h"

void hb_softmax_s16(const int16_t *in, int16_t *out, int32_t rows, int32_t depth,
                    const hb_softmax_params *p, const int16_t *exp_lut,
                    const int16_t *one_over_one_plus_x_lut, int single) {
  for (int32_t i = 0; i < rows; ++i) {
    const int16_t *in_row = in + (int64_t)i * depth;
    int16_t *exp_q015 = out + (int64_t)i * depth;
    int16_t max_in_row = INT16_MIN;
    for (int32_t c = 0; c < depth; ++c)
      if (in_row[c] > max_in_row) max_in_row = in_row[c];

    int32_t sum_of_exps = 0; /* Q16.15 */
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)in_row[c] - max_in_row;
      /* [-65535, 0] -> [-10, 0] of the LUT, recentred to [-32768, 32767]. */
      const int32_t scaled = hb_mbqm(diff, p->input_multiplier, p->input_left_shift, single);
      const int32_t sym = hb_clamp32(scaled + 32767, INT16_MIN, INT16_MAX);
      exp_q015[c] = hb_lut_lookup_s16((int16_t)sym, exp_lut);
      sum_of_exps += exp_q015[c];
    }

    /* 1/sum: normalise the sum to [1, 2), look up 1/(1+x) for x = sum - 1. */
    const int headroom_plus_one = hb_clz32((uint32_t)sum_of_exps);
    const int32_t shifted_sum =
        (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t sym_shifted_sum =
        hb_clamp32(shifted_sum - ((1 << 15) + (1 << 16)), INT16_MIN, INT16_MAX);
    const int16_t reciprocal_q015 =
        hb_lut_lookup_s16((int16_t)sym_shifted_sum, one_over_one_plus_x_lut);

    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = INT64_C(1) << (right_shift - 1);
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t result =
          (int32_t)(((int64_t)exp_q015[c] * (int64_t)reciprocal_q015 + round) >> right_shift);
      exp_q015[c] = (int16_t)hb_clamp32(result, 0, INT16_MAX);
    }
  }
}

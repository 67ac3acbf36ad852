/* hb_mean_s8: int8 MEAN over any subset of the 4-D dims, in TFLM's three
 * arithmetic modes (see hb/ops/reduce.h). */
#include "hb/ops/reduce.h"
#include "hb/quant.h"

void hb_mean_s8(const hb_mean_params *p, const int32_t in_dims[4], const int8_t *in, int8_t *out,
                int32_t *scratch, int single) {
  /* Output strides over the input dims: 0 for reduced dims, row-major over
   * the kept ones (keep_dims only changes the shape, not this order). */
  int32_t ostride[4];
  int32_t n_out = 1;
  for (int d = 3; d >= 0; --d) {
    if (p->reduce_mask & (1u << d)) {
      ostride[d] = 0;
    } else {
      ostride[d] = n_out;
      n_out *= in_dims[d];
    }
  }
  for (int32_t i = 0; i < n_out; ++i) scratch[i] = 0;

  int32_t idx = 0;
  for (int32_t a = 0; a < in_dims[0]; ++a) {
    for (int32_t b = 0; b < in_dims[1]; ++b) {
      for (int32_t c = 0; c < in_dims[2]; ++c) {
        const int32_t obase = a * ostride[0] + b * ostride[1] + c * ostride[2];
        for (int32_t e = 0; e < in_dims[3]; ++e) scratch[obase + e * ostride[3]] += in[idx++];
      }
    }
  }

  const int32_t count = p->count;
  for (int32_t i = 0; i < n_out; ++i) {
    int32_t y;
    if (p->mode == HB_MEAN_TRUNC) {
      /* reference_ops::Mean: raw values, integer division truncating. */
      y = scratch[i] / count;
    } else if (p->mode == HB_MEAN_REQUANT) {
      y = hb_mbqm(scratch[i] - p->input_zero_point * count, p->multiplier, p->shift, single) +
          p->output_zero_point;
    } else {
      int32_t acc =
          hb_mbqm(scratch[i] - p->input_zero_point * count, p->multiplier, p->shift, single);
      acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
      y = acc + p->output_zero_point;
    }
    out[i] = (int8_t)hb_clamp32(y, -128, 127);
  }
}

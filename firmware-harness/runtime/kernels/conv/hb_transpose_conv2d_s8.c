/* hb_transpose_conv2d_s8.c: TRANSPOSE_CONV reference kernel, int8 x int8 ->
 * int8 (TFLM's reference_integer_ops::TransposeConv): scatter-accumulate into
 * int32 scratch, then requantize per output channel. */
#include <string.h>

#include "hb/ops/conv.h"
#include "hb/quant.h"

void hb_transpose_conv2d_s8(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                            const int8_t *in, const hb_shape4 *w_dims, const int8_t *w,
                            const int32_t *bias, const hb_shape4 *out_dims, int8_t *out,
                            int32_t *scratch) {
  const int32_t in_h = in_dims->h, in_w = in_dims->w, in_c = in_dims->c;
  const int32_t fh = w_dims->h, fw = w_dims->w;
  const int32_t out_h = out_dims->h, out_w = out_dims->w, out_c = out_dims->c;
  const int32_t n_out = out_dims->n * out_h * out_w * out_c;
  memset(scratch, 0, (size_t)n_out * sizeof(int32_t));
  for (int32_t b = 0; b < in_dims->n; ++b) {
    for (int32_t iy = 0; iy < in_h; ++iy) {
      for (int32_t ix = 0; ix < in_w; ++ix) {
        const int32_t oy0 = iy * p->stride_h - p->pad_h;
        const int32_t ox0 = ix * p->stride_w - p->pad_w;
        for (int32_t ic = 0; ic < in_c; ++ic) {
          const int32_t iv =
              (int32_t)in[((b * in_h + iy) * in_w + ix) * in_c + ic] + p->input_offset;
          for (int32_t ky = 0; ky < fh; ++ky) {
            const int32_t oy = oy0 + ky;
            if (oy < 0 || oy >= out_h) continue;
            for (int32_t kx = 0; kx < fw; ++kx) {
              const int32_t ox = ox0 + kx;
              if (ox < 0 || ox >= out_w) continue;
              int32_t *acc = scratch + ((b * out_h + oy) * out_w + ox) * out_c;
              for (int32_t oc = 0; oc < out_c; ++oc) {
                acc[oc] =
                    hb_add_wrap(acc[oc], iv * (int32_t)w[((oc * fh + ky) * fw + kx) * in_c + ic]);
              }
            }
          }
        }
      }
    }
  }
  for (int32_t i = 0; i < n_out; ++i) {
    const int32_t oc = i % out_c;
    int32_t acc = scratch[i];
    if (bias) acc = hb_add_wrap(acc, bias[oc]);
    acc = hb_mbqm(acc, rq->mult[oc], rq->shift[oc], rq->single);
    acc = hb_add_wrap(acc, p->output_offset);
    out[i] = (int8_t)hb_clamp32(acc, p->act_min, p->act_max);
  }
}

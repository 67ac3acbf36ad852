/* hb_depthwise_conv2d_s8.c: DEPTHWISE_CONV_2D reference kernel, int8 x int8
 * -> int8 (TFLM's reference_integer_ops::DepthwiseConvPerChannel). */
#include "hb/ops/conv.h"
#include "hb/quant.h"

void hb_depthwise_conv2d_s8(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                            const int8_t *in, const hb_shape4 *w_dims, const int8_t *w,
                            const int32_t *bias, const hb_shape4 *out_dims, int8_t *out) {
  const int32_t in_h = in_dims->h, in_w = in_dims->w, in_c = in_dims->c;
  const int32_t fh = w_dims->h, fw = w_dims->w;
  const int32_t out_h = out_dims->h, out_w = out_dims->w, out_c = out_dims->c;
  const int32_t dm = p->depth_multiplier;
  for (int32_t b = 0; b < out_dims->n; ++b) {
    const int8_t *in_b = in + b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        for (int32_t ic = 0; ic < in_c; ++ic) {
          for (int32_t m = 0; m < dm; ++m) {
            const int32_t oc = ic * dm + m;
            int32_t acc = 0;
            for (int32_t ky = 0; ky < fh; ++ky) {
              const int32_t iy = iy0 + p->dilation_h * ky;
              if (iy < 0 || iy >= in_h) continue;
              for (int32_t kx = 0; kx < fw; ++kx) {
                const int32_t ix = ix0 + p->dilation_w * kx;
                if (ix < 0 || ix >= in_w) continue;
                const int32_t iv = in_b[(iy * in_w + ix) * in_c + ic];
                const int32_t wv = w[(ky * fw + kx) * out_c + oc];
                acc = hb_add_wrap(acc, wv * (iv + p->input_offset));
              }
            }
            if (bias) acc = hb_add_wrap(acc, bias[oc]);
            acc = hb_mbqm(acc, rq->mult[oc], rq->shift[oc], rq->single);
            acc = hb_add_wrap(acc, p->output_offset);
            *out++ = (int8_t)hb_clamp32(acc, p->act_min, p->act_max);
          }
        }
      }
    }
  }
}

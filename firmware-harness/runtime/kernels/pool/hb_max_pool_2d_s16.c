/* hb_max_pool_2d_s16: int16 max pooling, TFLM's reference_integer_ops::MaxPool
 * bit for bit (the window maximum over image cells, then the clamp). */
#include "hb/ops/pool.h"

void hb_max_pool_2d_s16(const hb_pool_params *p, const hb_pool_shape *s, const int16_t *in,
                        int16_t *out) {
  for (int32_t b = 0; b < s->batches; ++b) {
    for (int32_t oy = 0; oy < s->out_h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t fy0 = iy0 < 0 ? -iy0 : 0;
      const int32_t fy1 = p->filter_h < s->in_h - iy0 ? p->filter_h : s->in_h - iy0;
      for (int32_t ox = 0; ox < s->out_w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fx0 = ix0 < 0 ? -ix0 : 0;
        const int32_t fx1 = p->filter_w < s->in_w - ix0 ? p->filter_w : s->in_w - ix0;
        for (int32_t c = 0; c < s->channels; ++c) {
          int32_t m = INT16_MIN;
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            const int32_t row = (((b * s->in_h) + iy0 + fy) * s->in_w + ix0) * s->channels + c;
            for (int32_t fx = fx0; fx < fx1; ++fx) {
              if (in[row + fx * s->channels] > m) m = in[row + fx * s->channels];
            }
          }
          if (m < p->act_min) m = p->act_min;
          if (m > p->act_max) m = p->act_max;
          *out++ = (int16_t)m;
        }
      }
    }
  }
}

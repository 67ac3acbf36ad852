/* hb_average_pool_2d_s16: int16 average pooling, TFLM's
 * reference_integer_ops::AveragePool bit for bit. */
#include "hb/ops/pool.h"

void hb_average_pool_2d_s16(const hb_pool_params *p, const hb_pool_shape *s, const int16_t *in,
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
        /* Padding cells are not counted: edge windows divide by fewer. */
        const int32_t count = (fy1 - fy0) * (fx1 - fx0);
        for (int32_t c = 0; c < s->channels; ++c) {
          int32_t acc = 0;
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            const int32_t row = (((b * s->in_h) + iy0 + fy) * s->in_w + ix0) * s->channels + c;
            for (int32_t fx = fx0; fx < fx1; ++fx) acc += in[row + fx * s->channels];
          }
          /* Round half away from zero; C division truncates toward zero. */
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          if (acc < p->act_min) acc = p->act_min;
          if (acc > p->act_max) acc = p->act_max;
          *out++ = (int16_t)acc;
        }
      }
    }
  }
}

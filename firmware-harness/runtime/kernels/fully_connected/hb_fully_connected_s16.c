/* hb_fully_connected_s16.c: FULLY_CONNECTED reference kernel, int16 x int8 ->
 * int16 with int64 accumulators (TFLM's reference_integer_ops::FullyConnected,
 * int16 overload: no input or output offset). */
#include "hb/ops/conv.h"
#include "hb/quant.h"

void hb_fully_connected_s16(const hb_fully_connected_params *p, const hb_requant *rq,
                            const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out) {
  const int32_t depth = p->accum_depth;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int16_t *row = in + b * depth;
    for (int32_t o = 0; o < p->output_depth; ++o) {
      const int8_t *wr = w + o * depth;
      int64_t acc = 0;
      for (int32_t d = 0; d < depth; ++d) {
        acc += (int64_t)(((int32_t)wr[d] + p->filter_offset) * (int32_t)row[d]);
      }
      if (bias) acc += bias[o];
      const int32_t scaled = hb_mbqm64(acc, rq->mult[o], rq->shift[o], rq->single);
      *out++ = (int16_t)hb_clamp32(scaled, p->act_min, p->act_max);
    }
  }
}

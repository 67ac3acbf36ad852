/* hb_fully_connected_s8.c: FULLY_CONNECTED reference kernel, int8 x int8 ->
 * int8 (TFLM's reference_integer_ops::FullyConnected / FullyConnectedPerChannel:
 * the weights offset is applied, and is 0 for per-channel weights). */
#include "hb/ops/conv.h"
#include "hb/quant.h"

void hb_fully_connected_s8(const hb_fully_connected_params *p, const hb_requant *rq,
                           const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t depth = p->accum_depth;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t *row = in + b * depth;
    for (int32_t o = 0; o < p->output_depth; ++o) {
      const int8_t *wr = w + o * depth;
      int32_t acc = 0;
      for (int32_t d = 0; d < depth; ++d) {
        acc = hb_add_wrap(
            acc, ((int32_t)wr[d] + p->filter_offset) * ((int32_t)row[d] + p->input_offset));
      }
      if (bias) acc = hb_add_wrap(acc, bias[o]);
      acc = hb_mbqm(acc, rq->mult[o], rq->shift[o], rq->single);
      acc = hb_add_wrap(acc, p->output_offset);
      *out++ = (int8_t)hb_clamp32(acc, p->act_min, p->act_max);
    }
  }
}

/* hb_softmax_s8_s16.c: SOFTMAX int8 -> int16 (output scale 1/65536, zero
 * point -32768), TFLM reference_ops::Softmax<int8_t, int16_t>. Not in place:
 * the output elements are wider than the input ones. */
#include "softmax_s8_row.h"

void hb_softmax_s8_s16(const int8_t *in, int16_t *out, int32_t rows, int32_t depth,
                       const hb_softmax_params *p, int single) {
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t *in_row = in + (int64_t)i * depth;
    int16_t *out_row = out + (int64_t)i * depth;
    const hb_softmax_s8_row r = hb_softmax_s8_prepare_row(in_row, depth, p, single, 16);
    for (int32_t c = 0; c < depth; ++c)
      out_row[c] = (int16_t)hb_softmax_s8_value(in_row[c], &r, p, single, INT16_MIN, INT16_MAX);
  }
}

/* hb_softmax_s8.c: SOFTMAX int8 -> int8 (output scale 1/256, zero point
 * -128), TFLM reference_ops::Softmax<int8_t, int8_t>. */
#include "softmax_s8_row.h"

void hb_softmax_s8(const int8_t *in, int8_t *out, int32_t rows, int32_t depth,
                   const hb_softmax_params *p, int single) {
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t *in_row = in + (int64_t)i * depth;
    int8_t *out_row = out + (int64_t)i * depth;
    const hb_softmax_s8_row r = hb_softmax_s8_prepare_row(in_row, depth, p, single, 8);
    for (int32_t c = 0; c < depth; ++c)
      out_row[c] = (int8_t)hb_softmax_s8_value(in_row[c], &r, p, single, INT8_MIN, INT8_MAX);
  }
}

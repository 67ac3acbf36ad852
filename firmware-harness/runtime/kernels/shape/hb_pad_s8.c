/* hb_pad_s8: int8 PAD with a constant value, as TFLM's reference_ops::Pad:
 * the output is the input surrounded by pad_value. Writes the output once,
 * in order. */
#include "hb/ops/shape.h"

void hb_pad_s8(const hb_pad_params *p, const int32_t in_dims[4], const int8_t *in, int8_t *out) {
  int32_t od[4];
  for (int d = 0; d < 4; ++d) od[d] = p->before[d] + in_dims[d] + p->after[d];
  const int8_t v = (int8_t)p->pad_value;
  for (int32_t a = 0; a < od[0]; ++a) {
    const int pa = a < p->before[0] || a >= p->before[0] + in_dims[0];
    for (int32_t b = 0; b < od[1]; ++b) {
      const int pb = pa || b < p->before[1] || b >= p->before[1] + in_dims[1];
      for (int32_t c = 0; c < od[2]; ++c) {
        const int pc = pb || c < p->before[2] || c >= p->before[2] + in_dims[2];
        for (int32_t e = 0; e < od[3]; ++e) {
          if (pc || e < p->before[3] || e >= p->before[3] + in_dims[3]) {
            *out++ = v;
          } else {
            /* Inside the data the input is read in order too. */
            *out++ = *in++;
          }
        }
      }
    }
  }
}

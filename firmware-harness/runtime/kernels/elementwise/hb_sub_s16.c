/* hb_sub_s16: int16 SUB (general path, left_shift 15) with broadcasting, TFLM's reference
 * arithmetic bit for bit (see hb/ops/elementwise.h). Reads element i of each input before writing
 * output element i, so it may run in place when nothing broadcasts. */
#include "hb_elementwise_impl.h"

void hb_sub_s16(const hb_addsub_params *p, const hb_broadcast4 *b, const int16_t *in1,
                const int16_t *in2, int16_t *out, int single) {
  HB_BROADCAST4_FOR_EACH(b, o, i1, i2,
                         out[o] = (int16_t)hb_addsub_elem(p, in1[i1], in2[i2], -1, single));
}

/* hb_add_s8: int8 ADD with broadcasting, TFLM's reference arithmetic bit for bit
 * (see hb/ops/elementwise.h). Reads element i of each input before writing
 * output element i, so it may run in place when nothing broadcasts. */
#include "hb_elementwise_impl.h"

void hb_add_s8(const hb_addsub_params *p, const hb_broadcast4 *b, const int8_t *in1,
               const int8_t *in2, int8_t *out, int single) {
  HB_BROADCAST4_FOR_EACH(b, o, i1, i2,
                         out[o] = (int8_t)hb_addsub_elem(p, in1[i1], in2[i2], 1, single));
}

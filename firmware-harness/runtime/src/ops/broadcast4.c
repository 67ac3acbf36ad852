/* broadcast4.c: hb_broadcast4_init (hb/ops/elementwise.h), used by the
 * ADD/SUB/MUL glue both to validate shapes and to drive the kernels. */
#include "dims4.h"
#include "hb/ops/elementwise.h"

/* Element strides of `in` per output dim; 0 where it broadcasts. */
static int strides_for(const int32_t in[4], const int32_t out[4], int32_t s[4]) {
  int32_t natural = 1;
  for (int d = 3; d >= 0; --d) {
    if (in[d] == out[d]) {
      s[d] = in[d] == 1 ? 0 : natural;
    } else if (in[d] == 1) {
      s[d] = 0;
    } else {
      return 0;
    }
    natural *= in[d];
  }
  return 1;
}

int hb_broadcast4_init(hb_broadcast4 *b, const hb_tensor *in1, const hb_tensor *in2,
                       const hb_tensor *out) {
  int32_t d1[4], d2[4];
  hb_dims4(in1, d1);
  hb_dims4(in2, d2);
  hb_dims4(out, b->out_dims);
  for (int d = 0; d < 4; ++d) {
    /* The output is exactly the broadcast shape: no dim larger than both. */
    const int32_t want = d1[d] == 1 ? d2[d] : d1[d];
    if (b->out_dims[d] != want) return 0;
  }
  return strides_for(d1, b->out_dims, b->in1_strides) &&
         strides_for(d2, b->out_dims, b->in2_strides);
}

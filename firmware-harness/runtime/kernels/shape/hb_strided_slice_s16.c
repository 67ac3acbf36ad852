/* hb_strided_slice_s16: int16 STRIDED_SLICE with indices already resolved by
 * the compiler (hb_strided_slice_params); the same reads in the same order
 * as TFLM's reference_ops::StridedSlice. */
#include "hb/ops/shape.h"

void hb_strided_slice_s16(const hb_strided_slice_params *p, const int32_t in_dims[4],
                          const int16_t *in, int16_t *out) {
  const int32_t s3 = 1;
  const int32_t s2 = in_dims[3];
  const int32_t s1 = s2 * in_dims[2];
  const int32_t s0 = s1 * in_dims[1];
  for (int32_t a = 0; a < p->count[0]; ++a) {
    const int32_t ia = (p->start[0] + a * p->step[0]) * s0;
    for (int32_t b = 0; b < p->count[1]; ++b) {
      const int32_t ib = ia + (p->start[1] + b * p->step[1]) * s1;
      for (int32_t c = 0; c < p->count[2]; ++c) {
        const int32_t ic = ib + (p->start[2] + c * p->step[2]) * s2;
        for (int32_t e = 0; e < p->count[3]; ++e) {
          *out++ = in[ic + (p->start[3] + e * p->step[3]) * s3];
        }
      }
    }
  }
}

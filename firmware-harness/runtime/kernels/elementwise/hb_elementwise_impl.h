/* hb_elementwise_impl.h: private to kernels/elementwise/. The per-element
 * arithmetic of ADD/SUB/MUL and the 4-D broadcast walk they share, as
 * static inline code so each hb_<op>_<dtype>.c stays one kernel. */
#ifndef HB_KERNELS_ELEMENTWISE_IMPL_H
#define HB_KERNELS_ELEMENTWISE_IMPL_H

#include "hb/ops/elementwise.h"
#include "hb/quant.h"

/* ADD (sign = +1) or SUB (sign = -1) of two raw quantized values, before the
 * narrowing store: TFLM's AddElementwise / SubElementwise. */
static inline int32_t hb_addsub_elem(const hb_addsub_params *p, int32_t x1, int32_t x2,
                                     int32_t sign, int single) {
  const int32_t shifted1 = (x1 + p->input1_offset) * (1 << p->left_shift);
  const int32_t shifted2 = (x2 + p->input2_offset) * (1 << p->left_shift);
  const int32_t scaled1 =
      hb_mbqm_smaller_than_one(shifted1, p->input1_multiplier, p->input1_shift, single);
  const int32_t scaled2 =
      hb_mbqm_smaller_than_one(shifted2, p->input2_multiplier, p->input2_shift, single);
  const int32_t raw = sign > 0 ? scaled1 + scaled2 : scaled1 - scaled2;
  const int32_t y = hb_mbqm_smaller_than_one(raw, p->output_multiplier, p->output_shift, single) +
                    p->output_offset;
  return hb_clamp32(y, p->act_min, p->act_max);
}

/* MUL of two raw quantized values: TFLM's MulElementwise. */
static inline int32_t hb_mul_elem(const hb_mul_params *p, int32_t x1, int32_t x2, int single) {
  const int32_t prod = (x1 + p->input1_offset) * (x2 + p->input2_offset);
  const int32_t y = hb_mbqm(prod, p->output_multiplier, p->output_shift, single) + p->output_offset;
  return hb_clamp32(y, p->act_min, p->act_max);
}

/* Walks the output in row-major order; for each element sets i1/i2 to the
 * corresponding input element indices and runs STMT with o = output index. */
#define HB_BROADCAST4_FOR_EACH(b, o, i1, i2, STMT)                                            \
  do {                                                                                        \
    int32_t o = 0;                                                                            \
    for (int32_t d0 = 0; d0 < (b)->out_dims[0]; ++d0) {                                       \
      for (int32_t d1 = 0; d1 < (b)->out_dims[1]; ++d1) {                                     \
        for (int32_t d2 = 0; d2 < (b)->out_dims[2]; ++d2) {                                   \
          const int32_t base1 =                                                               \
              d0 * (b)->in1_strides[0] + d1 * (b)->in1_strides[1] + d2 * (b)->in1_strides[2]; \
          const int32_t base2 =                                                               \
              d0 * (b)->in2_strides[0] + d1 * (b)->in2_strides[1] + d2 * (b)->in2_strides[2]; \
          for (int32_t d3 = 0; d3 < (b)->out_dims[3]; ++d3, ++o) {                            \
            const int32_t i1 = base1 + d3 * (b)->in1_strides[3];                              \
            const int32_t i2 = base2 + d3 * (b)->in2_strides[3];                              \
            STMT;                                                                             \
          }                                                                                   \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
  } while (0)

#endif /* HB_KERNELS_ELEMENTWISE_IMPL_H */

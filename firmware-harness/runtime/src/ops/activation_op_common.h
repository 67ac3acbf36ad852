/* activation_op_common.h: checks shared by the elementwise activation and
 * (de)quantize ops (softmax, logistic, tanh, relu, leaky_relu, hard_swish,
 * quantize, dequantize). Private to src/ops/. */
#ifndef HB_SRC_OPS_ACTIVATION_OP_COMMON_H
#define HB_SRC_OPS_ACTIVATION_OP_COMMON_H

#include <stdint.h>

#include "hb/op_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the op has exactly n_inputs present input slots and one output, its
 * params are params_size bytes, and in[0] and out[0] have the same shape. */
int hb_act_unary_ok(const hb_op_check_ctx *c, uint32_t n_inputs, uint32_t params_size);

/* 1 if `shift` is a MultiplyByQuantizedMultiplier shift for which
 * x * 2^max(shift, 0) stays in int32 for every |x| < 2^input_bits, and
 * `multiplier` is a Q31 multiplier (>= 0). */
int hb_act_mbqm_ok(int32_t multiplier, int32_t shift, int input_bits);

/* 1 if v is representable in integer dtype `dtype` (int8/int16). */
int hb_act_in_dtype(int32_t v, uint8_t dtype);

/* The whole check of LOGISTIC and TANH (the same params and limits). */
hb_status hb_act_sigmoid_like_check(const hb_op_check_ctx *c);

/* Flags -> the `single` argument of the kernels. */
static inline int hb_act_single(uint32_t flags) {
  return (flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0;
}

#ifdef __cplusplus
}
#endif
#endif /* HB_SRC_OPS_ACTIVATION_OP_COMMON_H */

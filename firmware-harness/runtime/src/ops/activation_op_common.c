/* activation_op_common.c: see activation_op_common.h. */
#include "activation_op_common.h"

#include <stddef.h>

int hb_act_unary_ok(const hb_op_check_ctx *c, uint32_t n_inputs, uint32_t params_size) {
  if (c->op->n_inputs != n_inputs || c->op->n_outputs != 1) return 0;
  if (c->op->params_size != params_size) return 0;
  for (uint32_t i = 0; i < n_inputs; ++i)
    if (c->in[i] == NULL) return 0;
  if (c->out[0] == NULL) return 0;
  return hb_same_shape(c->in[0], c->out[0]);
}

int hb_act_mbqm_ok(int32_t multiplier, int32_t shift, int input_bits) {
  if (multiplier < 0) return 0;
  if (shift < -31 || shift > 30) return 0;
  /* |x| < 2^input_bits: x << shift must stay below 2^31. */
  if (shift > 0 && shift + input_bits > 31) return 0;
  return 1;
}

int hb_act_in_dtype(int32_t v, uint8_t dtype) {
  if (dtype == HB_DT_INT8) return v >= INT8_MIN && v <= INT8_MAX;
  if (dtype == HB_DT_INT16) return v >= INT16_MIN && v <= INT16_MAX;
  return 0;
}

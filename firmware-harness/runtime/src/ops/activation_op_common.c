/* activation_op_common.c: see activation_op_common.h. */
#include "activation_op_common.h"

#include "hb/ops/activation.h"

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

/* LOGISTIC and TANH (one params layout, hb_logistic_params): int8 -> int8
 * with the input rescale TFLM computes, int16 -> int16 with a Q15 multiplier
 * or a power-of-two scale. */
hb_status hb_act_sigmoid_like_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_logistic_params)), HB_ERR_BAD_OP);
  const uint8_t dt = c->in[0]->dtype;
  HB_CHECK(c->out[0]->dtype == dt && (dt == HB_DT_INT8 || dt == HB_DT_INT16), HB_ERR_BAD_OP);
  const hb_logistic_params *p = (const hb_logistic_params *)c->params;
  if (dt == HB_DT_INT8) {
    HB_CHECK(hb_act_in_dtype(p->input_zero_point, HB_DT_INT8), HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_range_radius > 0, HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_multiplier >= 0, HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_left_shift >= 0 && p->input_left_shift <= 30, HB_ERR_BAD_PARAMS);
    /* Inputs that reach the multiply have |x| < min(radius, 256). */
    const int64_t max_x = p->input_range_radius < 256 ? p->input_range_radius : 256;
    HB_CHECK(max_x * ((int64_t)1 << p->input_left_shift) <= ((int64_t)1 << 31), HB_ERR_BAD_PARAMS);
  } else {
    HB_CHECK(p->input_zero_point == 0 && p->input_range_radius == 0, HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_multiplier >= 0 && p->input_multiplier <= 32767, HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_left_shift >= 0 && p->input_left_shift <= 31, HB_ERR_BAD_PARAMS);
    /* Power-of-two scale: the kernel uses 3 << shift as the multiplier. */
    if (p->input_multiplier == 0) HB_CHECK(p->input_left_shift <= 1, HB_ERR_BAD_PARAMS);
  }
  return HB_OK;
}

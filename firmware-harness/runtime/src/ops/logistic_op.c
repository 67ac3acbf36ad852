/* logistic_op.c: HB_OP_LOGISTIC glue (hb/ops/activation.h): int8 -> int8, int16 -> int16. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

hb_status hb_op_logistic_check(const hb_op_check_ctx *c) {
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

void hb_op_logistic_eval(const hb_op_ctx *c) {
  const hb_logistic_params *p = (const hb_logistic_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_logistic_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], n, p,
                   hb_act_single(c->flags));
  } else {
    hb_logistic_s16((const int16_t *)c->in_data[0], (int16_t *)c->out_data[0], n, p);
  }
}

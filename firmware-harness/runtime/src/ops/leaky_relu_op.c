/* leaky_relu_op.c: HB_OP_LEAKY_RELU glue (hb/ops/activation.h): int8 -> int8,
 * int16 -> int16. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

hb_status hb_op_leaky_relu_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_leaky_relu_params)), HB_ERR_BAD_OP);
  const uint8_t dt = c->in[0]->dtype;
  HB_CHECK(c->out[0]->dtype == dt && (dt == HB_DT_INT8 || dt == HB_DT_INT16), HB_ERR_BAD_OP);
  const hb_leaky_relu_params *p = (const hb_leaky_relu_params *)c->params;
  HB_CHECK(hb_act_in_dtype(p->input_zero_point, dt) && hb_act_in_dtype(p->output_zero_point, dt),
           HB_ERR_BAD_PARAMS);
  const int bits = dt == HB_DT_INT8 ? 9 : 17;
  HB_CHECK(hb_act_mbqm_ok(p->output_multiplier_alpha, p->output_shift_alpha, bits) &&
               hb_act_mbqm_ok(p->output_multiplier_identity, p->output_shift_identity, bits),
           HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_leaky_relu_eval(const hb_op_ctx *c) {
  const hb_leaky_relu_params *p = (const hb_leaky_relu_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  const int single = hb_act_single(c->flags);
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_leaky_relu_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], n, p, single);
  } else {
    hb_leaky_relu_s16((const int16_t *)c->in_data[0], (int16_t *)c->out_data[0], n, p, single);
  }
}

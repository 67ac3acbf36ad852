/* hard_swish_op.c: HB_OP_HARD_SWISH glue (hb/ops/activation.h): int8 only. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

hb_status hb_op_hard_swish_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_hard_swish_params)), HB_ERR_BAD_OP);
  HB_CHECK(c->in[0]->dtype == HB_DT_INT8 && c->out[0]->dtype == HB_DT_INT8, HB_ERR_BAD_OP);
  const hb_hard_swish_params *p = (const hb_hard_swish_params *)c->params;
  HB_CHECK(hb_act_in_dtype(p->input_zero_point, HB_DT_INT8) &&
               hb_act_in_dtype(p->output_zero_point, HB_DT_INT8),
           HB_ERR_BAD_PARAMS);
  HB_CHECK(p->reluish_multiplier_exponent >= -15 && p->reluish_multiplier_exponent <= 15,
           HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_multiplier_exponent >= -15 && p->output_multiplier_exponent <= 0,
           HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_hard_swish_eval(const hb_op_ctx *c) {
  hb_hard_swish_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0],
                   hb_tensor_elems(c->in[0]), (const hb_hard_swish_params *)c->params);
}

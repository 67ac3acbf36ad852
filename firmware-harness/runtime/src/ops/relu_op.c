/* relu_op.c: HB_OP_RELU glue (hb/ops/activation.h): RELU, RELU6 and
 * RELU_N1_TO_1 as requantize + clamp, int8 -> int8 and int16 -> int16. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

hb_status hb_op_relu_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_relu_params)), HB_ERR_BAD_OP);
  const uint8_t dt = c->in[0]->dtype;
  HB_CHECK(c->out[0]->dtype == dt && (dt == HB_DT_INT8 || dt == HB_DT_INT16), HB_ERR_BAD_OP);
  const hb_relu_params *p = (const hb_relu_params *)c->params;
  HB_CHECK(hb_act_in_dtype(p->input_offset, dt) && hb_act_in_dtype(p->output_offset, dt),
           HB_ERR_BAD_PARAMS);
  /* x - input_offset spans 9 (int8) or 17 (int16) bits. */
  HB_CHECK(hb_act_mbqm_ok(p->output_multiplier, p->output_shift, dt == HB_DT_INT8 ? 9 : 17),
           HB_ERR_BAD_PARAMS);
  HB_CHECK(hb_act_in_dtype(p->act_min, dt) && hb_act_in_dtype(p->act_max, dt) &&
               p->act_min <= p->act_max,
           HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_relu_eval(const hb_op_ctx *c) {
  const hb_relu_params *p = (const hb_relu_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  const int single = hb_act_single(c->flags);
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_relu_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], n, p, single);
  } else {
    hb_relu_s16((const int16_t *)c->in_data[0], (int16_t *)c->out_data[0], n, p, single);
  }
}

/* tanh_op.c: HB_OP_TANH glue (hb/ops/activation.h): int8 -> int8, int16 -> int16. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

hb_status hb_op_tanh_check(const hb_op_check_ctx *c) { return hb_act_sigmoid_like_check(c); }

void hb_op_tanh_eval(const hb_op_ctx *c) {
  const hb_logistic_params *p = (const hb_logistic_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_tanh_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], n, p,
               hb_act_single(c->flags));
  } else {
    hb_tanh_s16((const int16_t *)c->in_data[0], (int16_t *)c->out_data[0], n, p);
  }
}

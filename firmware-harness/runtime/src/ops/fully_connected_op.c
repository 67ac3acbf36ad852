/* fully_connected_op.c: FULLY_CONNECTED op glue (slots and params:
 * hb/ops/conv.h). The input is read flat, as TFLM does. */
#include "conv_op_common.h"

hb_status hb_op_fully_connected_check(const hb_op_check_ctx *c) {
  return hb_fully_connected_family_check(c);
}

void hb_op_fully_connected_eval(const hb_op_ctx *c) {
  const hb_fully_connected_params *p = (const hb_fully_connected_params *)c->params;
  const hb_requant rq = hb_conv_requant(c);
  const int8_t *w = (const int8_t *)c->in_data[HB_CONV_WEIGHTS];
  if (c->in[HB_CONV_IN]->dtype == HB_DT_INT8) {
    hb_fully_connected_s8(p, &rq, (const int8_t *)c->in_data[HB_CONV_IN], w,
                          (const int32_t *)c->in_data[HB_CONV_BIAS], (int8_t *)c->out_data[0]);
  } else {
    hb_fully_connected_s16(p, &rq, (const int16_t *)c->in_data[HB_CONV_IN], w,
                           (const int64_t *)c->in_data[HB_CONV_BIAS], (int16_t *)c->out_data[0]);
  }
}

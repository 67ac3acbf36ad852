/* depthwise_conv_2d_op.c: DEPTHWISE_CONV_2D op glue (slots and params: hb/ops/conv.h). */
#include "conv_op_common.h"

hb_status hb_op_depthwise_conv_2d_check(const hb_op_check_ctx *c) {
  return hb_conv_family_check(c, HB_CONV_KIND_DEPTHWISE);
}

void hb_op_depthwise_conv_2d_eval(const hb_op_ctx *c) {
  const hb_conv_params *p = (const hb_conv_params *)c->params;
  const hb_requant rq = hb_conv_requant(c);
  const hb_shape4 is = hb_conv_shape(c->in[HB_CONV_IN]);
  const hb_shape4 ws = hb_conv_shape(c->in[HB_CONV_WEIGHTS]);
  const hb_shape4 os = hb_conv_shape(c->out[0]);
  const int8_t *w = (const int8_t *)c->in_data[HB_CONV_WEIGHTS];
  if (c->in[HB_CONV_IN]->dtype == HB_DT_INT8) {
    hb_depthwise_conv2d_s8(p, &rq, &is, (const int8_t *)c->in_data[HB_CONV_IN], &ws, w,
                           (const int32_t *)c->in_data[HB_CONV_BIAS], &os,
                           (int8_t *)c->out_data[0]);
  } else {
    hb_depthwise_conv2d_s16(p, &rq, &is, (const int16_t *)c->in_data[HB_CONV_IN], &ws, w,
                            (const int64_t *)c->in_data[HB_CONV_BIAS], &os,
                            (int16_t *)c->out_data[0]);
  }
}

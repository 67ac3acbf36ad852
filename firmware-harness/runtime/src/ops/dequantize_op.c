/* dequantize_op.c: HB_OP_DEQUANTIZE glue (hb/ops/quantize.h): int8 / int16
 * -> float32. */
#include "activation_op_common.h"
#include "hb/ops/quantize.h"

hb_status hb_op_dequantize_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_dequantize_params)), HB_ERR_BAD_OP);
  const uint8_t in_dt = c->in[0]->dtype;
  HB_CHECK(in_dt == HB_DT_INT8 || in_dt == HB_DT_INT16, HB_ERR_BAD_OP);
  HB_CHECK(c->out[0]->dtype == HB_DT_FLOAT32, HB_ERR_BAD_OP);
  const hb_dequantize_params *p = (const hb_dequantize_params *)c->params;
  HB_CHECK(hb_act_in_dtype(p->zero_point, in_dt), HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_dequantize_eval(const hb_op_ctx *c) {
  const hb_dequantize_params *p = (const hb_dequantize_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_dequantize_s8_f32((const int8_t *)c->in_data[0], (float *)c->out_data[0], n, p);
  } else {
    hb_dequantize_s16_f32((const int16_t *)c->in_data[0], (float *)c->out_data[0], n, p);
  }
}

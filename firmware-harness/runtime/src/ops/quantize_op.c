/* quantize_op.c: HB_OP_QUANTIZE glue (hb/ops/quantize.h): float32 -> int8 /
 * int16 (affine quantization) and int8/int16 -> int8/int16 (requantize). */
#include "activation_op_common.h"
#include "hb/ops/quantize.h"

hb_status hb_op_quantize_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_act_unary_ok(c, 1, sizeof(hb_quantize_params)), HB_ERR_BAD_OP);
  const uint8_t in_dt = c->in[0]->dtype;
  const uint8_t out_dt = c->out[0]->dtype;
  HB_CHECK(out_dt == HB_DT_INT8 || out_dt == HB_DT_INT16, HB_ERR_BAD_OP);
  const hb_quantize_params *p = (const hb_quantize_params *)c->params;
  HB_CHECK(hb_act_in_dtype(p->output_zero_point, out_dt), HB_ERR_BAD_PARAMS);
  if (in_dt == HB_DT_FLOAT32) {
    /* > 0 and finite (also rejects NaN). */
    HB_CHECK(p->output_scale > 0.0f && p->output_scale <= 3.4e38f, HB_ERR_BAD_PARAMS);
    return HB_OK;
  }
  HB_CHECK(in_dt == HB_DT_INT8 || in_dt == HB_DT_INT16, HB_ERR_BAD_OP);
  HB_CHECK(hb_act_in_dtype(p->input_zero_point, in_dt), HB_ERR_BAD_PARAMS);
  HB_CHECK(hb_act_mbqm_ok(p->output_multiplier, p->output_shift, in_dt == HB_DT_INT8 ? 9 : 17),
           HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_quantize_eval(const hb_op_ctx *c) {
  const hb_quantize_params *p = (const hb_quantize_params *)c->params;
  const int32_t n = hb_tensor_elems(c->in[0]);
  const int single = hb_act_single(c->flags);
  const void *in = c->in_data[0];
  void *out = c->out_data[0];
  const int out8 = c->out[0]->dtype == HB_DT_INT8;
  switch (c->in[0]->dtype) {
    case HB_DT_FLOAT32:
      if (out8)
        hb_quantize_f32_s8((const float *)in, (int8_t *)out, n, p);
      else
        hb_quantize_f32_s16((const float *)in, (int16_t *)out, n, p);
      break;
    case HB_DT_INT8:
      if (out8)
        hb_requantize_s8_s8((const int8_t *)in, (int8_t *)out, n, p, single);
      else
        hb_requantize_s8_s16((const int8_t *)in, (int16_t *)out, n, p, single);
      break;
    default: /* HB_DT_INT16, per check */
      if (out8)
        hb_requantize_s16_s8((const int16_t *)in, (int8_t *)out, n, p, single);
      else
        hb_requantize_s16_s16((const int16_t *)in, (int16_t *)out, n, p, single);
      break;
  }
}

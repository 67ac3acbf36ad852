/* pad_op.c: HB_OP_PAD glue, int8 and int16 (hb/ops/shape.h). */
#include "dims4.h"
#include "hb/ops/shape.h"

hb_status hb_op_pad_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 1, sizeof(hb_pad_params)), HB_ERR_BAD_OP);
  int32_t lo, hi;
  HB_CHECK(hb_dtype_range(c->in[0]->dtype, &lo, &hi), HB_ERR_BAD_OP);
  HB_CHECK(c->out[0]->dtype == c->in[0]->dtype, HB_ERR_BAD_OP);
  const hb_pad_params *p = (const hb_pad_params *)c->params;
  int32_t di[4], dout[4];
  hb_dims4(c->in[0], di);
  hb_dims4(c->out[0], dout);
  for (int d = 0; d < 4; ++d) {
    HB_CHECK(p->before[d] >= 0 && p->after[d] >= 0, HB_ERR_BAD_PARAMS);
    HB_CHECK((int64_t)p->before[d] + di[d] + p->after[d] == dout[d], HB_ERR_BAD_PARAMS);
  }
  HB_CHECK(p->pad_value >= lo && p->pad_value <= hi, HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_pad_eval(const hb_op_ctx *c) {
  int32_t d[4];
  hb_dims4(c->in[0], d);
  const hb_pad_params *p = (const hb_pad_params *)c->params;
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_pad_s8(p, d, (const int8_t *)c->in_data[0], (int8_t *)c->out_data[0]);
  } else {
    hb_pad_s16(p, d, (const int16_t *)c->in_data[0], (int16_t *)c->out_data[0]);
  }
}

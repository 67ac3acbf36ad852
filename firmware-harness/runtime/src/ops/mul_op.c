/* mul_op.c: HB_OP_MUL glue, int8 (hb/ops/elementwise.h). */
#include "dims4.h"
#include "hb/ops/elementwise.h"

hb_status hb_op_mul_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 2, sizeof(hb_mul_params)), HB_ERR_BAD_OP);
  HB_CHECK(c->out[0]->dtype == HB_DT_INT8 && c->in[0]->dtype == HB_DT_INT8 &&
               c->in[1]->dtype == HB_DT_INT8,
           HB_ERR_BAD_OP);
  hb_broadcast4 b;
  HB_CHECK(hb_broadcast4_init(&b, c->in[0], c->in[1], c->out[0]), HB_ERR_BAD_OP);
  const hb_mul_params *p = (const hb_mul_params *)c->params;
  /* |(x1 + o1) * (x2 + o2)| <= 255 * 255 needs |offset| <= 128. */
  HB_CHECK(p->input1_offset >= -128 && p->input1_offset <= 128, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input2_offset >= -128 && p->input2_offset <= 128, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_offset >= -128 && p->output_offset <= 127, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_multiplier >= 0, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_shift >= -31 && p->output_shift <= 30, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->act_min >= -128 && p->act_max <= 127 && p->act_min <= p->act_max, HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_mul_eval(const hb_op_ctx *c) {
  hb_broadcast4 b;
  (void)hb_broadcast4_init(&b, c->in[0], c->in[1], c->out[0]); /* checked at load */
  hb_mul_s8((const hb_mul_params *)c->params, &b, (const int8_t *)c->in_data[0],
            (const int8_t *)c->in_data[1], (int8_t *)c->out_data[0],
            (c->flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0);
}

/* addsub_op_common.h: the check shared by ADD and SUB (same params, same
 * arithmetic up to the sign). */
#ifndef HB_SRC_OPS_ADDSUB_OP_COMMON_H
#define HB_SRC_OPS_ADDSUB_OP_COMMON_H

#include "dims4.h"
#include "hb/ops/elementwise.h"

static inline hb_status hb_addsub_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 2, sizeof(hb_addsub_params)), HB_ERR_BAD_OP);
  const uint8_t dt = c->out[0]->dtype;
  int32_t lo, hi;
  HB_CHECK(hb_dtype_range(dt, &lo, &hi), HB_ERR_BAD_OP);
  HB_CHECK(c->in[0]->dtype == dt && c->in[1]->dtype == dt, HB_ERR_BAD_OP);
  hb_broadcast4 b;
  HB_CHECK(hb_broadcast4_init(&b, c->in[0], c->in[1], c->out[0]), HB_ERR_BAD_OP);
  const hb_addsub_params *p = (const hb_addsub_params *)c->params;
  /* (x + offset) << left_shift must fit in int32: |x + offset| < 2^(31 - shift). */
  const int32_t max_off = dt == HB_DT_INT8 ? 128 : 32767;
  HB_CHECK(p->left_shift == (dt == HB_DT_INT8 ? 20 : 15), HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input1_offset >= -max_off && p->input1_offset <= max_off, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input2_offset >= -max_off && p->input2_offset <= max_off, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_offset >= lo && p->output_offset <= hi, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input1_multiplier >= 0 && p->input2_multiplier >= 0 && p->output_multiplier >= 0,
           HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input1_shift >= -31 && p->input1_shift <= 0, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->input2_shift >= -31 && p->input2_shift <= 0, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_shift >= -31 && p->output_shift <= 0, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->act_min >= lo && p->act_max <= hi && p->act_min <= p->act_max, HB_ERR_BAD_PARAMS);
  return HB_OK;
}

#endif /* HB_SRC_OPS_ADDSUB_OP_COMMON_H */

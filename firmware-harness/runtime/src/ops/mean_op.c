/* mean_op.c: HB_OP_MEAN glue, int8 (hb/ops/reduce.h). */
#include "dims4.h"
#include "hb/ops/reduce.h"

hb_status hb_op_mean_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 1, sizeof(hb_mean_params)), HB_ERR_BAD_OP);
  HB_CHECK(c->in[0]->dtype == HB_DT_INT8 && c->out[0]->dtype == HB_DT_INT8, HB_ERR_BAD_OP);
  const hb_mean_params *p = (const hb_mean_params *)c->params;
  HB_CHECK(p->mode <= HB_MEAN_SPATIAL && p->reduce_mask < 16u, HB_ERR_BAD_PARAMS);
  int32_t d[4];
  hb_dims4(c->in[0], d);
  int32_t count = 1, n_out = 1;
  for (int i = 0; i < 4; ++i) {
    if (p->reduce_mask & (1u << i)) {
      count *= d[i];
    } else {
      n_out *= d[i];
    }
  }
  HB_CHECK(p->count == count, HB_ERR_BAD_PARAMS);
  /* The int32 sum of count int8 values cannot overflow. */
  HB_CHECK(count <= (1 << 23), HB_ERR_BAD_PARAMS);
  HB_CHECK(hb_tensor_elems(c->out[0]) == n_out, HB_ERR_BAD_OP);
  HB_CHECK(c->op->scratch_size >= (uint32_t)n_out * 4u, HB_ERR_BAD_OP);
  HB_CHECK(p->input_zero_point >= -128 && p->input_zero_point <= 127, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->output_zero_point >= -128 && p->output_zero_point <= 127, HB_ERR_BAD_PARAMS);
  if (p->mode != HB_MEAN_TRUNC) {
    HB_CHECK(p->multiplier >= 0 && p->shift >= -31 && p->shift <= 30, HB_ERR_BAD_PARAMS);
  }
  return HB_OK;
}

void hb_op_mean_eval(const hb_op_ctx *c) {
  int32_t d[4];
  hb_dims4(c->in[0], d);
  hb_mean_s8((const hb_mean_params *)c->params, d, (const int8_t *)c->in_data[0],
             (int8_t *)c->out_data[0], (int32_t *)c->scratch,
             (c->flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0);
}

/* max_pool_2d_op.c: HB_OP_MAX_POOL_2D glue (hb/ops/pool.h). */
#include "hb/ops/pool.h"
#include "pool_op_common.h"

hb_status hb_op_max_pool_2d_check(const hb_op_check_ctx *c) { return hb_pool_check(c); }

void hb_op_max_pool_2d_eval(const hb_op_ctx *c) {
  hb_pool_shape s;
  hb_pool_shape_of(c->in[0], c->out[0], &s);
  const hb_pool_params *p = (const hb_pool_params *)c->params;
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_max_pool_2d_s8(p, &s, (const int8_t *)c->in_data[0], (int8_t *)c->out_data[0]);
  } else {
    hb_max_pool_2d_s16(p, &s, (const int16_t *)c->in_data[0], (int16_t *)c->out_data[0]);
  }
}

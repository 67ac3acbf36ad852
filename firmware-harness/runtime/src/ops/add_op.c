/* add_op.c: HB_OP_ADD glue (hb/ops/elementwise.h). */
#include "addsub_op_common.h"

hb_status hb_op_add_check(const hb_op_check_ctx *c) { return hb_addsub_check(c); }

void hb_op_add_eval(const hb_op_ctx *c) {
  hb_broadcast4 b;
  (void)hb_broadcast4_init(&b, c->in[0], c->in[1], c->out[0]); /* checked at load */
  const hb_addsub_params *p = (const hb_addsub_params *)c->params;
  const int single = (c->flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0;
  if (c->out[0]->dtype == HB_DT_INT8) {
    hb_add_s8(p, &b, (const int8_t *)c->in_data[0], (const int8_t *)c->in_data[1],
              (int8_t *)c->out_data[0], single);
  } else {
    hb_add_s16(p, &b, (const int16_t *)c->in_data[0], (const int16_t *)c->in_data[1],
               (int16_t *)c->out_data[0], single);
  }
}

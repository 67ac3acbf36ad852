/* reshape_op.c: HB_OP_RESHAPE glue (also SQUEEZE; hb/ops/shape.h). When the
 * memory planner aliased the output onto the input, eval does nothing. */
#include "dims4.h"
#include "hb/ops/shape.h"

hb_status hb_op_reshape_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 1, sizeof(hb_reshape_params)), HB_ERR_BAD_OP);
  HB_CHECK(c->in[0]->dtype == c->out[0]->dtype, HB_ERR_BAD_OP);
  HB_CHECK(c->in[0]->bytes == c->out[0]->bytes, HB_ERR_BAD_OP);
  return HB_OK;
}

void hb_op_reshape_eval(const hb_op_ctx *c) {
  hb_reshape_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], c->out[0]->bytes);
}

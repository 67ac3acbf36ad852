/* strided_slice_op.c: HB_OP_STRIDED_SLICE glue, int8 and int16
 * (hb/ops/shape.h). */
#include "dims4.h"
#include "hb/ops/shape.h"

hb_status hb_op_strided_slice_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 1, sizeof(hb_strided_slice_params)), HB_ERR_BAD_OP);
  int32_t lo, hi;
  HB_CHECK(hb_dtype_range(c->in[0]->dtype, &lo, &hi), HB_ERR_BAD_OP);
  HB_CHECK(c->out[0]->dtype == c->in[0]->dtype, HB_ERR_BAD_OP);
  const hb_strided_slice_params *p = (const hb_strided_slice_params *)c->params;
  int32_t di[4];
  hb_dims4(c->in[0], di);
  int64_t n = 1;
  for (int d = 0; d < 4; ++d) {
    HB_CHECK(p->count[d] >= 0 && p->step[d] != 0, HB_ERR_BAD_PARAMS);
    n *= p->count[d];
    if (p->count[d] == 0) continue;
    /* First and last index read along d lie inside the input. */
    const int64_t last = (int64_t)p->start[d] + (int64_t)(p->count[d] - 1) * p->step[d];
    HB_CHECK(p->start[d] >= 0 && p->start[d] < di[d], HB_ERR_BAD_PARAMS);
    HB_CHECK(last >= 0 && last < di[d], HB_ERR_BAD_PARAMS);
  }
  HB_CHECK(n == hb_tensor_elems(c->out[0]), HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_strided_slice_eval(const hb_op_ctx *c) {
  int32_t d[4];
  hb_dims4(c->in[0], d);
  const hb_strided_slice_params *p = (const hb_strided_slice_params *)c->params;
  if (c->in[0]->dtype == HB_DT_INT8) {
    hb_strided_slice_s8(p, d, (const int8_t *)c->in_data[0], (int8_t *)c->out_data[0]);
  } else {
    hb_strided_slice_s16(p, d, (const int16_t *)c->in_data[0], (int16_t *)c->out_data[0]);
  }
}

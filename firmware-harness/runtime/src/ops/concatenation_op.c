/* concatenation_op.c: HB_OP_CONCATENATION glue, int8 and int16
 * (hb/ops/shape.h). A byte copy: the compiler guarantees every input has
 * the output's quantization. */
#include "dims4.h"
#include "hb/ops/shape.h"

hb_status hb_op_concatenation_check(const hb_op_check_ctx *c) {
  const uint32_t n = c->op->n_inputs;
  HB_CHECK(n >= 1 && n <= HB_OP_MAX_TENSORS - 1, HB_ERR_BAD_OP);
  HB_CHECK(hb_slots_ok(c, n, sizeof(hb_concatenation_params)), HB_ERR_BAD_OP);
  int32_t lo, hi;
  HB_CHECK(hb_dtype_range(c->out[0]->dtype, &lo, &hi), HB_ERR_BAD_OP);
  const hb_concatenation_params *p = (const hb_concatenation_params *)c->params;
  HB_CHECK(p->axis >= 0 && p->axis < 4, HB_ERR_BAD_PARAMS);
  int32_t dout[4];
  hb_dims4(c->out[0], dout);
  int64_t total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    HB_CHECK(c->in[i]->dtype == c->out[0]->dtype, HB_ERR_BAD_OP);
    int32_t di[4];
    hb_dims4(c->in[i], di);
    for (int d = 0; d < 4; ++d) {
      if (d != p->axis) HB_CHECK(di[d] == dout[d], HB_ERR_BAD_OP);
    }
    total += di[p->axis];
  }
  HB_CHECK(total == dout[p->axis], HB_ERR_BAD_OP);
  return HB_OK;
}

void hb_op_concatenation_eval(const hb_op_ctx *c) {
  const hb_concatenation_params *p = (const hb_concatenation_params *)c->params;
  const uint32_t n = c->op->n_inputs;
  int32_t dout[4];
  hb_dims4(c->out[0], dout);
  int32_t outer = 1, inner = c->out[0]->dtype == HB_DT_INT16 ? 2 : 1; /* inner in bytes */
  for (int d = 0; d < p->axis; ++d) outer *= dout[d];
  for (int d = p->axis + 1; d < 4; ++d) inner *= dout[d];
  const int8_t *inputs[HB_OP_MAX_TENSORS];
  int32_t chunk[HB_OP_MAX_TENSORS];
  for (uint32_t i = 0; i < n; ++i) {
    int32_t di[4];
    hb_dims4(c->in[i], di);
    inputs[i] = (const int8_t *)c->in_data[i];
    chunk[i] = di[p->axis] * inner;
  }
  hb_concatenation_s8(inputs, chunk, (int32_t)n, outer, (int8_t *)c->out_data[0]);
}

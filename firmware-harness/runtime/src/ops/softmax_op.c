/* softmax_op.c: HB_OP_SOFTMAX glue (hb/ops/activation.h). Rows are the last
 * dimension; the dtype pair picks the kernel. */
#include "activation_op_common.h"
#include "hb/ops/activation.h"

static void rows_depth(const hb_tensor *t, int32_t *rows, int32_t *depth) {
  *depth = t->dims[t->ndim - 1];
  *rows = hb_tensor_elems(t) / *depth;
}

static int lut_ok(const hb_tensor *t) {
  return t->dtype == HB_DT_INT16 && hb_tensor_elems(t) == HB_SOFTMAX_LUT_ENTRIES;
}

hb_status hb_op_softmax_check(const hb_op_check_ctx *c) {
  HB_CHECK(c->op->n_inputs >= 1, HB_ERR_BAD_OP);
  const uint8_t in_dt = c->in[0] ? c->in[0]->dtype : 0;
  const uint32_t n_in = in_dt == HB_DT_INT16 ? 3u : 1u;
  HB_CHECK(hb_act_unary_ok(c, n_in, sizeof(hb_softmax_params)), HB_ERR_BAD_OP);
  const hb_tensor *in = c->in[0];
  const hb_tensor *out = c->out[0];
  HB_CHECK(in->ndim >= 1, HB_ERR_BAD_OP);
  const hb_softmax_params *p = (const hb_softmax_params *)c->params;
  int32_t rows, depth;
  rows_depth(in, &rows, &depth);
  (void)rows;
  if (in_dt == HB_DT_INT8) {
    HB_CHECK(out->dtype == HB_DT_INT8 || out->dtype == HB_DT_INT16, HB_ERR_BAD_OP);
    /* Keeps the Q12.19 sum of exps (<= 2^19 each) below 2^31, so the
     * reciprocal's exponent stays in [0, 31]. */
    HB_CHECK(depth < 4096, HB_ERR_BAD_OP);
    HB_CHECK(p->input_multiplier >= 0, HB_ERR_BAD_PARAMS);
    HB_CHECK(p->input_left_shift >= 0 && p->input_left_shift <= 31, HB_ERR_BAD_PARAMS);
    if (hb_act_single(c->flags)) HB_CHECK(p->input_left_shift <= 30, HB_ERR_BAD_PARAMS);
    /* diff * 2^shift must not overflow for diff >= diff_min (>= -255). */
    HB_CHECK(p->diff_min <= 0 && p->diff_min >= -255, HB_ERR_BAD_PARAMS);
    HB_CHECK((int64_t)p->diff_min * ((int64_t)1 << p->input_left_shift) >= INT32_MIN,
             HB_ERR_BAD_PARAMS);
    return HB_OK;
  }
  HB_CHECK(in_dt == HB_DT_INT16 && out->dtype == HB_DT_INT16, HB_ERR_BAD_OP);
  HB_CHECK(lut_ok(c->in[1]) && lut_ok(c->in[2]), HB_ERR_BAD_OP);
  HB_CHECK(depth <= 65535, HB_ERR_BAD_OP); /* Q16.15 sum of exps stays in int32 */
  /* Differences are in [-65535, 0]: 17 bits. */
  HB_CHECK(hb_act_mbqm_ok(p->input_multiplier, p->input_left_shift, 17), HB_ERR_BAD_PARAMS);
  return HB_OK;
}

void hb_op_softmax_eval(const hb_op_ctx *c) {
  const hb_softmax_params *p = (const hb_softmax_params *)c->params;
  const int single = hb_act_single(c->flags);
  int32_t rows, depth;
  rows_depth(c->in[0], &rows, &depth);
  if (c->in[0]->dtype == HB_DT_INT16) {
    hb_softmax_s16((const int16_t *)c->in_data[0], (int16_t *)c->out_data[0], rows, depth, p,
                   (const int16_t *)c->in_data[1], (const int16_t *)c->in_data[2], single);
  } else if (c->out[0]->dtype == HB_DT_INT16) {
    hb_softmax_s8_s16((const int8_t *)c->in_data[0], (int16_t *)c->out_data[0], rows, depth, p,
                      single);
  } else {
    hb_softmax_s8((const int8_t *)c->in_data[0], (int8_t *)c->out_data[0], rows, depth, p, single);
  }
}

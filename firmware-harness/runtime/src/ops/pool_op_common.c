/* pool_op_common.c: see pool_op_common.h. */
#include "pool_op_common.h"

#include "dims4.h"

void hb_pool_shape_of(const hb_tensor *in, const hb_tensor *out, hb_pool_shape *s) {
  s->batches = in->dims[0];
  s->in_h = in->dims[1];
  s->in_w = in->dims[2];
  s->channels = in->dims[3];
  s->out_h = out->dims[1];
  s->out_w = out->dims[2];
}

/* 1 if every window along one axis holds at least one image cell, and the
 * most negative index the kernel forms stays far from int32 overflow. */
static int axis_ok(int32_t in, int32_t out, int32_t stride, int32_t filter, int32_t pad,
                   int64_t row_elems) {
  if (stride < 1 || filter < 1 || pad < 0) return 0;
  if (pad >= filter) return 0;                           /* first window */
  if ((int64_t)(out - 1) * stride - pad >= in) return 0; /* last window */
  if ((int64_t)pad * row_elems > 0x3FFFFFFF) return 0;   /* index range */
  return 1;
}

hb_status hb_pool_check(const hb_op_check_ctx *c) {
  HB_CHECK(hb_slots_ok(c, 1, sizeof(hb_pool_params)), HB_ERR_BAD_OP);
  const hb_tensor *in = c->in[0];
  const hb_tensor *out = c->out[0];
  int32_t lo, hi;
  HB_CHECK(hb_dtype_range(in->dtype, &lo, &hi), HB_ERR_BAD_OP);
  HB_CHECK(out->dtype == in->dtype, HB_ERR_BAD_OP);
  HB_CHECK(in->ndim == 4 && out->ndim == 4, HB_ERR_BAD_OP);
  HB_CHECK(in->dims[0] == out->dims[0] && in->dims[3] == out->dims[3], HB_ERR_BAD_OP);
  const hb_pool_params *p = (const hb_pool_params *)c->params;
  HB_CHECK(p->act_min >= lo && p->act_max <= hi && p->act_min <= p->act_max, HB_ERR_BAD_PARAMS);
  HB_CHECK(axis_ok(in->dims[1], out->dims[1], p->stride_h, p->filter_h, p->pad_h,
                   (int64_t)in->dims[2] * in->dims[3]),
           HB_ERR_BAD_PARAMS);
  HB_CHECK(axis_ok(in->dims[2], out->dims[2], p->stride_w, p->filter_w, p->pad_w, in->dims[3]),
           HB_ERR_BAD_PARAMS);
  return HB_OK;
}

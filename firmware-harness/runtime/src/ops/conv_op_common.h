/* conv_op_common.h: private helpers of the convolution-family op glue
 * (conv_2d_op.c, depthwise_conv_2d_op.c, transpose_conv_op.c,
 * fully_connected_op.c). Slot layout and params: hb/ops/conv.h. */
#ifndef HB_SRC_OPS_CONV_OP_COMMON_H
#define HB_SRC_OPS_CONV_OP_COMMON_H

#include "hb/op_context.h"
#include "hb/ops/conv.h"

/* Slot indices shared by all four opcodes. */
enum {
  HB_CONV_IN = 0,
  HB_CONV_WEIGHTS = 1,
  HB_CONV_BIAS = 2,
  HB_CONV_MULT = 3,
  HB_CONV_SHIFT = 4,
  HB_CONV_N_INPUTS = 5
};

typedef enum { HB_CONV_KIND_CONV, HB_CONV_KIND_DEPTHWISE, HB_CONV_KIND_TRANSPOSE } hb_conv_kind;

/* Full validation of a CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV op. */
hb_status hb_conv_family_check(const hb_op_check_ctx *c, hb_conv_kind kind);
/* Full validation of a FULLY_CONNECTED op. */
hb_status hb_fully_connected_family_check(const hb_op_check_ctx *c);

/* A 4-D tensor record as a shape (the check guaranteed ndim == 4). */
static inline hb_shape4 hb_conv_shape(const hb_tensor *t) {
  hb_shape4 s;
  s.n = t->dims[0];
  s.h = t->dims[1];
  s.w = t->dims[2];
  s.c = t->dims[3];
  return s;
}

/* The per-channel requantization arrays of an op at eval time. */
static inline hb_requant hb_conv_requant(const hb_op_ctx *c) {
  hb_requant rq;
  rq.mult = (const int32_t *)c->in_data[HB_CONV_MULT];
  rq.shift = (const int32_t *)c->in_data[HB_CONV_SHIFT];
  rq.single = (c->flags & HB_PLAN_FLAG_SINGLE_ROUNDING) ? 1 : 0;
  return rq;
}

#endif /* HB_SRC_OPS_CONV_OP_COMMON_H */

/* dims4.h: private helpers of the pooling, elementwise, reduce and shape op
 * glue (src/ops/): 4-D views of tensor records and slot checks. */
#ifndef HB_SRC_OPS_DIMS4_H
#define HB_SRC_OPS_DIMS4_H

#include <stddef.h>
#include <stdint.h>

#include "hb/op_context.h"

/* t's shape extended to 4-D with leading 1s (the same row-major data). */
static inline void hb_dims4(const hb_tensor *t, int32_t d[4]) {
  const uint32_t lead = 4u - t->ndim;
  for (uint32_t i = 0; i < 4; ++i) d[i] = i < lead ? 1 : t->dims[i - lead];
}

/* 1 if the op has exactly n_in present inputs, one output, and params of
 * `params_size` bytes. */
static inline int hb_slots_ok(const hb_op_check_ctx *c, uint32_t n_in, uint32_t params_size) {
  if (c->op->n_inputs != n_in || c->op->n_outputs != 1) return 0;
  if (c->op->params_size != params_size || c->out[0] == NULL) return 0;
  for (uint32_t i = 0; i < n_in; ++i)
    if (c->in[i] == NULL) return 0;
  return 1;
}

/* Value range of an activation dtype, for clamps and zero points. */
static inline int hb_dtype_range(uint8_t dtype, int32_t *lo, int32_t *hi) {
  if (dtype == HB_DT_INT8) {
    *lo = -128;
    *hi = 127;
    return 1;
  }
  if (dtype == HB_DT_INT16) {
    *lo = -32768;
    *hi = 32767;
    return 1;
  }
  return 0;
}

#endif /* HB_SRC_OPS_DIMS4_H */

/* pool_op_common.h: checks and geometry shared by AVERAGE_POOL_2D and
 * MAX_POOL_2D (src/ops/pool_op_common.c). */
#ifndef HB_SRC_OPS_POOL_OP_COMMON_H
#define HB_SRC_OPS_POOL_OP_COMMON_H

#include "hb/op_context.h"
#include "hb/ops/pool.h"

/* Validates slots, dtypes, shapes and params of a pooling op; in
 * particular that every output window overlaps the image. */
hb_status hb_pool_check(const hb_op_check_ctx *c);
/* Geometry from the (checked) tensor records. */
void hb_pool_shape_of(const hb_tensor *in, const hb_tensor *out, hb_pool_shape *s);

#endif /* HB_SRC_OPS_POOL_OP_COMMON_H */

/* hb/ops/pool.h: AVERAGE_POOL_2D and MAX_POOL_2D (int8 and int16).
 *
 * Op slots (both opcodes): in[0] = input NHWC, out[0] = output NHWC, same
 * dtype (HB_DT_INT8 or HB_DT_INT16), same batch and channel count. No
 * scratch. The kernels follow TFLM's reference_integer_ops::AveragePool /
 * MaxPool: windows are clipped to the image (padding cells are not counted),
 * the average is the window sum divided by the number of cells actually in
 * the image, rounded half away from zero, then clamped to [act_min, act_max].
 */
#ifndef HB_OPS_POOL_H
#define HB_OPS_POOL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HB_STATIC_ASSERT
#ifdef __cplusplus
#define HB_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define HB_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#endif

/* Params for HB_OP_AVERAGE_POOL_2D and HB_OP_MAX_POOL_2D, 32 bytes. */
typedef struct {
  int32_t stride_h; /* rows of input between window origins, >= 1 */
  int32_t stride_w; /* columns of input between window origins, >= 1 */
  int32_t filter_h; /* window height in input rows, >= 1 */
  int32_t filter_w; /* window width in input columns, >= 1 */
  int32_t pad_h;    /* rows of implicit padding above the image, >= 0 */
  int32_t pad_w;    /* columns of implicit padding left of the image, >= 0 */
  int32_t act_min;  /* output clamp (quantized, fused activation included) */
  int32_t act_max;  /* output clamp, act_min <= act_max, within the dtype */
} hb_pool_params;
HB_STATIC_ASSERT(sizeof(hb_pool_params) == 32, "hb_pool_params layout");

/* Geometry of one pooling evaluation (derived from the tensor records by the
 * op glue; not part of the plan). */
typedef struct {
  int32_t batches;
  int32_t in_h, in_w;
  int32_t channels;
  int32_t out_h, out_w;
} hb_pool_shape;

/* Every window of the output grid must contain at least one image cell
 * (hb_op_*_pool_2d_check guarantees it); the kernels do not test it. */
void hb_average_pool_2d_s8(const hb_pool_params *p, const hb_pool_shape *s, const int8_t *in,
                           int8_t *out);
void hb_average_pool_2d_s16(const hb_pool_params *p, const hb_pool_shape *s, const int16_t *in,
                            int16_t *out);
void hb_max_pool_2d_s8(const hb_pool_params *p, const hb_pool_shape *s, const int8_t *in,
                       int8_t *out);
void hb_max_pool_2d_s16(const hb_pool_params *p, const hb_pool_shape *s, const int16_t *in,
                        int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_POOL_H */

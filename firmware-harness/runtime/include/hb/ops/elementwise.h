/* hb/ops/elementwise.h: ADD, SUB (int8, int16) and MUL (int8) with
 * NumPy-style broadcasting up to 4-D.
 *
 * Op slots: in[0] = input1, in[1] = input2, out[0] = output, all the same
 * dtype. Each input's shape, right-aligned against the output's, must have
 * every dimension equal to the output's or 1; the output shape is the
 * broadcast of the two. No scratch.
 *
 * Arithmetic is TFLM's reference (reference_ops::AddElementwise /
 * SubElementwise / BroadcastQuantSubSlow, reference_integer_ops::Mul...),
 * which is the same per element whether or not it broadcasts:
 *   ADD/SUB: a = MBQM<1((x1 + in1_offset) << left_shift, m1, s1)
 *            b = MBQM<1((x2 + in2_offset) << left_shift, m2, s2)
 *            y = clamp(MBQM<1(a +/- b, mo, so) + out_offset, act_min, act_max)
 *   MUL:     y = clamp(MBQM((x1 + in1_offset) * (x2 + in2_offset), mo, so)
 *                      + out_offset, act_min, act_max)
 * where MBQM<1 is hb_mbqm_smaller_than_one and MBQM hb_mbqm. TFLM runs int16
 * ADD through the general path (left_shift 15) with pot_scale = false, so
 * that is the only int16 path here too.
 *
 * Element i of the output is written after element i of each non-broadcast
 * input is read, so without broadcasting the output may alias either input.
 */
#ifndef HB_OPS_ELEMENTWISE_H
#define HB_OPS_ELEMENTWISE_H

#include <stdint.h>

#include "hb/plan_format.h"

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

/* Params for HB_OP_ADD and HB_OP_SUB, 48 bytes. Multipliers are Q31 in
 * [2^30, 2^31) or 0; shifts are <= 0 (right shifts, QuantizeMultiplier-
 * SmallerThanOneExp) and >= -31. */
typedef struct {
  int32_t input1_offset;     /* -zero_point of input1 */
  int32_t input2_offset;     /* -zero_point of input2 */
  int32_t output_offset;     /* zero_point of the output */
  int32_t left_shift;        /* 20 for int8, 15 for int16 */
  int32_t input1_multiplier; /* input1_scale / (2 * max_input_scale) */
  int32_t input1_shift;
  int32_t input2_multiplier; /* input2_scale / (2 * max_input_scale) */
  int32_t input2_shift;
  int32_t output_multiplier; /* 2 * max_input_scale / (2^left_shift * output_scale) */
  int32_t output_shift;
  int32_t act_min; /* output clamp (quantized, fused activation included) */
  int32_t act_max;
} hb_addsub_params;
HB_STATIC_ASSERT(sizeof(hb_addsub_params) == 48, "hb_addsub_params layout");

/* Params for HB_OP_MUL, 32 bytes. shift in [-31, 30], positive = left. */
typedef struct {
  int32_t input1_offset;     /* -zero_point of input1 */
  int32_t input2_offset;     /* -zero_point of input2 */
  int32_t output_offset;     /* zero_point of the output */
  int32_t output_multiplier; /* input1_scale * input2_scale / output_scale */
  int32_t output_shift;
  int32_t act_min; /* output clamp */
  int32_t act_max;
  int32_t reserved; /* zero */
} hb_mul_params;
HB_STATIC_ASSERT(sizeof(hb_mul_params) == 32, "hb_mul_params layout");

/* Broadcast geometry, derived by the op glue from the tensor records (not
 * part of the plan): the output shape extended to 4-D, and for each input
 * its element stride per output dimension (0 where it broadcasts). */
typedef struct {
  int32_t out_dims[4];
  int32_t in1_strides[4];
  int32_t in2_strides[4];
} hb_broadcast4;

/* Fills *b from the three tensor records. Returns 1 when both inputs
 * broadcast to exactly the output shape (ndim <= 4), else 0. */
int hb_broadcast4_init(hb_broadcast4 *b, const hb_tensor *in1, const hb_tensor *in2,
                       const hb_tensor *out);

/* `single` selects single rounding (HB_PLAN_FLAG_SINGLE_ROUNDING). */
void hb_add_s8(const hb_addsub_params *p, const hb_broadcast4 *b, const int8_t *in1,
               const int8_t *in2, int8_t *out, int single);
void hb_add_s16(const hb_addsub_params *p, const hb_broadcast4 *b, const int16_t *in1,
                const int16_t *in2, int16_t *out, int single);
void hb_sub_s8(const hb_addsub_params *p, const hb_broadcast4 *b, const int8_t *in1,
               const int8_t *in2, int8_t *out, int single);
void hb_sub_s16(const hb_addsub_params *p, const hb_broadcast4 *b, const int16_t *in1,
                const int16_t *in2, int16_t *out, int single);
void hb_mul_s8(const hb_mul_params *p, const hb_broadcast4 *b, const int8_t *in1, const int8_t *in2,
               int8_t *out, int single);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_ELEMENTWISE_H */

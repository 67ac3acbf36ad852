/* hb/ops/reduce.h: MEAN (int8).
 *
 * Op slots: in[0] = input (ndim <= 4), out[0] = output, both HB_DT_INT8.
 * The axis tensor is resolved by the compiler into reduce_mask and is not a
 * slot. Scratch: 4 bytes (one int32 sum) per output element.
 *
 * The three modes are TFLM's three int8 MEAN paths (micro/kernels/
 * reduce_common.cc); the compiler picks the one TFLM would run:
 *   HB_MEAN_TRUNC:   TFLite's reference_ops::Mean for equal quantization (TFLM
 *                    itself uses REQUANT there; kept for TFLite parity):
 *                    y = sum(x) / count, C division (truncates toward zero).
 *   HB_MEAN_REQUANT: otherwise (reference_ops::QuantizedMeanOrSum): the host
 *                    folds 1/count into multiplier/shift;
 *                    y = MBQM(sum(x) - zp_in * count, m, s) + zp_out.
 *   HB_MEAN_SPATIAL: 4-D input, axes {1,2}, keep_dims, in TFLM versions that
 *                    special-case it (reference_integer_ops::Mean):
 *                    a = MBQM(sum(x - zp_in), m, s) with m/s = in_scale/out_scale,
 *                    y = a / count rounded half away from zero, + zp_out.
 * All results are clamped to [-128, 127].
 */
#ifndef HB_OPS_REDUCE_H
#define HB_OPS_REDUCE_H

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

#define HB_MEAN_TRUNC 0u
#define HB_MEAN_REQUANT 1u
#define HB_MEAN_SPATIAL 2u

/* Params for HB_OP_MEAN, 24 bytes. */
typedef struct {
  uint8_t mode;        /* HB_MEAN_* */
  uint8_t reduce_mask; /* bit d set: dimension d of the input extended to 4-D
                          (leading 1s) is reduced; bits 4..7 zero */
  uint8_t reserved[2]; /* zero */
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier; /* Q31 (REQUANT, SPATIAL; 0 for TRUNC) */
  int32_t shift;      /* [-31, 30], positive = left */
  int32_t count;      /* input elements summed into each output, >= 1 */
} hb_mean_params;
HB_STATIC_ASSERT(sizeof(hb_mean_params) == 24, "hb_mean_params layout");

/* in_dims: the input shape extended to 4-D. scratch: one int32 per output
 * element (output elements = product of the non-reduced dims). */
void hb_mean_s8(const hb_mean_params *p, const int32_t in_dims[4], const int8_t *in, int8_t *out,
                int32_t *scratch, int single);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_REDUCE_H */

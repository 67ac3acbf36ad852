/* hb/quant.h: integer requantization arithmetic shared by all kernels.
 *
 * These reproduce TensorFlow Lite's reference arithmetic bit for bit:
 * "double rounding" (TFLM's default, TFLITE_SINGLE_ROUNDING=0: gemmlowp's
 * SaturatingRoundingDoublingHighMul followed by RoundingDivideByPOT) and
 * "single rounding" (TFLITE_SINGLE_ROUNDING=1: one 64-bit multiply and one
 * rounding shift). A multiplier is a Q31 value in [2^30, 2^31) (or 0) and a
 * shift in [-31, 30]; positive shift = left. The compiler computes both on
 * the host (compiler/src/quant_utils.cc, TFLite's QuantizeMultiplier).
 *
 * `single` selects single rounding (plan flag HB_PLAN_FLAG_SINGLE_ROUNDING).
 */
#ifndef HB_QUANT_H
#define HB_QUANT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* gemmlowp primitives. */
int32_t hb_sat_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t hb_rounding_divide_by_pot(int32_t x, int exponent);

/* x * multiplier * 2^shift, rounded as TFLite's MultiplyByQuantizedMultiplier
 * for an int32 accumulator. */
int32_t hb_mbqm(int32_t x, int32_t multiplier, int32_t shift, int single);

/* The int64-accumulator overload used by the 16x8 kernels
 * (MultiplyByQuantizedMultiplier(int64_t, int32_t, int)). */
int32_t hb_mbqm64(int64_t x, int32_t multiplier, int32_t shift, int single);

/* MultiplyByQuantizedMultiplierSmallerThanOneExp / GreaterThanOne, used by
 * elementwise ops (ADD, SUB) and some activations. */
int32_t hb_mbqm_smaller_than_one(int32_t x, int32_t multiplier, int32_t shift, int single);
int32_t hb_mbqm_greater_than_one(int32_t x, int32_t multiplier, int32_t shift, int single);

/* a + b with two's-complement wrap-around instead of undefined behaviour.
 * Well-formed models never overflow an int32 accumulator; a hostile plan
 * may, and must then give garbage numbers, not undefined behaviour. Same
 * single instruction on Cortex-M. */
static inline int32_t hb_add_wrap(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t hb_clamp32(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

#ifdef __cplusplus
}
#endif
#endif /* HB_QUANT_H */

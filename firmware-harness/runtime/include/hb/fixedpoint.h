/* hb/fixedpoint.h: gemmlowp/TFLite fixed-point transcendental functions.
 *
 * Plain-C, int32/int64-only ports of gemmlowp's fixedpoint.h (exp, 1/(1+x),
 * tanh, logistic) and the TFLite helpers built on them (GetReciprocal, the
 * int16 LUT lookup, the sigmoid table). Results are bit-identical to the C++
 * templates for scalar int32 raw values.
 *
 * Representation: a "Qm" value is an int32 raw r meaning r / 2^(31 - m), i.e.
 * gemmlowp::FixedPoint<int32_t, m> (m integer bits, 31 - m fractional bits).
 * gemmlowp's compile-time tIntegerBits becomes a run-time `integer_bits`
 * argument here (0..30). Additions wrap as in gemmlowp (done in unsigned
 * arithmetic so the C is defined); multiplications are
 * hb_sat_rounding_doubling_high_mul (hb/quant.h).
 */
#ifndef HB_FIXEDPOINT_H
#define HB_FIXEDPOINT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Count of leading zero bits; 32 for 0. */
int hb_clz32(uint32_t x);

/* gemmlowp::SaturatingRoundingMultiplyByPOT / TFLite's
 * SaturatingRoundingMultiplyByPOTParam: x * 2^exponent, saturating for
 * exponent > 0 (exponent <= 30), rounding to nearest for exponent < 0
 * (exponent >= -31). */
int32_t hb_fp_sat_rounding_mul_by_pot(int32_t x, int exponent);

/* gemmlowp::RoundingHalfSum: (a + b) / 2 rounded half away from zero. */
int32_t hb_fp_rounding_half_sum(int32_t a, int32_t b);

/* exp(a) for a <= 0; a is Q(integer_bits), the result Q0 (exp(0) = INT32_MAX). */
int32_t hb_fp_exp_on_negative_values(int32_t a, int integer_bits);

/* 1 / (1 + a) for a in [0, 1), Q0 in and out. */
int32_t hb_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a);

/* (1 - a) / (1 + a) for a in [0, 1), Q0 in and out. */
int32_t hb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a);

/* tanh(a), a Q(integer_bits) (integer_bits <= 29), result Q0. */
int32_t hb_fp_tanh(int32_t a, int integer_bits);

/* logistic(a) = 1 / (1 + exp(-a)), a Q(integer_bits), result Q0. */
int32_t hb_fp_logistic(int32_t a, int integer_bits);

/* TFLite's GetReciprocal: for x > 0 in Q(x_integer_digits), returns the Q0
 * raw value s with 1/x = s * 2^-num_bits_over_unit (s in [0.5, 1)). */
int32_t hb_fp_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit);

/* TFLite's LUTLookup for int16 -> int16 with linear interpolation. `lut`
 * has 513 entries (512 segments of 128 input steps plus the end point). */
int16_t hb_lut_lookup_s16(int16_t value, const int16_t *lut);

/* TFLite's sigmoid_table_uint16: sigmoid(i / 24) in Q0.16, i = 0..255; the
 * int16 LOGISTIC and TANH kernels interpolate in it. */
extern const uint16_t hb_sigmoid_table_uint16[256];

#ifdef __cplusplus
}
#endif
#endif /* HB_FIXEDPOINT_H */

// Tests for hb_fixedpoint.c: exact values at the points where gemmlowp's
// functions are exact (0, one), and accuracy against libm elsewhere, which
// would catch a wrong constant, shift or barrel-shifter bit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "hb/fixedpoint.h"

namespace {

double q_to_double(int32_t raw, int integer_bits) { return std::ldexp(raw, integer_bits - 31); }
int32_t double_to_q(double v, int integer_bits) {
  return static_cast<int32_t>(std::lround(std::ldexp(v, 31 - integer_bits)));
}

}  // namespace

TEST_CASE("fixedpoint: clz and saturating/rounding power-of-two multiply") {
  CHECK(hb_clz32(0) == 32);
  CHECK(hb_clz32(1) == 31);
  CHECK(hb_clz32(0x80000000u) == 0);
  CHECK(hb_fp_sat_rounding_mul_by_pot(3, 2) == 12);
  CHECK(hb_fp_sat_rounding_mul_by_pot(-3, 2) == -12);
  CHECK(hb_fp_sat_rounding_mul_by_pot(1 << 29, 2) == std::numeric_limits<int32_t>::max());
  CHECK(hb_fp_sat_rounding_mul_by_pot(-(1 << 29) - 1, 2) == std::numeric_limits<int32_t>::min());
  CHECK(hb_fp_sat_rounding_mul_by_pot(5, -1) == 3);    // 2.5 -> 3
  CHECK(hb_fp_sat_rounding_mul_by_pot(-5, -1) == -3);  // -2.5 -> -3
  CHECK(hb_fp_sat_rounding_mul_by_pot(7, 0) == 7);
  CHECK(hb_fp_rounding_half_sum(3, 4) == 4);
  CHECK(hb_fp_rounding_half_sum(-3, -4) == -4);
  CHECK(hb_fp_rounding_half_sum(std::numeric_limits<int32_t>::max(),
                                std::numeric_limits<int32_t>::max()) ==
        std::numeric_limits<int32_t>::max());
}

TEST_CASE("fixedpoint: exp_on_negative_values") {
  for (int ib : {0, 4, 5, 6}) {
    CHECK(hb_fp_exp_on_negative_values(0, ib) == std::numeric_limits<int32_t>::max());
  }
  // Q5.26 inputs over [-31, 0): gemmlowp's 4th-order Taylor step is good to ~2.5e-7.
  for (double x = -31.0; x < 0.0; x += 0.173) {
    const int32_t r = hb_fp_exp_on_negative_values(double_to_q(x, 5), 5);
    CHECK(std::fabs(q_to_double(r, 0) - std::exp(x)) < 3e-7);
  }
  // Q0 inputs just below 0 and at -1/4 (one barrel-shifter bit).
  CHECK(std::fabs(q_to_double(hb_fp_exp_on_negative_values(double_to_q(-0.25, 0), 0), 0) -
                  std::exp(-0.25)) < 3e-7);
  // Below -32 in Q6 the result is flushed to zero.
  CHECK(hb_fp_exp_on_negative_values(double_to_q(-40.0, 6), 6) == 0);
}

TEST_CASE("fixedpoint: reciprocal, tanh and logistic") {
  for (double x = 0.0; x < 1.0; x += 0.0371) {
    const int32_t r = hb_fp_one_over_one_plus_x_for_x_in_0_1(double_to_q(x, 0));
    CHECK(std::fabs(q_to_double(r, 0) - 1.0 / (1.0 + x)) < 1e-8);
    const int32_t s = hb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(double_to_q(x, 0));
    CHECK(std::fabs(q_to_double(s, 0) - (1.0 - x) / (1.0 + x)) < 1e-8);
  }
  CHECK(hb_fp_tanh(0, 4) == 0);
  CHECK(hb_fp_logistic(0, 4) == (1 << 30));
  for (double x = -7.9; x < 8.0; x += 0.31) {
    const int32_t a = double_to_q(x, 4);
    CHECK(std::fabs(q_to_double(hb_fp_tanh(a, 4), 0) - std::tanh(x)) < 1e-7);
    CHECK(std::fabs(q_to_double(hb_fp_logistic(a, 4), 0) - 1.0 / (1.0 + std::exp(-x))) < 1e-7);
  }
  // Symmetry the int8 kernels rely on: logistic(-x) = 1 - logistic(x) (Q0 one = INT32_MAX).
  const int32_t a = double_to_q(1.5, 4);
  CHECK(hb_fp_logistic(-a, 4) == std::numeric_limits<int32_t>::max() - hb_fp_logistic(a, 4));
  CHECK(hb_fp_tanh(-a, 4) == -hb_fp_tanh(a, 4));
}

TEST_CASE("fixedpoint: get_reciprocal") {
  // x = 3.0 in Q12: 1/3 = 0.6667 * 2^-1.
  int nbou = 0;
  const int32_t s = hb_fp_get_reciprocal(3 << 19, 12, &nbou);
  CHECK(nbou == 1);  // 3 = 1.5 * 2^1: reciprocal 1/(1 + 0.5), then 2^-1
  CHECK(std::fabs(std::ldexp(q_to_double(s, 0), -nbou) - 1.0 / 3.0) < 1e-8);
  const int32_t t = hb_fp_get_reciprocal(1 << 19, 12, &nbou);  // x = 1.0
  CHECK(nbou == 0);
  CHECK(t >= std::numeric_limits<int32_t>::max() - 4);
}

TEST_CASE("fixedpoint: int16 LUT lookup interpolates") {
  int16_t lut[513];
  for (int i = 0; i < 513; ++i) lut[i] = static_cast<int16_t>(i * 64 - 16384);  // a line
  CHECK(hb_lut_lookup_s16(-32768, lut) == -16384);
  CHECK(hb_lut_lookup_s16(0, lut) == 0);
  CHECK(hb_lut_lookup_s16(64, lut) == 32);        // half a segment
  CHECK(hb_lut_lookup_s16(32767, lut) == 16384);  // 511 + 127/128 segments, rounded
  CHECK(hb_sigmoid_table_uint16[0] == 32768);
  CHECK(hb_sigmoid_table_uint16[255] == 65535);
}

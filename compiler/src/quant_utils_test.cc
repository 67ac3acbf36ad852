// Tests for quant_utils.cc against values worked out from TFLite's
// QuantizeMultiplier (frexp, round half away from zero, 2^31 carry, flush of
// tiny multipliers, single-rounding shift saturation).
#include "hbc/quant_utils.h"

#include <doctest/doctest.h>

#include <cmath>

#include "hbc/error.h"

using hbc::quantize_multiplier;

TEST_CASE("quantize_multiplier: exact powers of two and zero") {
  int32_t m = -1, s = -1;
  quantize_multiplier(0.5, &m, &s, false);
  CHECK(m == (1 << 30));
  CHECK(s == 0);
  quantize_multiplier(1.0, &m, &s, false);
  CHECK(m == (1 << 30));
  CHECK(s == 1);
  quantize_multiplier(0.25, &m, &s, true);
  CHECK(m == (1 << 30));
  CHECK(s == -1);
  quantize_multiplier(0.0, &m, &s, false);
  CHECK(m == 0);
  CHECK(s == 0);
  quantize_multiplier(0.75, &m, &s, false);
  CHECK(m == 1610612736);  // 0.75 * 2^31
  CHECK(s == 0);
}

TEST_CASE("quantize_multiplier: rounding, carry, flush, clamp") {
  int32_t m = 0, s = 0;
  // 1 - 2^-40: q * 2^31 rounds up to 2^31, which carries into the shift.
  quantize_multiplier(1.0 - std::ldexp(1.0, -40), &m, &s, false);
  CHECK(m == (1 << 30));
  CHECK(s == 1);
  // Half-way fraction rounds away from zero: q = 0.5 + 2^-32 -> 2^30 + 0.5 -> 2^30 + 1.
  quantize_multiplier(0.5 + std::ldexp(1.0, -32), &m, &s, false);
  CHECK(m == (1 << 30) + 1);
  CHECK(s == 0);
  // Below 2^-32 the shift would be < -31: flushed to zero.
  quantize_multiplier(std::ldexp(1.0, -33), &m, &s, false);
  CHECK(m == 0);
  CHECK(s == 0);
  quantize_multiplier(std::ldexp(1.0, -32), &m, &s, false);  // frexp -> 0.5 * 2^-31
  CHECK(m == (1 << 30));
  CHECK(s == -31);
  // Shift 32: kept in double rounding, saturated to 30 in single rounding.
  quantize_multiplier(std::ldexp(1.0, 31), &m, &s, false);
  CHECK(m == (1 << 30));
  CHECK(s == 32);
  quantize_multiplier(std::ldexp(1.0, 31), &m, &s, true);
  CHECK(m == INT32_MAX);
  CHECK(s == 30);
  // A typical conv effective scale: input 0.5847 * filter 0.0042 / output 0.1.
  const double real = 0.5847029089927673 * 0.00421 / 0.1;
  quantize_multiplier(real, &m, &s, false);
  CHECK(std::fabs(std::ldexp(static_cast<double>(m), s - 31) - real) < std::ldexp(1.0, s - 31));
  CHECK(m >= (1 << 30));
}

TEST_CASE("quantize_multiplier smaller/greater than one") {
  int32_t m = 0, s = 0;
  hbc::quantize_multiplier_smaller_than_one_exp(0.25, &m, &s);
  CHECK(m == (1 << 30));
  CHECK(s == -1);
  hbc::quantize_multiplier_greater_than_one(3.0, &m, &s);
  CHECK(m == 1610612736);
  CHECK(s == 2);
  CHECK_THROWS_AS(hbc::quantize_multiplier_smaller_than_one_exp(1.5, &m, &s), hbc::CompileError);
  CHECK_THROWS_AS(hbc::quantize_multiplier_greater_than_one(0.5, &m, &s), hbc::CompileError);
}

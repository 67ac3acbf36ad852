// Tests for hb_quant.c: hand-worked values for both rounding modes, plus a
// randomized comparison with exact 128-bit rational references written from
// the rounding definitions (not from the code under test).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>

#include "hb/quant.h"

namespace {

using i128 = __int128;

// floor(n / 2^k) for any sign.
i128 floor_pot(i128 n, int k) { return n >> k; }

// Single rounding: round-half-up of x * m * 2^(shift - 31).
int32_t ref_single(int32_t x, int32_t m, int shift) {
  const int k = 31 - shift;
  return static_cast<int32_t>(
      floor_pot(static_cast<i128>(x) * m + (static_cast<i128>(1) << (k - 1)), k));
}

// Double rounding, shift <= 0: gemmlowp's SRDHM (round half up, but ties of
// negative values toward zero) then RoundingDivideByPOT (half away from 0).
int32_t ref_double(int32_t x, int32_t m, int shift) {
  i128 prod = static_cast<i128>(x) * m;  // value * 2^31
  i128 hi;
  if (x == std::numeric_limits<int32_t>::min() && m == x) {
    hi = std::numeric_limits<int32_t>::max();
  } else if (prod >= 0) {
    hi = floor_pot(prod + (static_cast<i128>(1) << 30), 31);
  } else {
    // Truncation toward zero of (prod + 1 - 2^30) / 2^31.
    i128 n = prod + 1 - (static_cast<i128>(1) << 30);
    hi = -floor_pot(-n, 31);
  }
  const int e = -shift;
  if (e == 0) return static_cast<int32_t>(hi);
  // Round half away from zero of hi / 2^e.
  i128 a = hi < 0 ? -hi : hi;
  i128 r = floor_pot(a + (static_cast<i128>(1) << (e - 1)), e);
  return static_cast<int32_t>(hi < 0 ? -r : r);
}

}  // namespace

TEST_CASE("gemmlowp primitives: hand-checked values") {
  CHECK(hb_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
  CHECK(hb_sat_rounding_doubling_high_mul(1 << 30, 1 << 30) == (1 << 29));
  // 3 * 0.5 = 1.5 rounds up; -3 * 0.5 = -1.5 rounds toward zero (gemmlowp's nudge).
  CHECK(hb_sat_rounding_doubling_high_mul(3, 1 << 30) == 2);
  CHECK(hb_sat_rounding_doubling_high_mul(-3, 1 << 30) == -1);
  CHECK(hb_sat_rounding_doubling_high_mul(-5, 1 << 30) == -2);
  CHECK(hb_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MAX) == -INT32_MAX);

  CHECK(hb_rounding_divide_by_pot(3, 1) == 2);    // 1.5 -> 2
  CHECK(hb_rounding_divide_by_pot(-3, 1) == -2);  // -1.5 -> -2
  CHECK(hb_rounding_divide_by_pot(5, 2) == 1);    // 1.25
  CHECK(hb_rounding_divide_by_pot(-5, 2) == -1);  // -1.25
  CHECK(hb_rounding_divide_by_pot(-6, 2) == -2);  // -1.5
  CHECK(hb_rounding_divide_by_pot(7, 0) == 7);
  CHECK(hb_rounding_divide_by_pot(INT32_MAX, 31) == 1);
  CHECK(hb_rounding_divide_by_pot(INT32_MIN, 31) == -1);
}

TEST_CASE("hb_mbqm: double and single rounding differ where TFLite's do") {
  // 5 * 0.5 * 2^-1 = 1.25: double rounding gives SRDHM 2.5 -> 3, then 1.5 -> 2;
  // single rounding gives 1.
  CHECK(hb_mbqm(5, 1 << 30, -1, 0) == 2);
  CHECK(hb_mbqm(5, 1 << 30, -1, 1) == 1);
  CHECK(hb_mbqm(-5, 1 << 30, -1, 0) == -1);  // SRDHM -2.5 -> -2, then -1
  CHECK(hb_mbqm(-5, 1 << 30, -1, 1) == -1);  // -1.25 -> -1
  CHECK(hb_mbqm(100, 1 << 30, 0, 0) == 50);
  CHECK(hb_mbqm(100, 1 << 30, 0, 1) == 50);
  // Left shift: 3 * 0.5 * 2^2 = 6.
  CHECK(hb_mbqm(3, 1 << 30, 2, 0) == 6);
  CHECK(hb_mbqm(3, 1 << 30, 2, 1) == 6);
  CHECK(hb_mbqm(12345, 0, -3, 0) == 0);
  CHECK(hb_mbqm(12345, 0, -3, 1) == 0);
  // Smaller/greater than one are MBQM in single mode, split in double mode.
  CHECK(hb_mbqm_smaller_than_one(5, 1 << 30, -1, 0) == 2);
  CHECK(hb_mbqm_smaller_than_one(5, 1 << 30, -1, 1) == 1);
  CHECK(hb_mbqm_greater_than_one(3, 1 << 30, 2, 0) == 6);
  CHECK(hb_mbqm_greater_than_one(3, 1 << 30, 2, 1) == 6);
}

TEST_CASE("hb_mbqm: randomized against exact references") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int> sh(-31, 0);
  for (int i = 0; i < 200000; ++i) {
    const int32_t m = mult(rng);
    const int32_t x = (i & 1) ? acc(rng) : any(rng);
    const int s = sh(rng);
    REQUIRE(hb_mbqm(x, m, s, 1) == ref_single(x, m, s));
    REQUIRE(hb_mbqm(x, m, s, 0) == ref_double(x, m, s));
  }
}

TEST_CASE("hb_mbqm64: reduced 16-bit multiplier, one rounding shift") {
  // reduced = (2^30 + 2^15) >> 16 = 2^14; (1000 * 2^14 + 2^14) >> 15 = 500.
  CHECK(hb_mbqm64(1000, 1 << 30, 0, 0) == 500);
  CHECK(hb_mbqm64(1000, 1 << 30, 0, 1) == 500);
  // -3 * 0.5 * 0.5 = -0.75 -> -1; -2 * 0.25 = -0.5 -> 0 (half up).
  CHECK(hb_mbqm64(-3, 1 << 30, -1, 0) == -1);
  CHECK(hb_mbqm64(-2, 1 << 30, -1, 0) == 0);
  CHECK(hb_mbqm64(2, 1 << 30, -1, 0) == 1);
  // The multiplier near 2^31 saturates to 0x7FFF rather than overflowing.
  CHECK(hb_mbqm64(INT64_C(1) << 20, INT32_MAX, -16, 0) ==
        static_cast<int32_t>(((INT64_C(1) << 20) * 0x7FFF + (INT64_C(1) << 30)) >> 31));
  // Large accumulators (16x8 sums exceed 32 bits).
  const int64_t big = (INT64_C(1) << 40) + 12345;
  CHECK(hb_mbqm64(big, 1 << 30, -20, 1) ==
        static_cast<int32_t>((big * (1 << 14) + (INT64_C(1) << 34)) >> 35));
  // Rounding of the multiplier: 0x40008000 -> reduced 0x4001.
  CHECK(hb_mbqm64(1 << 15, 0x40008000, 0, 0) == 0x4001);
}

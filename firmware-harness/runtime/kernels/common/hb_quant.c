/* hb_quant.c: TFLite's requantization arithmetic (see hb/quant.h).
 *
 * Every function reproduces tensorflow/lite/kernels/internal/common.{h,cc}
 * (both TFLITE_SINGLE_ROUNDING branches) and gemmlowp's fixedpoint.h bit for
 * bit. Signed overflow that TFLite deliberately lets wrap (x << left_shift)
 * is done in unsigned arithmetic here so the C is well defined; the
 * int64 -> int32 narrowing relies on two's complement truncation, as every
 * compiler we target (GCC, Clang, Arm) implements it.
 */
#include "hb/quant.h"

int32_t hb_sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
  /* The one product that overflows: INT32_MIN * INT32_MIN. */
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : (1 - (INT64_C(1) << 30));
  const int64_t sum = ab + nudge;
  /* gemmlowp divides by 2^31 (truncating toward zero). Dividing a negative
   * number by shifting rounds toward -inf, so bias it first; this avoids a
   * 64-bit division helper call on Cortex-M. */
  const int64_t q = (sum >= 0) ? (sum >> 31) : ((sum + ((INT64_C(1) << 31) - 1)) >> 31);
  return (int32_t)q;
}

int32_t hb_rounding_divide_by_pot(int32_t x, int exponent) {
  /* exponent in [0, 31]; computed in 64 bits so exponent 31 is defined. */
  const int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + ((x < 0) ? 1 : 0);
  return (x >> exponent) + ((remainder > threshold) ? 1 : 0);
}

/* x * 2^left_shift with two's complement wrap, as TFLite's x * (1 << s). */
static int32_t wrap_shl(int32_t x, int left_shift) { return (int32_t)((uint32_t)x << left_shift); }

/* Single rounding: one 64-bit product and one rounding right shift. */
static int32_t mbqm_single(int32_t x, int32_t multiplier, int32_t shift) {
  const int total_shift = 31 - shift; /* shift in [-31, 30] -> [1, 62] */
  const int64_t round = INT64_C(1) << (total_shift - 1);
  const int64_t result = ((int64_t)x * (int64_t)multiplier + round) >> total_shift;
  return (int32_t)result;
}

int32_t hb_mbqm(int32_t x, int32_t multiplier, int32_t shift, int single) {
  if (single) return mbqm_single(x, multiplier, shift);
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return hb_rounding_divide_by_pot(
      hb_sat_rounding_doubling_high_mul(wrap_shl(x, left_shift), multiplier), right_shift);
}

int32_t hb_mbqm64(int64_t x, int32_t multiplier, int32_t shift, int single) {
  /* Both branches are the same arithmetic in TFLite (a 16-bit reduced
   * multiplier and one rounding shift); they differ only in assertions.
   * Requires shift <= 14 (TFLite asserts shift < 8) and |x| < 2^47. */
  (void)single;
  const int32_t reduced = (multiplier < 0x7FFF0000) ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  const int64_t round = INT64_C(1) << (total_shift - 1);
  const int64_t result = (x * (int64_t)reduced + round) >> total_shift;
  return (int32_t)result;
}

int32_t hb_mbqm_smaller_than_one(int32_t x, int32_t multiplier, int32_t shift, int single) {
  /* shift <= 0 */
  if (single) return mbqm_single(x, multiplier, shift);
  return hb_rounding_divide_by_pot(hb_sat_rounding_doubling_high_mul(x, multiplier), -shift);
}

int32_t hb_mbqm_greater_than_one(int32_t x, int32_t multiplier, int32_t shift, int single) {
  /* shift >= 0 */
  if (single) return mbqm_single(x, multiplier, shift);
  return hb_sat_rounding_doubling_high_mul(wrap_shl(x, shift), multiplier);
}

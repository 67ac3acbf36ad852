/* hb_fixedpoint.c: gemmlowp's fixed-point exp/tanh/logistic and TFLite's
 * helpers around them, for scalar int32 (see hb/fixedpoint.h).
 *
 * The constants are gemmlowp's (raw Q0 or Q2 int32 values of exp(-1/8),
 * 1/3, exp(-2^k), 48/17, -32/17). Every step mirrors the template code so
 * the rounding of each intermediate product is the same.
 */
#include "hb/fixedpoint.h"

#include "hb/quant.h"

/* Wrapping add/sub/neg: gemmlowp's Add/Sub/Neg on int32 wrap in practice;
 * unsigned arithmetic keeps the C well defined. */
static int32_t wadd(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t wsub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static int32_t wneg(int32_t a) { return (int32_t)(0u - (uint32_t)a); }
static int32_t mul(int32_t a, int32_t b) { return hb_sat_rounding_doubling_high_mul(a, b); }

int hb_clz32(uint32_t x) {
  if (x == 0) return 32;
  int n = 0;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

int32_t hb_fp_sat_rounding_mul_by_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return hb_rounding_divide_by_pot(x, -exponent);
  const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

int32_t hb_fp_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8. */
static int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = wadd(a, INT32_C(1) << 28); /* a + 1/8 */
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = hb_fp_sat_rounding_mul_by_pot(x4, -2);
  const int32_t poly =
      hb_fp_sat_rounding_mul_by_pot(wadd(mul(wadd(x4_over_4, x3), constant_1_over_3), x2), -1);
  return wadd(constant_term, mul(constant_term, wadd(x, poly)));
}

int32_t hb_fp_exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = INT32_C(1) << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = wsub(a & mask, one_quarter);
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      hb_fp_sat_rounding_mul_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
  const int32_t remainder = wsub(a_mod_quarter_minus_one_quarter, a);

  /* Barrel shifter: multiply by exp(-2^k) for each bit of the remainder,
   * k = -2..4, as far as the input format has that bit. */
  static const int32_t kMultipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                          39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (integer_bits > k) {
      const int shift = fractional_bits + k;
      if (remainder & (int32_t)(UINT32_C(1) << shift)) result = mul(result, kMultipliers[k + 2]);
    }
  }
  if (integer_bits > 5) {
    const int32_t clamp = -(INT32_C(1) << (36 - integer_bits)); /* -32.0 */
    if (a < clamp) result = 0;
  }
  if (a == 0) result = INT32_MAX; /* exactly one */
  return result;
}

/* Newton-Raphson reciprocal of half_denominator (Q0, in [0.5, 1)), Q2. */
static int32_t newton_reciprocal_q2(int32_t half_denominator) {
  const int32_t constant_48_over_17 = 1515870810;      /* Q2 */
  const int32_t constant_neg_32_over_17 = -1010580540; /* Q2 */
  const int32_t one_q2 = INT32_C(1) << 29;
  int32_t x = wadd(constant_48_over_17, mul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = mul(half_denominator, x);
    const int32_t one_minus_half_denominator_times_x = wsub(one_q2, half_denominator_times_x);
    /* x * (...) is Q4; Rescale<2> is a saturating doubling twice. */
    x = wadd(x, hb_fp_sat_rounding_mul_by_pot(mul(x, one_minus_half_denominator_times_x), 2));
  }
  return x;
}

int32_t hb_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = hb_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t x = newton_reciprocal_q2(half_denominator);
  /* ExactMulByPot<-1> makes x a Q1 value; Rescale<0> doubles it, saturating. */
  return hb_fp_sat_rounding_mul_by_pot(x, 1);
}

int32_t hb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = hb_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t x = newton_reciprocal_q2(half_denominator);
  return hb_fp_sat_rounding_mul_by_pot(wsub(x, INT32_C(1) << 29), 2);
}

int32_t hb_fp_tanh(int32_t a, int integer_bits) {
  const int negative = a < 0;
  const int32_t n = negative ? a : wneg(a); /* n <= 0 */
  /* neg_tanh_on_negative_values: exp(2n) via ExactMulByPot<1>, i.e. the same
   * raw value read with one more integer bit. */
  const int32_t t = hb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(
      hb_fp_exp_on_negative_values(n, integer_bits + 1));
  if (a == 0) return 0;
  return negative ? wneg(t) : t;
}

int32_t hb_fp_logistic(int32_t a, int integer_bits) {
  const int positive = a > 0;
  const int32_t abs_input = positive ? a : wneg(a);
  const int32_t result_if_positive = hb_fp_one_over_one_plus_x_for_x_in_0_1(
      hb_fp_exp_on_negative_values(wneg(abs_input), integer_bits));
  const int32_t result_if_negative = wsub(INT32_MAX, result_if_positive);
  if (a == 0) return INT32_C(1) << 30; /* one half */
  return positive ? result_if_positive : result_if_negative;
}

int32_t hb_fp_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit) {
  const int headroom_plus_one = hb_clz32((uint32_t)x);
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const int32_t shifted_sum_minus_one =
      (int32_t)(((uint32_t)x << headroom_plus_one) - (UINT32_C(1) << 31));
  return hb_fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

int16_t hb_lut_lookup_s16(int16_t value, const int16_t *lut) {
  /* 9 high bits select the segment, 7 low bits interpolate inside it. */
  const uint16_t index = (uint16_t)(256 + (value >> 7));
  const int16_t offset = (int16_t)(value & 0x7f);
  const int16_t base = lut[index];
  const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
  const int delta = (slope * offset + 64) >> 7;
  return (int16_t)(base + delta);
}

const uint16_t hb_sigmoid_table_uint16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

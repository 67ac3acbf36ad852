/* hb_hard_swish_s8.c: HARD_SWISH int8, TFLM reference_ops::HardSwish
 * (quantized): x * relu6(x + 3) / 6 computed in 16-bit fixed point on a
 * "hires" input scale (input scale / 128). No rounding-mode dependence. */
#include "hb/ops/activation.h"

/* gemmlowp::SaturatingRoundingDoublingHighMul for int16. */
static int16_t srdhm16(int16_t a, int16_t b) {
  if (a == b && a == INT16_MIN) return INT16_MAX;
  const int32_t ab = (int32_t)a * (int32_t)b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return (int16_t)((ab + nudge) / (1 << 15)); /* truncating division, as gemmlowp */
}

/* TFLite's SaturatingDoublingHighMul: like srdhm16 but rounding to zero. */
static int16_t sdhm16(int16_t a, int16_t b) {
  if (a == b && a == INT16_MIN) return INT16_MAX;
  return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

/* gemmlowp::RoundingDivideByPOT for int16, exponent in [0, 15]. */
static int16_t rdbpot16(int16_t x, int exponent) {
  const int32_t mask = (1 << exponent) - 1;
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

static int16_t sat_left_shift16(int16_t value, int amount) {
  const int64_t r = (int64_t)value * ((int64_t)1 << amount);
  return (int16_t)(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

void hb_hard_swish_s8(const int8_t *in, int8_t *out, int32_t n, const hb_hard_swish_params *p) {
  for (int32_t i = 0; i < n; ++i) {
    const int16_t x = (int16_t)(in[i] - p->input_zero_point);
    const int16_t x_hires = (int16_t)(x * (1 << 7));
    const int16_t x_preshift_out = srdhm16(x_hires, p->output_multiplier_fixedpoint);
    /* "Relu-ish" value: x rescaled so that 3.0 -> 32768, saturating. */
    int16_t reluish = x_hires;
    if (p->reluish_multiplier_exponent > 0)
      reluish = sat_left_shift16(reluish, p->reluish_multiplier_exponent - 1);
    reluish = srdhm16(reluish, p->reluish_multiplier_fixedpoint);
    if (p->reluish_multiplier_exponent > 0) reluish = sat_left_shift16(reluish, 1);
    if (p->reluish_multiplier_exponent < 0)
      reluish = rdbpot16(reluish, -p->reluish_multiplier_exponent);
    /* [-1, 1] -> [0, 1]. */
    reluish = (int16_t)((reluish + (1 << 15)) >> 1);
    const int16_t preshift_out = sdhm16(reluish, x_preshift_out);
    /* TFLM adds the zero point in int16 arithmetic: keep its wrap-around. */
    const int16_t y =
        (int16_t)(rdbpot16(preshift_out, -p->output_multiplier_exponent) + p->output_zero_point);
    out[i] = (int8_t)(y > INT8_MAX ? INT8_MAX : (y < INT8_MIN ? INT8_MIN : y));
  }
}

// quant_utils.cc: TFLite's QuantizeMultiplier family (tensorflow/lite/kernels/
// internal/quantization_util.cc), reproduced so the multipliers and shifts we
// emit are the ones TFLM computes in its Prepare functions.
#include "hbc/quant_utils.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "hbc/error.h"

namespace hbc {

void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift, bool single_rounding) {
  if (real == 0.) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  if (!std::isfinite(real)) {
    throw CompileError::Invalid("quantization multiplier is not finite");
  }
  int exp = 0;
  const double q = std::frexp(real, &exp);
  // TfLiteRound is std::round: half away from zero.
  auto q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed > (1LL << 31)) {
    throw CompileError::Invalid("quantization multiplier out of range");
  }
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++exp;
  }
  // Shifts below -31 would shift every bit out: TFLite flushes to zero.
  if (exp < -31) {
    exp = 0;
    q_fixed = 0;
  }
  // Single-rounding MultiplyByQuantizedMultiplier cannot shift left by more
  // than 30; TFLite saturates the multiplier instead.
  if (single_rounding && exp > 30) {
    exp = 30;
    q_fixed = (1LL << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
  *shift = exp;
}

void quantize_multiplier_smaller_than_one_exp(double real, int32_t* multiplier,
                                              int32_t* left_shift) {
  if (!(real < 1.) || !(real > 0.)) {
    throw CompileError::Invalid("multiplier " + std::to_string(real) + " not in (0, 1)");
  }
  int32_t shift = 0;
  // A multiplier below 1 never reaches the single-rounding clamp, so the
  // rounding mode does not matter here.
  quantize_multiplier(real, multiplier, &shift, false);
  if (shift > 0) throw CompileError::Invalid("multiplier shift > 0 for a value below 1");
  *left_shift = shift;
}

void quantize_multiplier_greater_than_one(double real, int32_t* multiplier, int32_t* left_shift) {
  if (!(real > 1.)) {
    throw CompileError::Invalid("multiplier " + std::to_string(real) + " not above 1");
  }
  // Shifts above 30 (real >= 2^30) are left unclamped here: no TFLite
  // caller produces them (PreprocessSoftmaxScaling caps its real multiplier).
  quantize_multiplier(real, multiplier, left_shift, false);
  if (*left_shift < 0) throw CompileError::Invalid("multiplier shift < 0 for a value above 1");
}

}  // namespace hbc

// quant_utils_activation.cc: the softmax/logistic/tanh input-scaling helpers
// of TFLite's quantization_util.cc (PreprocessSoftmaxScaling,
// CalculateInputRadius), declared in hbc/quant_utils.h. The rest of that
// header lives in quant_utils.cc.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "hbc/error.h"
#include "hbc/quant_utils.h"

namespace hbc {

// The real multiplier beta * input_scale * 2^(31 - input_integer_bits) is
// capped at 2^31 - 1 (TFLM's default double-rounding build): a larger one
// already maps every difference of one quantum to exp() ~ 0. The
// single-rounding cap (2^30 - 1) is applied by the softmax lowering.
void preprocess_softmax_scaling(double beta, double input_scale, int input_integer_bits,
                                int32_t* quantized_multiplier, int32_t* left_shift) {
  const double real =
      std::min(beta * input_scale * (1 << (31 - input_integer_bits)), (1LL << 31) - 1.0);
  quantize_multiplier_greater_than_one(real, quantized_multiplier, left_shift);
}

// Largest |input difference| whose rescaled value (times 2^input_left_shift)
// still fits the Q(input_integer_bits) range; floor keeps it strictly inside.
int32_t calculate_input_radius(int input_integer_bits, int input_left_shift,
                               int total_signed_bits) {
  if (input_left_shift < 0 || input_left_shift > 62 || input_integer_bits < 0 ||
      input_integer_bits > 30 || total_signed_bits - input_integer_bits < 0 ||
      total_signed_bits - input_integer_bits > 62) {
    throw CompileError::Invalid("input radius: shift out of range");
  }
  const double max_input_rescaled =
      1.0 * ((1 << input_integer_bits) - 1) *
      static_cast<double>(1LL << (total_signed_bits - input_integer_bits)) /
      static_cast<double>(1LL << input_left_shift);
  return static_cast<int32_t>(std::floor(max_input_rescaled));
}

}  // namespace hbc

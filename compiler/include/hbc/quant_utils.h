// hbc/quant_utils.h: host-side quantization parameter math, exactly as
// TensorFlow Lite computes it (tensorflow/lite/kernels/internal/
// quantization_util.cc), so the runtime's integer results are bit-exact.
#pragma once

#include <cstdint>

namespace hbc {

// QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in
// [2^30, 2^31) or 0. With single rounding, shifts are clamped to [-31, 30]
// the way TFLITE_SINGLE_ROUNDING builds do.
void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift, bool single_rounding);
void quantize_multiplier_smaller_than_one_exp(double real, int32_t* multiplier,
                                              int32_t* left_shift);
void quantize_multiplier_greater_than_one(double real, int32_t* multiplier, int32_t* left_shift);
// PreprocessSoftmaxScaling / logistic / tanh input scaling helpers.
void preprocess_softmax_scaling(double beta, double input_scale, int input_integer_bits,
                                int32_t* quantized_multiplier, int32_t* left_shift);
int32_t calculate_input_radius(int input_integer_bits, int input_left_shift,
                               int total_signed_bits = 31);

}  // namespace hbc

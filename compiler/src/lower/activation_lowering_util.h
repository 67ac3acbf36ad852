// activation_lowering_util.h: small checks shared by lower_activation.cc and
// lower_quantize.cc (private to compiler/src/lower/).
#pragma once

#include <cstdint>
#include <string>

#include "hbc/lower.h"

namespace hbc::act {

// Per-tensor quantization of `t`: scale > 0 and finite, zero point in
// [zp_min, zp_max]. Throws Invalid/Unsupported naming the tensor otherwise.
struct TensorQuant {
  float scale = 0.0f;
  int32_t zero_point = 0;
};
TensorQuant per_tensor_quant(const Operator& op, const Tensor& t, const char* role);

// Exactly one input and one output whose shapes match; returns them.
void unary_io(const LowerContext& ctx, const Operator& op, const Tensor** in, const Tensor** out);

// "int8 -> int16" style description of a dtype pair, for messages.
std::string dtype_pair(const Tensor& in, const Tensor& out);

// The [min, max] of an int8/int16 dtype.
void dtype_limits(DType t, int32_t* lo, int32_t* hi);

}  // namespace hbc::act

// activation_lowering_util.cc: see activation_lowering_util.h.
#include "activation_lowering_util.h"

#include <cmath>
#include <limits>

namespace hbc::act {

void dtype_limits(DType t, int32_t* lo, int32_t* hi) {
  if (t == DType::kInt16) {
    *lo = std::numeric_limits<int16_t>::min();
    *hi = std::numeric_limits<int16_t>::max();
  } else {
    *lo = std::numeric_limits<int8_t>::min();
    *hi = std::numeric_limits<int8_t>::max();
  }
}

TensorQuant per_tensor_quant(const Operator& op, const Tensor& t, const char* role) {
  if (t.quant.scale.empty() || t.quant.zero_point.empty()) {
    invalid(op, std::string(role) + " tensor '" + t.name + "' (" + dtype_name(t.dtype) +
                    ") has no quantization parameters");
  }
  if (t.quant.per_channel()) {
    unsupported(op, std::string(role) + " tensor '" + t.name + "' (" + dtype_name(t.dtype) +
                        ") is quantized per channel; only per-tensor is supported");
  }
  TensorQuant q;
  q.scale = t.quant.scale[0];
  if (!(q.scale > 0.0f) || !std::isfinite(q.scale)) {
    invalid(op,
            std::string(role) + " tensor '" + t.name + "' has a non-positive or non-finite scale");
  }
  int32_t lo = 0, hi = 0;
  dtype_limits(t.dtype, &lo, &hi);
  const int64_t zp = t.quant.zero_point[0];
  if (zp < lo || zp > hi) {
    invalid(op, std::string(role) + " zero point " + std::to_string(zp) + " outside the " +
                    dtype_name(t.dtype) + " range");
  }
  q.zero_point = static_cast<int32_t>(zp);
  return q;
}

void unary_io(const LowerContext& ctx, const Operator& op, const Tensor** in, const Tensor** out) {
  if (op.inputs.size() != 1 || op.outputs.size() != 1) {
    invalid(op, "expected 1 input and 1 output, got " + std::to_string(op.inputs.size()) + " and " +
                    std::to_string(op.outputs.size()));
  }
  *in = &input(ctx, op, 0);
  *out = &output(ctx, op, 0);
  if ((*in)->shape != (*out)->shape) {
    invalid(op, "input shape " + shape_str((*in)->shape) + " differs from output shape " +
                    shape_str((*out)->shape));
  }
}

std::string dtype_pair(const Tensor& in, const Tensor& out) {
  return std::string(dtype_name(in.dtype)) + " -> " + dtype_name(out.dtype);
}

}  // namespace hbc::act

// common.cc: helpers every lowering shares (declared in hbc/lower.h):
// error constructors that name the operator and node, slot accessors, the
// fused-activation clamp range, and LowerContext's constant tensors.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "hbc/error.h"
#include "hbc/lower.h"

namespace hbc {

namespace {

std::string where(const Operator& op) {
  return op.op_name + " (node " + std::to_string(op.index) + "): ";
}

const Tensor& slot(const LowerContext& ctx, const Operator& op, const std::vector<int>& slots,
                   size_t i, const char* kind) {
  if (i >= slots.size() || slots[i] < 0) {
    invalid(op, std::string("missing ") + kind + " " + std::to_string(i));
  }
  const size_t t = static_cast<size_t>(slots[i]);
  if (t >= ctx.model().tensors.size()) {
    invalid(op, std::string(kind) + " " + std::to_string(i) + " refers to tensor " +
                    std::to_string(t) + ", which does not exist");
  }
  const Tensor& tensor = ctx.model().tensors[t];
  // Empty tensors (a zero dimension) are legal TFLite but never useful on a
  // board; refusing them here spares every lowering a division by zero.
  for (int32_t d : tensor.shape) {
    if (d == 0) {
      unsupported(op, std::string(kind) + " " + std::to_string(i) + " has an empty shape " +
                          shape_str(tensor.shape));
    }
  }
  return tensor;
}

}  // namespace

void unsupported(const Operator& op, const std::string& what) {
  throw CompileError::Unsupported(where(op) + what);
}

void invalid(const Operator& op, const std::string& what) {
  throw CompileError::Invalid(where(op) + what);
}

const Tensor& input(const LowerContext& ctx, const Operator& op, size_t i) {
  return slot(ctx, op, op.inputs, i, "input");
}

const Tensor& output(const LowerContext& ctx, const Operator& op, size_t i) {
  return slot(ctx, op, op.outputs, i, "output");
}

// TFLite's CalculateActivationRangeQuantizedImpl (tensorflow/lite/kernels/
// kernel_util.cc): the bounds are quantized in float arithmetic,
// zero_point + (int32)round(f / scale) with f and scale both float, and then
// intersected with the dtype's limits.
void activation_range(const Operator& op, Activation act, const Tensor& out, int32_t* act_min,
                      int32_t* act_max) {
  int32_t qmin = 0, qmax = 0;
  switch (out.dtype) {
    case DType::kInt8:
      qmin = std::numeric_limits<int8_t>::min();
      qmax = std::numeric_limits<int8_t>::max();
      break;
    case DType::kInt16:
      qmin = std::numeric_limits<int16_t>::min();
      qmax = std::numeric_limits<int16_t>::max();
      break;
    default:
      unsupported(op, std::string("fused activation on a ") + dtype_name(out.dtype) +
                          " output (int8 or int16 only)");
  }
  if (act == Activation::kNone) {
    *act_min = qmin;
    *act_max = qmax;
    return;
  }
  if (out.quant.scale.empty() || out.quant.zero_point.empty()) {
    invalid(op, "output tensor '" + out.name + "' has a fused activation but no quantization");
  }
  const float scale = out.quant.scale[0];
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    invalid(op, "output tensor '" + out.name + "' has a non-positive or non-finite scale");
  }
  const int64_t zp64 = out.quant.zero_point[0];
  if (zp64 < qmin || zp64 > qmax) {
    invalid(op, "output zero point " + std::to_string(zp64) + " outside the " +
                    dtype_name(out.dtype) + " range");
  }
  const int32_t zero_point = static_cast<int32_t>(zp64);
  // The quotient is clamped before the int cast so a tiny scale cannot make
  // the cast undefined; any value this large is clipped by qmin/qmax anyway.
  auto quantize = [&](float f) -> int32_t {
    float q = std::round(f / scale);
    q = std::clamp(q, -1.0e9f, 1.0e9f);
    return zero_point + static_cast<int32_t>(q);
  };
  switch (act) {
    case Activation::kRelu:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = qmax;
      break;
    case Activation::kRelu6:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = std::min(qmax, quantize(6.0f));
      break;
    case Activation::kReluN1To1:
      *act_min = std::max(qmin, quantize(-1.0f));
      *act_max = std::min(qmax, quantize(1.0f));
      break;
    case Activation::kTanh:
      unsupported(op, "fused TANH activation");
    case Activation::kSignBit:
      unsupported(op, "fused SIGN_BIT activation");
    default:
      unsupported(op, "unknown fused activation");
  }
}

// Added constants get bytes owned by the context; the Tensor's data pointer
// refers into the owned vector's heap buffer, which does not move when the
// outer vector reallocates (moving a std::vector keeps its buffer). The
// model's tensor list grows: callers must not hold Tensor references across
// add_const unless the list has capacity reserved (compile_plan reserves).
int LowerContext::add_const(const std::string& name, DType dtype, std::vector<int32_t> shape,
                            std::vector<uint8_t> bytes) {
  Tensor t;
  t.index = static_cast<int>(model_.tensors.size());
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data_size = bytes.size();
  owned_.push_back(std::move(bytes));
  std::vector<uint8_t>& stored = owned_.back();
  if (stored.empty()) stored.resize(1);  // a non-null data pointer marks "constant"
  t.data = stored.data();
  model_.tensors.push_back(std::move(t));
  return model_.tensors.back().index;
}

}  // namespace hbc

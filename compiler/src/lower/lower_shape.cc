// lower_shape.cc: RESHAPE/SQUEEZE, PAD, CONCATENATION and STRIDED_SLICE ->
// hb/ops/shape.h params. These move data without arithmetic; the compiler
// resolves every index (paddings, masks, negative indices) so the runtime
// kernels are plain loops.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "hb/ops/shape.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "k2_quant.h"

namespace hbc {

namespace {

bool same_quant(const Tensor& a, const Tensor& b) {
  const float sa = a.quant.scale.empty() ? 0.0f : a.quant.scale[0];
  const float sb = b.quant.scale.empty() ? 0.0f : b.quant.scale[0];
  const int64_t za = a.quant.zero_point.empty() ? 0 : a.quant.zero_point[0];
  const int64_t zb = b.quant.zero_point.empty() ? 0 : b.quant.zero_point[0];
  return sa == sb && za == zb;
}

LoweredOp single_io(const Operator& op, uint16_t opcode) {
  LoweredOp l;
  l.opcode = opcode;
  l.inputs = {op.inputs[0]};
  l.outputs = {op.outputs[0]};
  return l;
}

// strided_slice_logic.h, StridedSliceStartForAxis (what TFLite's reference
// StridedSlice evaluates with).
int64_t slice_start(int64_t start, int64_t stride, bool begin_masked, int64_t size) {
  if (start < 0) start += size;
  start =
      stride > 0 ? std::clamp<int64_t>(start, 0, size) : std::clamp<int64_t>(start, -1, size - 1);
  if (begin_masked) start = stride > 0 ? 0 : size - 1;
  return start;
}

// strided_slice_logic.h, StridedSliceEndForAxis.
int64_t slice_end(int64_t end, int64_t start, int64_t stride, bool end_masked, bool shrink,
                  bool offset, int64_t size) {
  if (shrink) return start >= size ? start : start + 1;
  if (offset) end += start;
  if (end < 0) end += size;
  end = stride > 0 ? std::clamp<int64_t>(end, 0, size) : std::clamp<int64_t>(end, -1, size - 1);
  if (end_masked) end = stride > 0 ? size : -1;
  return end;
}

}  // namespace

// RESHAPE and SQUEEZE: the output tensor's shape is the result; the shape
// operand (RESHAPE input 1) is not needed at run time.
LoweredOp lower_reshape(LowerContext& ctx, const Operator& op) {
  if (op.inputs.empty() || op.inputs.size() > 2 || op.outputs.size() != 1) {
    invalid(op, "expected 1 or 2 inputs and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& out = output(ctx, op, 0);
  if (dtype_size(in.dtype) == 0 || in.dtype == DType::kBool || in.dtype == DType::kUInt8) {
    unsupported(op, std::string(dtype_name(in.dtype)) + " tensor '" + in.name + "'");
  }
  k2::require_same_dtype(op, in, out);
  k2::require_max_rank(op, out, HB_MAX_DIMS);
  if (in.elems() != out.elems()) {
    invalid(op, "input " + shape_str(in.shape) + " and output " + shape_str(out.shape) +
                    " have different element counts");
  }
  LoweredOp l = single_io(op, HB_OP_RESHAPE);
  l.set_params(hb_reshape_params{0});
  l.overlaps.push_back(OverlapHint{0, 0, true});  // the output IS the input
  return l;
}

LoweredOp lower_pad(LowerContext& ctx, const Operator& op) {
  if (op.inputs.size() == 3) unsupported(op, "explicit constant_values (PADV2 form)");
  if (op.inputs.size() != 2 || op.outputs.size() != 1) {
    invalid(op, "expected 2 inputs (data, paddings) and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& out = output(ctx, op, 0);
  k2::require_act_dtype(op, in, true);
  k2::require_same_dtype(op, in, out);
  k2::require_max_rank(op, in, 4);
  const std::vector<int64_t> pads = k2::const_ints(op, input(ctx, op, 1), "paddings", true);
  const size_t nd = in.shape.size();
  if (pads.size() != 2 * nd) {
    invalid(op, "paddings has " + std::to_string(pads.size()) + " values, expected " +
                    std::to_string(2 * nd) + " ([" + std::to_string(nd) + ", 2])");
  }
  if (!same_quant(in, out)) {
    unsupported(op, std::string(dtype_name(in.dtype)) +
                        " input and output quantization differ (PAD does not requantize)");
  }
  hb_pad_params p{};
  std::vector<int32_t> want(nd);
  for (size_t d = 0; d < nd; ++d) {
    const int64_t b = pads[2 * d], a = pads[2 * d + 1];
    if (b < 0 || a < 0 || b > std::numeric_limits<int32_t>::max() / 4 ||
        a > std::numeric_limits<int32_t>::max() / 4) {
      invalid(op, "padding " + std::to_string(b) + "," + std::to_string(a) + " out of range");
    }
    p.before[d + 4 - nd] = static_cast<int32_t>(b);
    p.after[d + 4 - nd] = static_cast<int32_t>(a);
    want[d] = static_cast<int32_t>(b + in.shape[d] + a);
  }
  if (out.shape != want) {
    invalid(op, "output shape " + shape_str(out.shape) + ", expected " + shape_str(want));
  }
  // TFLM's PadEval: int8 pads with the output zero point, int16 with 0.
  p.pad_value = in.dtype == DType::kInt8 ? k2::zero_point_of(op, out) : 0;
  LoweredOp l = single_io(op, HB_OP_PAD);
  l.set_params(p);
  return l;
}

LoweredOp lower_concatenation(LowerContext& ctx, const Operator& op) {
  if (op.outputs.size() != 1 || op.inputs.empty()) invalid(op, "expected inputs and 1 output");
  if (op.inputs.size() > HB_OP_MAX_TENSORS - 1) {
    unsupported(op, std::to_string(op.inputs.size()) + " inputs (at most " +
                        std::to_string(HB_OP_MAX_TENSORS - 1) + ")");
  }
  if (op.options.activation != Activation::kNone) unsupported(op, "fused activation");
  const Tensor& out = output(ctx, op, 0);
  k2::require_act_dtype(op, out, true);
  k2::require_max_rank(op, out, 4);
  const int nd = static_cast<int>(out.shape.size());
  int axis = op.options.axis < 0 ? op.options.axis + nd : op.options.axis;
  if (nd == 0 || axis < 0 || axis >= nd) {
    invalid(op, "axis " + std::to_string(op.options.axis) + " out of range for " +
                    shape_str(out.shape));
  }
  int64_t total = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Tensor& in = input(ctx, op, i);
    k2::require_same_dtype(op, in, out);
    if (!same_quant(in, out)) {
      // TFLM copies bytes without rescaling; that is only right when the
      // quantization agrees, so refuse rather than emit wrong numbers.
      unsupported(op, std::string(dtype_name(in.dtype)) + " input '" + in.name +
                          "' quantization differs from the output's (no requantizing concat)");
    }
    if (in.shape.size() != out.shape.size()) {
      invalid(op,
              "input " + shape_str(in.shape) + " rank differs from output " + shape_str(out.shape));
    }
    for (int d = 0; d < nd; ++d) {
      if (d != axis && in.shape[static_cast<size_t>(d)] != out.shape[static_cast<size_t>(d)]) {
        invalid(op, "input " + shape_str(in.shape) + " does not match output " +
                        shape_str(out.shape) + " off the axis");
      }
    }
    total += in.shape[static_cast<size_t>(axis)];
  }
  if (total != out.shape[static_cast<size_t>(axis)]) {
    invalid(op, "inputs sum to " + std::to_string(total) + " along axis " + std::to_string(axis) +
                    ", output has " + std::to_string(out.shape[static_cast<size_t>(axis)]));
  }
  hb_concatenation_params p{};
  p.axis = axis + 4 - nd;
  LoweredOp l;
  l.opcode = HB_OP_CONCATENATION;
  l.inputs = op.inputs;
  l.outputs = {op.outputs[0]};
  l.set_params(p);
  return l;
}

LoweredOp lower_strided_slice(LowerContext& ctx, const Operator& op) {
  if (op.inputs.size() != 4 || op.outputs.size() != 1) {
    invalid(op, "expected 4 inputs (data, begin, end, strides) and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& out = output(ctx, op, 0);
  k2::require_act_dtype(op, in, true);
  k2::require_same_dtype(op, in, out);
  k2::require_max_rank(op, in, 4);
  const OpOptions& o = op.options;
  if (o.ellipsis_mask != 0) unsupported(op, "ellipsis_mask");
  if (o.new_axis_mask != 0) unsupported(op, "new_axis_mask");
  const size_t nd = in.shape.size();
  const auto begin = k2::const_ints(op, input(ctx, op, 1), "begin", false);
  const auto end = k2::const_ints(op, input(ctx, op, 2), "end", false);
  const auto strides = k2::const_ints(op, input(ctx, op, 3), "strides", false);
  if (begin.size() != nd || end.size() != nd || strides.size() != nd) {
    invalid(op, "begin/end/strides must have " + std::to_string(nd) + " values each");
  }
  hb_strided_slice_params p{};
  for (int d = 0; d < 4; ++d) {
    p.start[d] = 0;
    p.step[d] = 1;
    p.count[d] = 1;
  }
  std::vector<int32_t> want;
  for (size_t d = 0; d < nd; ++d) {
    const int64_t size = in.shape[d], stride = strides[d];
    if (stride == 0) invalid(op, "stride of axis " + std::to_string(d) + " is 0");
    const bool shrink = (o.shrink_axis_mask >> d) & 1;
    const int64_t start = slice_start(begin[d], stride, (o.begin_mask >> d) & 1, size);
    const int64_t stop =
        slice_end(end[d], start, stride, (o.end_mask >> d) & 1, shrink, o.offset, size);
    // Iterations of TFLite's loop: idx from start while idx < stop (stride
    // > 0) or idx > stop (stride < 0).
    int64_t count = stride > 0 ? (stop - start + stride - 1) / stride
                               : (start - stop + (-stride) - 1) / (-stride);
    if (count < 0) count = 0;
    if (!shrink) want.push_back(static_cast<int32_t>(count));
    if (count == 0) unsupported(op, "empty slice on axis " + std::to_string(d));
    if (shrink && count != 1) invalid(op, "shrunk axis " + std::to_string(d) + " out of range");
    const size_t k = d + 4 - nd;
    p.start[k] = static_cast<int32_t>(start);
    p.step[k] = static_cast<int32_t>(stride);
    p.count[k] = static_cast<int32_t>(count);
  }
  if (out.shape != want && !(want.empty() && out.elems() == 1)) {
    invalid(op, "output shape " + shape_str(out.shape) + ", expected " + shape_str(want));
  }
  LoweredOp l = single_io(op, HB_OP_STRIDED_SLICE);
  l.set_params(p);
  return l;
}

}  // namespace hbc

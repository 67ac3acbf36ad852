// lower_pool.cc: AVERAGE_POOL_2D and MAX_POOL_2D (int8, int16) ->
// hb_pool_params (firmware-harness/runtime/include/hb/ops/pool.h).
// Geometry as TFLite's ComputeOutSize/ComputePaddingHeightWidth; the
// activation clamp as TFLM's pooling Prepare.
#include <cmath>
#include <string>

#include "hb/ops/pool.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "k2_quant.h"

namespace hbc {

namespace {

// TFLite's ComputeOutSize (dilation 1), in 64 bits: a model may carry any
// int32 stride or filter size.
int64_t out_size(Padding padding, int64_t in, int64_t filter, int64_t stride) {
  return padding == Padding::kSame ? (in + stride - 1) / stride : (in + stride - filter) / stride;
}

// TFLite's ComputePadding (dilation 1): the top/left padding.
int64_t pad_before(int64_t stride, int64_t in, int64_t filter, int64_t out) {
  const int64_t p = ((out - 1) * stride + filter - in) / 2;
  return p > 0 ? p : 0;
}

LoweredOp lower_pool(LowerContext& ctx, const Operator& op, uint16_t opcode) {
  if (op.inputs.size() != 1 || op.outputs.size() != 1) {
    invalid(op, "expected 1 input and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& out = output(ctx, op, 0);
  k2::require_act_dtype(op, in, true);
  k2::require_same_dtype(op, in, out);
  if (in.shape.size() != 4 || out.shape.size() != 4) {
    invalid(op, "input and output must be 4-D (NHWC), got " + shape_str(in.shape) + " -> " +
                    shape_str(out.shape));
  }
  // The kernels do not requantize; TFLite asserts equal quantization too.
  const float si = k2::scale_of(op, in), so = k2::scale_of(op, out);
  if (std::fabs(si - so) > 1.0e-6f * std::fabs(si) ||
      k2::zero_point_of(op, in) != k2::zero_point_of(op, out)) {
    unsupported(op, std::string(dtype_name(in.dtype)) +
                        " input and output quantization differ (pooling does not requantize)");
  }
  const OpOptions& o = op.options;
  if (o.stride_h < 1 || o.stride_w < 1 || o.filter_h < 1 || o.filter_w < 1) {
    invalid(op, "strides and filter sizes must be >= 1");
  }
  const int32_t in_h = in.shape[1], in_w = in.shape[2];
  const int64_t out_h = out_size(o.padding, in_h, o.filter_h, o.stride_h);
  const int64_t out_w = out_size(o.padding, in_w, o.filter_w, o.stride_w);
  if (out.shape[0] != in.shape[0] || out.shape[3] != in.shape[3] || out.shape[1] != out_h ||
      out.shape[2] != out_w) {
    invalid(op, "output shape " + shape_str(out.shape) + " does not match the expected " +
                    std::to_string(in.shape[0]) + "x" + std::to_string(out_h) + "x" +
                    std::to_string(out_w) + "x" + std::to_string(in.shape[3]));
  }

  hb_pool_params p{};
  p.stride_h = o.stride_h;
  p.stride_w = o.stride_w;
  p.filter_h = o.filter_h;
  p.filter_w = o.filter_w;
  const int64_t pad_h = pad_before(o.stride_h, in_h, o.filter_h, out_h);
  const int64_t pad_w = pad_before(o.stride_w, in_w, o.filter_w, out_w);
  if (pad_h >= o.filter_h || pad_w >= o.filter_w) {
    invalid(op, "a " + std::to_string(o.filter_h) + "x" + std::to_string(o.filter_w) +
                    " window with stride " + std::to_string(o.stride_h) + "x" +
                    std::to_string(o.stride_w) + " has windows that hold only padding");
  }
  p.pad_h = static_cast<int32_t>(pad_h);  // < filter: fits
  p.pad_w = static_cast<int32_t>(pad_w);
  activation_range(op, o.activation, out, &p.act_min, &p.act_max);

  LoweredOp l;
  l.opcode = opcode;
  l.inputs = {op.inputs[0]};
  l.outputs = {op.outputs[0]};
  l.set_params(p);
  // Pooling "MACs": one accumulate/compare per window cell.
  l.macs = static_cast<uint64_t>(out.elems()) * static_cast<uint64_t>(o.filter_h) *
           static_cast<uint64_t>(o.filter_w);
  return l;
}

}  // namespace

LoweredOp lower_average_pool_2d(LowerContext& ctx, const Operator& op) {
  return lower_pool(ctx, op, HB_OP_AVERAGE_POOL_2D);
}

LoweredOp lower_max_pool_2d(LowerContext& ctx, const Operator& op) {
  return lower_pool(ctx, op, HB_OP_MAX_POOL_2D);
}

}  // namespace hbc

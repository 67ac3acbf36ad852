// lower_conv.cc: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
// FULLY_CONNECTED -> hb/ops/conv.h ops.
//
// Quantization follows TFLM's Prepare functions exactly:
//  - conv, depthwise, transpose conv: PopulateConvolutionQuantizationParams
//    (tensorflow/lite/kernels/kernel_util.cc): per channel,
//    double(input_scale) * double(filter_scale) / double(output_scale), then
//    QuantizeMultiplier; per-tensor weights broadcast their one scale.
//  - fully connected, per-tensor weights: GetQuantizedConvolutionMultipler,
//    whose product input_scale * filter_scale is taken in FLOAT before the
//    widening to double (so it can differ from the conv formula in the last
//    bit); per-channel weights use the conv formula
//    (micro/kernels/fully_connected_common.cc).
// Either way the op gets per-channel multiplier/shift arrays.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "conv_geometry.h"
#include "hb/ops/conv.h"
#include "hb/plan_format.h"
#include "hbc/error.h"
#include "hbc/lower.h"
#include "hbc/quant_utils.h"

namespace hbc {

namespace {

constexpr int32_t kI16Max = 32767;

bool is_act(DType t) { return t == DType::kInt8 || t == DType::kInt16; }

std::string tname(const Tensor& t) { return "'" + t.name + "' (" + dtype_name(t.dtype) + ")"; }

// The single per-tensor scale and zero point of an activation tensor.
void per_tensor_quant(const Operator& op, const Tensor& t, const char* role, float* scale,
                      int32_t* zp) {
  if (t.quant.scale.size() != 1 || t.quant.zero_point.size() != 1) {
    invalid(op, std::string(role) + " tensor " + tname(t) +
                    " needs exactly one quantization scale and zero point");
  }
  *scale = t.quant.scale[0];
  if (!(*scale > 0.0f) || !std::isfinite(*scale)) {
    invalid(op, std::string(role) + " tensor " + tname(t) + " has a non-positive scale");
  }
  const int64_t z = t.quant.zero_point[0];
  const int64_t lo = t.dtype == DType::kInt8 ? -128 : -32768;
  const int64_t hi = t.dtype == DType::kInt8 ? 127 : 32767;
  if (z < lo || z > hi) {
    invalid(op, std::string(role) + " zero point " + std::to_string(z) + " out of range");
  }
  if (t.dtype == DType::kInt16 && z != 0) {
    // TFLM's 16x8 kernels ignore activation zero points; only 0 is exact.
    unsupported(op, std::string(role) + " tensor " + tname(t) + " has zero point " +
                        std::to_string(z) + " (int16 activations need zero point 0)");
  }
  *zp = static_cast<int32_t>(z);
}

// Validates activation and weight dtypes (int8/int8 or int16/int8).
void check_types(const Operator& op, const Tensor& in, const Tensor& w, const Tensor& out) {
  if (in.dtype == DType::kFloat32 && w.dtype == DType::kInt8) {
    unsupported(op, "hybrid float input with int8 weights");
  }
  if (!is_act(in.dtype)) {
    unsupported(op, "input " + tname(in) + ": only int8 and int16 activations are supported");
  }
  if (out.dtype != in.dtype) {
    invalid(op, "output " + tname(out) + " and input " + tname(in) + " differ in type");
  }
  if (w.dtype != DType::kInt8) {
    unsupported(op, "weights " + tname(w) + " (raw type " + std::to_string(w.raw_type) +
                        "): only int8 weights are supported");
  }
}

// Weights' scales, broadcast to n_out channels, and their (all-zero unless
// allow_zp) zero point. quant_dim is the axis per-channel scales must use.
std::vector<float> weight_scales(const Operator& op, const Tensor& w, int32_t n_out,
                                 int32_t quant_dim, bool allow_zp, int32_t* zp_out) {
  const auto& q = w.quant;
  if (q.scale.empty()) invalid(op, "weights " + tname(w) + " are not quantized");
  if (q.scale.size() != 1 && static_cast<int64_t>(q.scale.size()) != n_out) {
    invalid(op, "weights " + tname(w) + " have " + std::to_string(q.scale.size()) + " scales for " +
                    std::to_string(n_out) + " output channels");
  }
  if (q.per_channel() && q.quantized_dimension != quant_dim) {
    unsupported(op, "weights " + tname(w) + " quantized along dimension " +
                        std::to_string(q.quantized_dimension) + ", expected " +
                        std::to_string(quant_dim));
  }
  for (float s : q.scale) {
    if (!(s > 0.0f) || !std::isfinite(s)) invalid(op, "weights " + tname(w) + " have a bad scale");
  }
  int64_t zp = 0;
  for (size_t i = 0; i < q.zero_point.size(); ++i) {
    if (q.zero_point[i] != 0) {
      if (!allow_zp || q.per_channel() || i != 0) {
        unsupported(op, "weights " + tname(w) + " have non-zero zero point " +
                            std::to_string(q.zero_point[i]) + " (symmetric int8 weights only)");
      }
      zp = q.zero_point[i];
    }
  }
  if (zp < -128 || zp > 127) invalid(op, "weights zero point out of range");
  if (zp_out) *zp_out = static_cast<int32_t>(zp);
  std::vector<float> s(static_cast<size_t>(n_out));
  for (int32_t i = 0; i < n_out; ++i)
    s[static_cast<size_t>(i)] = q.per_channel() ? q.scale[static_cast<size_t>(i)] : q.scale[0];
  return s;
}

// Multipliers and shifts as PopulateConvolutionQuantizationParams computes them.
void conv_multipliers(const LowerContext& ctx, float in_scale, const std::vector<float>& w_scales,
                      float out_scale, std::vector<int32_t>* mult, std::vector<int32_t>* shift) {
  mult->resize(w_scales.size());
  shift->resize(w_scales.size());
  for (size_t i = 0; i < w_scales.size(); ++i) {
    const double eff = static_cast<double>(in_scale) * static_cast<double>(w_scales[i]) /
                       static_cast<double>(out_scale);
    quantize_multiplier(eff, &(*mult)[i], &(*shift)[i], ctx.single_rounding());
  }
}

// Checks the runtime's shift range for the op's accumulator width.
void check_shifts(const Operator& op, DType act, const std::vector<int32_t>& shift) {
  const int32_t max_shift = act == DType::kInt8 ? 30 : 14;
  for (int32_t s : shift) {
    if (s < -31 || s > max_shift) {
      unsupported(op, "requantization shift " + std::to_string(s) +
                          " out of the supported range (effective scale too large)");
    }
  }
}

// The bias slot: -1 when absent; int32 for int8 activations, int64 for int16
// (an int16 TRANSPOSE_CONV bias is widened to an int64 constant, as TFLM
// converts it at eval time).
int bias_slot(LowerContext& ctx, const Operator& op, size_t slot, DType act, int32_t n_out,
              bool allow_i16_bias) {
  if (slot >= op.inputs.size() || op.inputs[slot] < 0) return -1;
  const Tensor& b = input(ctx, op, slot);
  if (b.elems() != n_out) {
    invalid(op, "bias " + tname(b) + " has " + std::to_string(b.elems()) + " elements for " +
                    std::to_string(n_out) + " output channels");
  }
  if (act == DType::kInt8) {
    if (b.dtype != DType::kInt32)
      unsupported(op, "bias " + tname(b) + ": int8 ops need int32 bias");
    return b.index;
  }
  if (b.dtype == DType::kInt64) return b.index;
  if (allow_i16_bias && b.dtype == DType::kInt16 && b.is_const()) {
    std::vector<int64_t> wide(static_cast<size_t>(n_out));
    for (int32_t i = 0; i < n_out; ++i) {
      int16_t v;
      std::memcpy(&v, b.data + 2 * i, 2);
      wide[static_cast<size_t>(i)] = v;
    }
    return ctx.add_const_array(b.name + "/int64", DType::kInt64, wide);
  }
  unsupported(op, "bias " + tname(b) + ": int16 ops need int64 bias");
}

int32_t dim(const Tensor& t, size_t i) { return t.shape[i]; }

void require_4d(const Operator& op, const Tensor& t, const char* role) {
  if (t.shape.size() != 4) {
    invalid(op, std::string(role) + " " + tname(t) + " has shape " + shape_str(t.shape) +
                    ", expected 4-D");
  }
}

int16_t small(const Operator& op, int32_t v, const char* what) {
  if (v < 1 || v > kI16Max)
    invalid(op, std::string(what) + " " + std::to_string(v) + " out of range");
  return static_cast<int16_t>(v);
}

enum class ConvKind { kConv, kDepthwise };

LoweredOp lower_conv_like(LowerContext& ctx, const Operator& op, ConvKind kind) {
  if (op.inputs.size() < 2 || op.inputs.size() > 3 || op.outputs.size() != 1) {
    invalid(op, "expects 2 or 3 inputs and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& w = input(ctx, op, 1);
  const Tensor& out = output(ctx, op, 0);
  check_types(op, in, w, out);
  require_4d(op, in, "input");
  require_4d(op, w, "weights");
  require_4d(op, out, "output");
  const OpOptions& o = op.options;
  const int32_t n_out = dim(out, 3);
  int32_t depth_multiplier = 1;
  if (kind == ConvKind::kConv) {
    if (dim(w, 0) != n_out) invalid(op, "weights " + shape_str(w.shape) + " vs output channels");
    if (dim(w, 3) != dim(in, 3)) {
      unsupported(op, "grouped convolution (input channels " + std::to_string(dim(in, 3)) +
                          ", weights " + shape_str(w.shape) + ")");
    }
  } else {
    if (dim(w, 0) != 1 || dim(w, 3) != n_out) {
      invalid(op, "weights " + shape_str(w.shape) + " vs output channels " + std::to_string(n_out));
    }
    if (n_out % dim(in, 3) != 0) invalid(op, "output channels not a multiple of input channels");
    depth_multiplier = n_out / dim(in, 3);
    if (o.depth_multiplier != depth_multiplier) {
      invalid(op, "depth_multiplier option " + std::to_string(o.depth_multiplier) +
                      " disagrees with the shapes (" + std::to_string(depth_multiplier) + ")");
    }
  }
  if (dim(in, 0) != dim(out, 0)) invalid(op, "input and output batch differ");

  const AxisGeometry gh = conv_axis(o.padding, dim(in, 1), dim(w, 1), o.stride_h, o.dilation_h);
  const AxisGeometry gw = conv_axis(o.padding, dim(in, 2), dim(w, 2), o.stride_w, o.dilation_w);
  hb_conv_params p{};
  p.stride_h = small(op, o.stride_h, "stride_h");
  p.stride_w = small(op, o.stride_w, "stride_w");
  p.dilation_h = small(op, o.dilation_h, "dilation_h");
  p.dilation_w = small(op, o.dilation_w, "dilation_w");
  if (gh.out != dim(out, 1) || gw.out != dim(out, 2)) {
    invalid(op, "output " + shape_str(out.shape) + " does not match the geometry (expected " +
                    std::to_string(gh.out) + "x" + std::to_string(gw.out) + ")");
  }
  if (gh.pad > kI16Max || gw.pad > kI16Max) invalid(op, "padding too large");
  p.pad_h = static_cast<int16_t>(gh.pad);
  p.pad_w = static_cast<int16_t>(gw.pad);
  p.depth_multiplier = static_cast<int16_t>(depth_multiplier);

  float in_scale, out_scale;
  int32_t in_zp, out_zp;
  per_tensor_quant(op, in, "input", &in_scale, &in_zp);
  per_tensor_quant(op, out, "output", &out_scale, &out_zp);
  const auto ws = weight_scales(op, w, n_out, kind == ConvKind::kConv ? 0 : 3, false, nullptr);
  p.input_offset = -in_zp;
  p.output_offset = out_zp;
  activation_range(op, o.activation, out, &p.act_min, &p.act_max);

  std::vector<int32_t> mult, shift;
  conv_multipliers(ctx, in_scale, ws, out_scale, &mult, &shift);
  check_shifts(op, in.dtype, shift);

  LoweredOp lo;
  lo.opcode = kind == ConvKind::kConv ? HB_OP_CONV_2D : HB_OP_DEPTHWISE_CONV_2D;
  const int bias = bias_slot(ctx, op, 2, in.dtype, n_out, false);
  const std::string base = out.name.empty() ? "op" + std::to_string(op.index) : out.name;
  lo.inputs = {in.index, w.index, bias,
               ctx.add_const_array(base + "/multipliers", DType::kInt32, mult),
               ctx.add_const_array(base + "/shifts", DType::kInt32, shift)};
  lo.outputs = {out.index};
  lo.set_params(p);
  const uint64_t filter_volume = static_cast<uint64_t>(dim(w, 1)) *
                                 static_cast<uint64_t>(dim(w, 2)) *
                                 (kind == ConvKind::kConv ? static_cast<uint64_t>(dim(w, 3)) : 1u);
  lo.macs = static_cast<uint64_t>(out.elems()) * filter_volume;

  // The kernels write rows in order and never read above row y*stride - pad
  // again once output row y is reached: the output may trail into the input.
  const int64_t es = static_cast<int64_t>(dtype_size(in.dtype));
  OverlapHint h;
  h.input_slot = 0;
  h.lead =
      conv_overlap_lead(dim(in, 0), dim(in, 1), int64_t{dim(in, 2)} * dim(in, 3) * es, dim(out, 1),
                        int64_t{dim(out, 2)} * dim(out, 3) * es, o.stride_h, gh.pad);
  lo.overlaps.push_back(h);
  return lo;
}

}  // namespace

LoweredOp lower_conv_2d(LowerContext& ctx, const Operator& op) {
  return lower_conv_like(ctx, op, ConvKind::kConv);
}

LoweredOp lower_depthwise_conv_2d(LowerContext& ctx, const Operator& op) {
  return lower_conv_like(ctx, op, ConvKind::kDepthwise);
}

// TRANSPOSE_CONV inputs: [output_shape, weights, input, bias?]. TFLM ignores
// output_shape (the output tensor's shape is static); we check it agrees.
LoweredOp lower_transpose_conv(LowerContext& ctx, const Operator& op) {
  if (op.inputs.size() < 3 || op.inputs.size() > 4 || op.outputs.size() != 1) {
    invalid(op, "expects 3 or 4 inputs and 1 output");
  }
  const Tensor& shape_t = input(ctx, op, 0);
  const Tensor& w = input(ctx, op, 1);
  const Tensor& in = input(ctx, op, 2);
  const Tensor& out = output(ctx, op, 0);
  check_types(op, in, w, out);
  require_4d(op, in, "input");
  require_4d(op, w, "weights");
  require_4d(op, out, "output");
  if (shape_t.is_const() && shape_t.dtype == DType::kInt32 && shape_t.elems() == 4) {
    for (size_t i = 0; i < 4; ++i) {
      int32_t v;
      std::memcpy(&v, shape_t.data + 4 * i, 4);
      if (v != out.shape[i]) invalid(op, "output_shape tensor disagrees with the output shape");
    }
  }
  const int32_t n_out = dim(out, 3);
  if (dim(w, 0) != n_out || dim(w, 3) != dim(in, 3)) {
    invalid(op, "weights " + shape_str(w.shape) + " vs input " + shape_str(in.shape) +
                    " / output " + shape_str(out.shape));
  }
  if (dim(in, 0) != dim(out, 0)) invalid(op, "input and output batch differ");
  const OpOptions& o = op.options;
  hb_conv_params p{};
  p.stride_h = small(op, o.stride_h, "stride_h");
  p.stride_w = small(op, o.stride_w, "stride_w");
  p.dilation_h = 1;
  p.dilation_w = 1;
  p.depth_multiplier = 1;
  // TFLM pads with the output's height/width as the "input" size.
  const AxisGeometry gh = conv_axis(o.padding, dim(out, 1), dim(w, 1), o.stride_h, 1);
  const AxisGeometry gw = conv_axis(o.padding, dim(out, 2), dim(w, 2), o.stride_w, 1);
  if (gh.pad > kI16Max || gw.pad > kI16Max) invalid(op, "padding too large");
  p.pad_h = static_cast<int16_t>(gh.pad);
  p.pad_w = static_cast<int16_t>(gw.pad);

  float in_scale, out_scale;
  int32_t in_zp, out_zp;
  per_tensor_quant(op, in, "input", &in_scale, &in_zp);
  per_tensor_quant(op, out, "output", &out_scale, &out_zp);
  const auto ws = weight_scales(op, w, n_out, 0, false, nullptr);
  p.input_offset = -in_zp;
  p.output_offset = out_zp;
  activation_range(op, o.activation, out, &p.act_min, &p.act_max);
  std::vector<int32_t> mult, shift;
  conv_multipliers(ctx, in_scale, ws, out_scale, &mult, &shift);
  check_shifts(op, in.dtype, shift);

  LoweredOp lo;
  lo.opcode = HB_OP_TRANSPOSE_CONV;
  const int bias = bias_slot(ctx, op, 3, in.dtype, n_out, true);
  const std::string base = out.name.empty() ? "op" + std::to_string(op.index) : out.name;
  lo.inputs = {in.index, w.index, bias,
               ctx.add_const_array(base + "/multipliers", DType::kInt32, mult),
               ctx.add_const_array(base + "/shifts", DType::kInt32, shift)};
  lo.outputs = {out.index};
  lo.set_params(p);
  const uint64_t acc_bytes = in.dtype == DType::kInt8 ? 4u : 8u;
  const uint64_t scratch = static_cast<uint64_t>(out.elems()) * acc_bytes;
  if (scratch > 0xFFFFFFFFull) unsupported(op, "scratch buffer too large");
  lo.scratch_bytes = static_cast<uint32_t>(scratch);
  lo.macs = static_cast<uint64_t>(in.elems()) * static_cast<uint64_t>(dim(w, 1)) *
            static_cast<uint64_t>(dim(w, 2)) * static_cast<uint64_t>(n_out);
  // The input is fully consumed before the first output byte is written, so
  // the output may lie anywhere over it.
  OverlapHint h;
  h.input_slot = 0;
  h.lead = static_cast<int64_t>(out.elems()) * static_cast<int64_t>(dtype_size(out.dtype));
  lo.overlaps.push_back(h);
  return lo;
}

// FULLY_CONNECTED inputs: [input, weights, bias?]. The input is flattened
// to [batches, accum_depth] as TFLM reads it.
LoweredOp lower_fully_connected(LowerContext& ctx, const Operator& op) {
  if (op.inputs.size() < 2 || op.inputs.size() > 3 || op.outputs.size() != 1) {
    invalid(op, "expects 2 or 3 inputs and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& w = input(ctx, op, 1);
  const Tensor& out = output(ctx, op, 0);
  const OpOptions& o = op.options;
  if (o.weights_format != 0) unsupported(op, "shuffled (SHUFFLED4x16INT8) weights");
  check_types(op, in, w, out);
  if (w.shape.size() != 2)
    invalid(op, "weights " + tname(w) + " must be 2-D, are " + shape_str(w.shape));
  const int32_t units = dim(w, 0);
  const int32_t depth = dim(w, 1);
  if (units < 1 || depth < 1) invalid(op, "empty weights");
  const int64_t in_elems = in.elems();
  if (in_elems % depth != 0) {
    invalid(op, "input " + shape_str(in.shape) + " is not a multiple of the weights' depth " +
                    std::to_string(depth));
  }
  const int64_t batches = in_elems / depth;
  if (out.shape.empty() || out.shape.back() != units || out.elems() != batches * units) {
    invalid(op, "output " + shape_str(out.shape) + " does not match " + std::to_string(batches) +
                    " x " + std::to_string(units));
  }

  float in_scale, out_scale;
  int32_t in_zp, out_zp;
  per_tensor_quant(op, in, "input", &in_scale, &in_zp);
  per_tensor_quant(op, out, "output", &out_scale, &out_zp);
  int32_t w_zp = 0;
  const bool per_channel = w.quant.per_channel();
  if (per_channel && in.dtype != DType::kInt8) {
    unsupported(op, "per-channel weights with int16 activations");
  }
  const auto ws = weight_scales(op, w, units, 0, true, &w_zp);

  std::vector<int32_t> mult, shift;
  if (per_channel) {
    conv_multipliers(ctx, in_scale, ws, out_scale, &mult, &shift);
  } else {
    // GetQuantizedConvolutionMultipler, including its bias-scale sanity check.
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
      const Tensor& b = input(ctx, op, 2);
      if (b.quant.scale.size() == 1) {
        const double product = static_cast<double>(in_scale) * static_cast<double>(ws[0]);
        const double diff = std::abs(product - static_cast<double>(b.quant.scale[0]));
        if (diff / static_cast<double>(out_scale) > 0.02) {
          invalid(op, "bias scale does not match input scale x weights scale");
        }
      }
    }
    const double real = static_cast<double>(in_scale * ws[0]) / static_cast<double>(out_scale);
    int32_t m = 0, s = 0;
    quantize_multiplier(real, &m, &s, ctx.single_rounding());
    mult.assign(static_cast<size_t>(units), m);
    shift.assign(static_cast<size_t>(units), s);
  }
  check_shifts(op, in.dtype, shift);

  hb_fully_connected_params p{};
  p.input_offset = -in_zp;
  p.filter_offset = -w_zp;
  p.output_offset = out_zp;
  activation_range(op, o.activation, out, &p.act_min, &p.act_max);
  if (batches > 0x7FFFFFFF) invalid(op, "too many batches");
  p.batches = static_cast<int32_t>(batches);
  p.accum_depth = depth;
  p.output_depth = units;

  LoweredOp lo;
  lo.opcode = HB_OP_FULLY_CONNECTED;
  const int bias = bias_slot(ctx, op, 2, in.dtype, units, false);
  const std::string base = out.name.empty() ? "op" + std::to_string(op.index) : out.name;
  lo.inputs = {in.index, w.index, bias,
               ctx.add_const_array(base + "/multipliers", DType::kInt32, mult),
               ctx.add_const_array(base + "/shifts", DType::kInt32, shift)};
  lo.outputs = {out.index};
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(out.elems()) * static_cast<uint64_t>(depth);
  return lo;
}

}  // namespace hbc

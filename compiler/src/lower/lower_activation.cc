// lower_activation.cc: SOFTMAX, LOGISTIC, TANH, RELU/RELU6/RELU_N1_TO_1,
// LEAKY_RELU and HARD_SWISH. Parameters are computed as TFLM's Prepare
// functions compute them (tensorflow/lite/micro/kernels/softmax_common.cc,
// logistic_common.cc, tanh.cc, activations_common.cc, leaky_relu_common.cc,
// hard_swish_common.cc), including where they use float rather than double.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "activation_lowering_util.h"
#include "hb/ops/activation.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "hbc/quant_utils.h"

namespace hbc {

namespace {

using act::per_tensor_quant;
using act::TensorQuant;

// Elementwise ops run in place: every kernel reads element i (softmax: the
// whole row) before writing it.
void allow_in_place(LoweredOp& lo) { lo.overlaps.push_back(OverlapHint{0, 0, false}); }

LoweredOp unary_op(uint16_t opcode, const Operator& op) {
  LoweredOp lo;
  lo.opcode = opcode;
  lo.inputs = {op.inputs[0]};
  lo.outputs = {op.outputs[0]};
  return lo;
}

// TFLite's CheckedLog2 (kernel_util): log2 of x rounded, and whether x is a
// power of two to within 1e-3 in the exponent. float arithmetic as TFLite.
bool checked_log2(float x, int* log2_result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float x_log2_rounded = std::round(x_log2);
  const float x_log2_fracpart = x_log2 - x_log2_rounded;
  *log2_result = static_cast<int>(x_log2_rounded);
  return std::abs(x_log2_fracpart) < 1e-3f;
}

// TFLM's gen_lut<float, int16_t, int16_t> (kernels/internal/common.h): 512
// interpolation segments over [input_min, input_max] plus the end point,
// each sample biased by half its midpoint interpolation error.
std::vector<int16_t> gen_lut_s16(float (*func)(float), float input_min, float input_max,
                                 float output_min, float output_max) {
  const int nb_steps = 512;
  std::vector<int16_t> lut(HB_SOFTMAX_LUT_ENTRIES);
  const float step = (input_max - input_min) / nb_steps;
  const float half_step = step / 2;
  const float output_scaling_inv = static_cast<float>(std::numeric_limits<int16_t>::max() -
                                                      std::numeric_limits<int16_t>::min() + 1) /
                                   (output_max - output_min);
  const float table_min = static_cast<float>(std::numeric_limits<int16_t>::min());
  const float table_max = static_cast<float>(std::numeric_limits<int16_t>::max());
  for (int i = 0; i < nb_steps; i++) {
    const float val = func(input_min + i * step);
    const float val_midpoint = func(input_min + i * step + half_step);
    const float val_next = func(input_min + (i + 1) * step);
    const float sample_val = std::round(val * output_scaling_inv);
    const float midpoint_interp_val =
        std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) / 2);
    const float midpoint_val = std::round(val_midpoint * output_scaling_inv);
    const float midpoint_err = midpoint_interp_val - midpoint_val;
    const float bias = std::round(midpoint_err / 2);
    lut[i] = static_cast<int16_t>(
        std::min<float>(std::max<float>(sample_val - bias, table_min), table_max));
  }
  lut[nb_steps] = static_cast<int16_t>(std::min<float>(
      std::max<float>(std::round(func(input_max) * output_scaling_inv), table_min), table_max));
  return lut;
}

float exp_f(float x) { return std::exp(x); }
float one_over_one_plus_x_f(float x) { return 1.0f / (1.0f + x); }

bool near(float a, float b, float eps) { return (a > b ? a - b : b - a) <= eps; }

// LOGISTIC/TANH int8 input scaling (logistic_common.cc / tanh.cc): Q4.27.
hb_logistic_params sigmoid_params_s8(const Operator& op, const TensorQuant& in) {
  constexpr int kInputIntegerBits = 4;
  const double input_real_multiplier =
      static_cast<double>(in.scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(input_real_multiplier, &shift);
  const int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed >= (1LL << 31)) {
    // TFLM casts 2^31 to int32 here (wrapping to INT32_MIN): never emit that.
    unsupported(op, "int8 input scale " + std::to_string(in.scale) +
                        " rounds to a multiplier of 2^31 in TFLM's integer path");
  }
  if (shift < 0 || shift > 30) {
    unsupported(op, "int8 input scale " + std::to_string(in.scale) +
                        " is outside the range TFLM's integer path handles");
  }
  hb_logistic_params p{};
  p.input_zero_point = in.zero_point;
  p.input_multiplier = static_cast<int32_t>(q_fixed);
  p.input_left_shift = shift;
  p.input_range_radius = calculate_input_radius(kInputIntegerBits, shift, 31);
  return p;
}

// LOGISTIC/TANH int16 input scaling: power-of-two scales use a shift only
// (max_pot_shift: 0 for LOGISTIC, 1 for TANH), others a multiplier to
// 1/(3*4096) per unit.
hb_logistic_params sigmoid_params_s16(const Operator& op, const TensorQuant& in,
                                      const TensorQuant& out, int max_pot_shift) {
  constexpr int kInputIntegerBits = 3;
  constexpr int kOutputFractionalBits = 15;
  if (in.zero_point != 0 || out.zero_point != 0) {
    unsupported(op, "int16 needs zero points 0 (input " + std::to_string(in.zero_point) +
                        ", output " + std::to_string(out.zero_point) + ")");
  }
  hb_logistic_params p{};
  int input_scale_log2_rounded = 0;
  bool param_scale_pot = checked_log2(in.scale, &input_scale_log2_rounded);
  int left_shift = (15 - kInputIntegerBits) + input_scale_log2_rounded;
  param_scale_pot &= (left_shift >= 0 && left_shift <= max_pot_shift);
  if (param_scale_pot) {
    p.input_multiplier = 0;
  } else {
    double multiplier = static_cast<double>(in.scale) * 4096.0 * 3.0;
    left_shift = 0;
    while (multiplier <= 32767.0 / 2.0 && left_shift <= 30) {
      left_shift++;
      multiplier = multiplier * 2.0;
    }
    if (multiplier > 32767.0) {
      unsupported(op, "int16 input scale " + std::to_string(in.scale) + " is too large (> 2.67)");
    }
    p.input_multiplier = static_cast<int32_t>(multiplier);
  }
  p.input_left_shift = left_shift;
  int output_scale_log2_rounded = 0;
  if (!checked_log2(out.scale, &output_scale_log2_rounded) ||
      output_scale_log2_rounded != -kOutputFractionalBits) {
    unsupported(op, "int16 output scale must be 2^-15, got " + std::to_string(out.scale));
  }
  return p;
}

// Lowering of LOGISTIC (is_tanh = false) and TANH.
LoweredOp lower_sigmoid_family(LowerContext& ctx, const Operator& op, bool is_tanh) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (in->dtype != out->dtype || (in->dtype != DType::kInt8 && in->dtype != DType::kInt16)) {
    unsupported(op, act::dtype_pair(*in, *out) + " (int8 -> int8 and int16 -> int16 only)");
  }
  const TensorQuant qi = per_tensor_quant(op, *in, "input");
  const TensorQuant qo = per_tensor_quant(op, *out, "output");
  LoweredOp lo = unary_op(is_tanh ? HB_OP_TANH : HB_OP_LOGISTIC, op);
  hb_logistic_params p{};
  if (in->dtype == DType::kInt8) {
    // The kernels produce scale 1/256 zp -128 (logistic) or 1/128 zp 0 (tanh).
    const float want_scale = is_tanh ? 1.0f / 128 : 1.0f / 256;
    const int32_t want_zp = is_tanh ? 0 : -128;
    if (qo.zero_point != want_zp || !near(qo.scale, want_scale, 0.001f * want_scale)) {
      unsupported(op, std::string("int8 output must have scale ") + (is_tanh ? "1/128" : "1/256") +
                          " and zero point " + std::to_string(want_zp) + ", got " +
                          std::to_string(qo.scale) + " and " + std::to_string(qo.zero_point));
    }
    p = sigmoid_params_s8(op, qi);
  } else {
    p = sigmoid_params_s16(op, qi, qo, is_tanh ? 1 : 0);
  }
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(in->elems());
  allow_in_place(lo);
  return lo;
}

}  // namespace

LoweredOp lower_softmax(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (in->shape.empty()) invalid(op, "input must have at least one dimension");
  const TensorQuant qi = per_tensor_quant(op, *in, "input");
  const TensorQuant qo = per_tensor_quant(op, *out, "output");
  const int64_t depth = in->shape.back();
  const int64_t elems = in->elems();
  const double beta = static_cast<double>(op.options.beta);
  hb_softmax_params p{};
  LoweredOp lo = unary_op(HB_OP_SOFTMAX, op);
  lo.macs = static_cast<uint64_t>(2 * elems);

  if (in->dtype == DType::kInt8 && (out->dtype == DType::kInt8 || out->dtype == DType::kInt16)) {
    if (out->dtype == DType::kInt8) {
      if (qo.zero_point != -128 || qo.scale != 1.0f / 256) {
        unsupported(op, "int8 output must have scale 1/256 and zero point -128, got " +
                            std::to_string(qo.scale) + " and " + std::to_string(qo.zero_point));
      }
    } else if (qo.zero_point != -32768 || !near(qo.scale, 1.0f / 65536, 0.001f * 1.0f / 65536)) {
      unsupported(op,
                  "int16 output of an int8 softmax must have scale 1/65536 and zero point "
                  "-32768, got " +
                      std::to_string(qo.scale) + " and " + std::to_string(qo.zero_point));
    }
    if (depth >= 4096) {
      unsupported(op, "int8 softmax over " + std::to_string(depth) +
                          " classes: the fixed-point sum overflows beyond 4095");
    }
    constexpr int kScaledDiffIntegerBits = 5;
    if (!(beta * static_cast<double>(qi.scale) * (1 << (31 - kScaledDiffIntegerBits)) > 1.0)) {
      unsupported(op,
                  "beta * input scale is below 2^-26 (TFLM's PreprocessSoftmaxScaling "
                  "rejects it)");
    }
    int32_t shift = 0;
    if (ctx.single_rounding()) {
      // TFLITE_SINGLE_ROUNDING caps the real multiplier at 2^30 - 1 so the
      // shift stays <= 30.
      const double real =
          std::min(beta * static_cast<double>(qi.scale) * (1 << (31 - kScaledDiffIntegerBits)),
                   (1LL << 30) - 1.0);
      quantize_multiplier_greater_than_one(real, &p.input_multiplier, &shift);
    } else {
      preprocess_softmax_scaling(beta, static_cast<double>(qi.scale), kScaledDiffIntegerBits,
                                 &p.input_multiplier, &shift);
    }
    p.input_left_shift = shift;
    p.diff_min =
        static_cast<int32_t>(-1.0 * calculate_input_radius(kScaledDiffIntegerBits, shift, 31));
    // Differences are >= -255 in int8; diff_min below that changes nothing.
    p.diff_min = std::max(p.diff_min, -255);
    lo.set_params(p);
    if (out->dtype == DType::kInt8) allow_in_place(lo);
    return lo;
  }

  if (in->dtype == DType::kInt16 && out->dtype == DType::kInt16) {
    if (qo.zero_point != 0 || !near(qo.scale, 1.0f / 32768, 0.001f * 1.0f / 32768)) {
      unsupported(op, "int16 output must have scale 1/32768 and zero point 0, got " +
                          std::to_string(qo.scale) + " and " + std::to_string(qo.zero_point));
    }
    if (depth > 65535) {
      unsupported(op, "int16 softmax over more than 65535 classes");
    }
    // Scale differences so that [-65535, 0] maps to [-10, 0].
    const double rescale = static_cast<double>(qi.scale) * beta / (10.0 / 65535.0);
    int32_t shift = 0;
    quantize_multiplier(rescale, &p.input_multiplier, &shift, ctx.single_rounding());
    if (shift > 14) {
      unsupported(op, "int16 input scale * beta = " + std::to_string(qi.scale * op.options.beta) +
                          " is too large for the integer softmax");
    }
    p.input_left_shift = shift;
    p.diff_min = 0;
    lo.set_params(p);
    const int in_index = op.inputs[0];
    const std::vector<int16_t> exp_lut = gen_lut_s16(exp_f, -10.0f, 0.0f, -1.0f, 1.0f);
    const std::vector<int16_t> recip_lut =
        gen_lut_s16(one_over_one_plus_x_f, 0.0f, 1.0f, -1.0f, 1.0f);
    const std::string base = "softmax" + std::to_string(op.index);
    const int exp_id = ctx.add_const_array(base + "/exp_lut", DType::kInt16, exp_lut);
    const int recip_id =
        ctx.add_const_array(base + "/one_over_one_plus_x_lut", DType::kInt16, recip_lut);
    lo.inputs = {in_index, exp_id, recip_id};
    allow_in_place(lo);
    return lo;
  }

  unsupported(
      op, act::dtype_pair(*in, *out) + " (int8 -> int8, int8 -> int16 and int16 -> int16 only)");
}

LoweredOp lower_logistic(LowerContext& ctx, const Operator& op) {
  return lower_sigmoid_family(ctx, op, false);
}

LoweredOp lower_tanh(LowerContext& ctx, const Operator& op) {
  return lower_sigmoid_family(ctx, op, true);
}

// RELU (19), RELU_N1_TO_1 (20), RELU6 (21).
LoweredOp lower_relu(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (in->dtype != out->dtype || (in->dtype != DType::kInt8 && in->dtype != DType::kInt16)) {
    unsupported(op, act::dtype_pair(*in, *out) + " (int8 -> int8 and int16 -> int16 only)");
  }
  const TensorQuant qi = per_tensor_quant(op, *in, "input");
  const TensorQuant qo = per_tensor_quant(op, *out, "output");
  if (in->dtype == DType::kInt16 && (qi.zero_point != 0 || qo.zero_point != 0)) {
    unsupported(op, "int16 needs zero points 0");
  }
  int32_t lo_lim = 0, hi_lim = 0;
  act::dtype_limits(in->dtype, &lo_lim, &hi_lim);
  hb_relu_params p{};
  const bool same_quant = qi.scale == qo.scale && qi.zero_point == qo.zero_point;

  if (op.builtin_code == 21 && (same_quant || !ctx.single_rounding())) {
    // TFLM's Relu6 clamps in the input's quantized domain, to
    // [zp, FloatToQuantizedType(6)], without requantizing (also when the
    // output scale differs). An exact identity multiplier expresses it.
    p.input_offset = 0;
    p.output_offset = 0;
    p.output_multiplier = 1 << 30;
    p.output_shift = 1;
    p.act_min = qi.zero_point;
    const double six = std::round(6.0f / qi.scale) + qi.zero_point;
    p.act_max = static_cast<int32_t>(std::min<double>(std::max<double>(six, lo_lim), hi_lim));
  } else {
    // TFLM's CalculateReluOpData (RELU); TFLite's QuantizedReluX for RELU6
    // and RELU_N1_TO_1 (not in TFLM): requantize, then clamp.
    const double real = static_cast<double>(qi.scale) / static_cast<double>(qo.scale);
    quantize_multiplier(real, &p.output_multiplier, &p.output_shift, ctx.single_rounding());
    const int max_shift = in->dtype == DType::kInt8 ? 22 : 14;
    if (p.output_shift > max_shift) {
      unsupported(op, "input/output scale ratio " + std::to_string(real) + " is too large");
    }
    p.input_offset = qi.zero_point;
    p.output_offset = qo.zero_point;
    auto quantize = [&](float f) -> int32_t {
      const float q = std::clamp(std::round(f / qo.scale), -1.0e9f, 1.0e9f);
      return qo.zero_point + static_cast<int32_t>(q);
    };
    if (op.builtin_code == 20) {
      p.act_min = std::max(lo_lim, quantize(-1.0f));
      p.act_max = std::min(hi_lim, quantize(1.0f));
    } else {
      p.act_min = std::max(lo_lim, quantize(0.0f));
      p.act_max = op.builtin_code == 21 ? std::min(hi_lim, quantize(6.0f)) : hi_lim;
    }
    if (p.act_min > p.act_max) invalid(op, "empty activation range");
  }
  LoweredOp lo = unary_op(HB_OP_RELU, op);
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(in->elems());
  allow_in_place(lo);
  return lo;
}

LoweredOp lower_leaky_relu(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (in->dtype != out->dtype || (in->dtype != DType::kInt8 && in->dtype != DType::kInt16)) {
    unsupported(op, act::dtype_pair(*in, *out) + " (int8 -> int8 and int16 -> int16 only)");
  }
  const TensorQuant qi = per_tensor_quant(op, *in, "input");
  const TensorQuant qo = per_tensor_quant(op, *out, "output");
  const float alpha = op.options.alpha;
  if (!(alpha >= 0.0f) || !std::isfinite(alpha)) {
    unsupported(op, "alpha " + std::to_string(alpha) + " (only finite alpha >= 0)");
  }
  hb_leaky_relu_params p{};
  p.input_zero_point = qi.zero_point;
  p.output_zero_point = qo.zero_point;
  // TFLM forms both ratios in float, then widens to double.
  const double alpha_multiplier = static_cast<double>(qi.scale * alpha / qo.scale);
  const double identity_multiplier = static_cast<double>(qi.scale / qo.scale);
  quantize_multiplier(alpha_multiplier, &p.output_multiplier_alpha, &p.output_shift_alpha,
                      ctx.single_rounding());
  quantize_multiplier(identity_multiplier, &p.output_multiplier_identity, &p.output_shift_identity,
                      ctx.single_rounding());
  const int max_shift = in->dtype == DType::kInt8 ? 22 : 14;
  if (p.output_shift_alpha > max_shift || p.output_shift_identity > max_shift) {
    unsupported(op, "input/output scale ratio is too large");
  }
  LoweredOp lo = unary_op(HB_OP_LEAKY_RELU, op);
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(in->elems());
  allow_in_place(lo);
  return lo;
}

LoweredOp lower_hard_swish(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (in->dtype != DType::kInt8 || out->dtype != DType::kInt8) {
    unsupported(op, act::dtype_pair(*in, *out) + " (int8 -> int8 only)");
  }
  const TensorQuant qi = per_tensor_quant(op, *in, "input");
  const TensorQuant qo = per_tensor_quant(op, *out, "output");
  // hard_swish_common.cc, float arithmetic included.
  const float hires_input_scale = (1.0f / 128.0f) * qi.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const double output_multiplier = static_cast<double>(hires_input_scale / qo.scale);
  const double reluish_multiplier = static_cast<double>(hires_input_scale / reluish_scale);
  auto to_q15 = [](int32_t m) -> int16_t {  // DownScaleInt32ToInt16Multiplier
    constexpr int32_t kRoundingOffset = 1 << 15;
    if (m >= std::numeric_limits<int32_t>::max() - kRoundingOffset) return 32767;
    return static_cast<int16_t>((m + kRoundingOffset) >> 16);
  };
  hb_hard_swish_params p{};
  p.input_zero_point = qi.zero_point;
  p.output_zero_point = qo.zero_point;
  int32_t m32 = 0, e = 0;
  quantize_multiplier(output_multiplier, &m32, &e, ctx.single_rounding());
  if (e > 0 || e < -15) {
    unsupported(op, "output multiplier " + std::to_string(output_multiplier) +
                        " outside [2^-16, 1) (TFLM needs exponent <= 0)");
  }
  p.output_multiplier_fixedpoint = to_q15(m32);
  p.output_multiplier_exponent = e;
  quantize_multiplier(reluish_multiplier, &m32, &e, ctx.single_rounding());
  if (e > 15 || e < -15) {
    unsupported(op, "input scale " + std::to_string(qi.scale) + " is out of range");
  }
  p.reluish_multiplier_fixedpoint = to_q15(m32);
  p.reluish_multiplier_exponent = e;
  LoweredOp lo = unary_op(HB_OP_HARD_SWISH, op);
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(2 * in->elems());
  allow_in_place(lo);
  return lo;
}

}  // namespace hbc

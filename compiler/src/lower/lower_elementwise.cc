// lower_elementwise.cc: ADD, SUB (int8, int16) and MUL (int8) ->
// hb_addsub_params / hb_mul_params (hb/ops/elementwise.h), with the
// multipliers computed exactly as TFLM's Prepare functions do: add_common.cc
// (double arithmetic), sub_common.cc (float arithmetic, then widened),
// mul_common.cc (double).
#include <algorithm>
#include <string>

#include "hb/ops/elementwise.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "hbc/quant_utils.h"
#include "k2_quant.h"

namespace hbc {

namespace {

struct Binary {
  const Tensor* in1;
  const Tensor* in2;
  const Tensor* out;
  bool broadcast;  // the inputs' shapes differ from each other or the output
};

// Validates the operand dtypes and that in1/in2 broadcast (NumPy rules, up
// to 4-D) to exactly the output shape.
Binary check_binary(LowerContext& ctx, const Operator& op, bool allow_int16) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) {
    invalid(op, "expected 2 inputs and 1 output");
  }
  Binary b{&input(ctx, op, 0), &input(ctx, op, 1), &output(ctx, op, 0), false};
  k2::require_act_dtype(op, *b.out, allow_int16);
  k2::require_same_dtype(op, *b.in1, *b.out);
  k2::require_same_dtype(op, *b.in2, *b.out);
  for (const Tensor* t : {b.in1, b.in2, b.out}) k2::require_max_rank(op, *t, 4);
  const auto d1 = k2::dims4(b.in1->shape), d2 = k2::dims4(b.in2->shape),
             dout = k2::dims4(b.out->shape);
  for (int d = 0; d < 4; ++d) {
    if (d1[d] != d2[d] && d1[d] != 1 && d2[d] != 1) {
      invalid(op, "shapes " + shape_str(b.in1->shape) + " and " + shape_str(b.in2->shape) +
                      " do not broadcast");
    }
    if (dout[d] != std::max(d1[d], d2[d])) {
      invalid(op, "output shape " + shape_str(b.out->shape) + " is not the broadcast of " +
                      shape_str(b.in1->shape) + " and " + shape_str(b.in2->shape));
    }
  }
  b.broadcast = !(b.in1->shape == b.out->shape && b.in2->shape == b.out->shape);
  return b;
}

LoweredOp finish(const Operator& op, const Binary& b, uint16_t opcode) {
  LoweredOp l;
  l.opcode = opcode;
  l.inputs = {op.inputs[0], op.inputs[1]};
  l.outputs = {op.outputs[0]};
  l.macs = static_cast<uint64_t>(b.out->elems());
  // The kernels read element i of each input before writing output element
  // i; without broadcasting the output may therefore overwrite either input.
  if (!b.broadcast) {
    l.overlaps.push_back(OverlapHint{0, 0, false});
    l.overlaps.push_back(OverlapHint{1, 0, false});
  }
  return l;
}

LoweredOp lower_addsub(LowerContext& ctx, const Operator& op, bool is_sub) {
  const Binary b = check_binary(ctx, op, true);
  const float s1 = k2::scale_of(op, *b.in1), s2 = k2::scale_of(op, *b.in2),
              so = k2::scale_of(op, *b.out);
  hb_addsub_params p{};
  p.input1_offset = -k2::zero_point_of(op, *b.in1);
  p.input2_offset = -k2::zero_point_of(op, *b.in2);
  p.output_offset = k2::zero_point_of(op, *b.out);
  if (b.out->dtype == DType::kInt16 && (p.input1_offset > 32767 || p.input2_offset > 32767)) {
    unsupported(op, "int16 input zero point -32768");
  }
  // 20 bits of headroom for int8, 15 for int16: (x - zp) << left_shift still
  // fits in int32 (TFLM's add_common.cc / sub_common.cc).
  p.left_shift = b.out->dtype == DType::kInt16 ? 15 : 20;
  double real1, real2, real_out;
  if (!is_sub) {
    // add_common.cc: double arithmetic on the widened max scale.
    const double twice_max = 2 * static_cast<double>(std::max(s1, s2));
    real1 = static_cast<double>(s1) / twice_max;
    real2 = static_cast<double>(s2) / twice_max;
    real_out = twice_max / ((1 << p.left_shift) * static_cast<double>(so));
  } else {
    // sub_common.cc: the same formulas evaluated in float, then widened.
    const float twice_max = 2 * std::max(s1, s2);
    real1 = static_cast<double>(s1 / twice_max);
    real2 = static_cast<double>(s2 / twice_max);
    real_out = static_cast<double>(twice_max / ((1 << p.left_shift) * so));
  }
  quantize_multiplier_smaller_than_one_exp(real1, &p.input1_multiplier, &p.input1_shift);
  quantize_multiplier_smaller_than_one_exp(real2, &p.input2_multiplier, &p.input2_shift);
  quantize_multiplier_smaller_than_one_exp(real_out, &p.output_multiplier, &p.output_shift);
  activation_range(op, op.options.activation, *b.out, &p.act_min, &p.act_max);
  LoweredOp l = finish(op, b, is_sub ? HB_OP_SUB : HB_OP_ADD);
  l.set_params(p);
  return l;
}

}  // namespace

LoweredOp lower_add(LowerContext& ctx, const Operator& op) { return lower_addsub(ctx, op, false); }

LoweredOp lower_sub(LowerContext& ctx, const Operator& op) { return lower_addsub(ctx, op, true); }

LoweredOp lower_mul(LowerContext& ctx, const Operator& op) {
  const Binary b = check_binary(ctx, op, false);
  hb_mul_params p{};
  p.input1_offset = -k2::zero_point_of(op, *b.in1);
  p.input2_offset = -k2::zero_point_of(op, *b.in2);
  p.output_offset = k2::zero_point_of(op, *b.out);
  // mul_common.cc: product of the widened scales.
  const double real = static_cast<double>(k2::scale_of(op, *b.in1)) *
                      static_cast<double>(k2::scale_of(op, *b.in2)) /
                      static_cast<double>(k2::scale_of(op, *b.out));
  quantize_multiplier(real, &p.output_multiplier, &p.output_shift, ctx.single_rounding());
  if (p.output_shift < -31 || p.output_shift > 30) {
    unsupported(op, "requantization shift " + std::to_string(p.output_shift) + " out of range");
  }
  activation_range(op, op.options.activation, *b.out, &p.act_min, &p.act_max);
  LoweredOp l = finish(op, b, HB_OP_MUL);
  l.set_params(p);
  return l;
}

}  // namespace hbc

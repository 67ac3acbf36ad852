// lower_quantize.cc: QUANTIZE and DEQUANTIZE, parameters as TFLM's
// quantize_common.cc / dequantize_common.cc compute them.
#include <cstdint>
#include <string>

#include "activation_lowering_util.h"
#include "hb/ops/quantize.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "hbc/quant_utils.h"

namespace hbc {

LoweredOp lower_quantize(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if (out->dtype != DType::kInt8 && out->dtype != DType::kInt16) {
    unsupported(op, act::dtype_pair(*in, *out) + " (outputs int8 or int16 only)");
  }
  const act::TensorQuant qo = act::per_tensor_quant(op, *out, "output");
  hb_quantize_params p{};
  p.output_zero_point = qo.zero_point;
  if (in->dtype == DType::kFloat32) {
    p.output_scale = qo.scale;
  } else if (in->dtype == DType::kInt8 || in->dtype == DType::kInt16) {
    const act::TensorQuant qi = act::per_tensor_quant(op, *in, "input");
    p.input_zero_point = qi.zero_point;
    const double effective_scale = static_cast<double>(qi.scale) / static_cast<double>(qo.scale);
    quantize_multiplier(effective_scale, &p.output_multiplier, &p.output_shift,
                        ctx.single_rounding());
    const int max_shift = in->dtype == DType::kInt8 ? 22 : 14;
    if (p.output_shift > max_shift) {
      unsupported(op,
                  "input/output scale ratio " + std::to_string(effective_scale) + " is too large");
    }
  } else {
    unsupported(op, act::dtype_pair(*in, *out) +
                        " (float32, int8 or int16 input to int8 or int16 output only)");
  }
  LoweredOp lo;
  lo.opcode = HB_OP_QUANTIZE;
  lo.inputs = {op.inputs[0]};
  lo.outputs = {op.outputs[0]};
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(in->elems());
  // The kernels read element i before writing element i and never widen in
  // place: output elements no larger than input ones may share the buffer.
  if (dtype_size(out->dtype) <= dtype_size(in->dtype))
    lo.overlaps.push_back(OverlapHint{0, 0, false});
  return lo;
}

LoweredOp lower_dequantize(LowerContext& ctx, const Operator& op) {
  const Tensor *in = nullptr, *out = nullptr;
  act::unary_io(ctx, op, &in, &out);
  if ((in->dtype != DType::kInt8 && in->dtype != DType::kInt16) || out->dtype != DType::kFloat32) {
    unsupported(op, act::dtype_pair(*in, *out) + " (int8 or int16 -> float32 only)");
  }
  const act::TensorQuant qi = act::per_tensor_quant(op, *in, "input");
  hb_dequantize_params p{};
  p.scale = qi.scale;
  p.zero_point = qi.zero_point;
  LoweredOp lo;
  lo.opcode = HB_OP_DEQUANTIZE;
  lo.inputs = {op.inputs[0]};
  lo.outputs = {op.outputs[0]};
  lo.set_params(p);
  lo.macs = static_cast<uint64_t>(in->elems());
  return lo;  // widening: never in place
}

}  // namespace hbc

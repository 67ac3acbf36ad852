// lower_reduce.cc: MEAN (int8) -> hb_mean_params (hb/ops/reduce.h). The
// axis tensor is resolved here (negative axes, duplicates) the way TFLite's
// reference ResolveAxis does; the arithmetic mode is the path TFLM's
// reduce_common.cc would take.
#include <algorithm>
#include <string>
#include <vector>

#include "hb/ops/reduce.h"
#include "hb/plan_format.h"
#include "hbc/lower.h"
#include "hbc/quant_utils.h"
#include "k2_quant.h"

namespace hbc {

namespace {

// Older TFLM releases (reduce.cc before the reduce_common.cc rewrite) ran
// int8 MEAN over axes {1,2} of a 4-D input with keep_dims through
// reference_integer_ops::Mean, which rounds differently; current TFLM sends
// every int8 MEAN through reference_ops::Mean / QuantizedMeanOrSum. The
// SPATIAL mode reproduces the old path when this is set.
constexpr bool kLegacySpatialMean = false;

// TFLite's reference_ops::Mean truncates when input and output quantization
// are equal; TFLM's int8 MEAN (checked against TFLM's own interpreter, the
// tflite-micro package, on the oracle case mean_hw_keep_sameq) always takes
// QuantizedMeanOrSum, which rounds. Off to match TFLM.
constexpr bool kTruncatingSameQuantMean = false;

int floor_log2(int64_t v) {
  int r = -1;
  while (v > 0) {
    v >>= 1;
    ++r;
  }
  return r;
}

}  // namespace

LoweredOp lower_mean(LowerContext& ctx, const Operator& op) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) {
    invalid(op, "expected 2 inputs (data, axis) and 1 output");
  }
  const Tensor& in = input(ctx, op, 0);
  const Tensor& axis_t = input(ctx, op, 1);
  const Tensor& out = output(ctx, op, 0);
  k2::require_act_dtype(op, in, false);
  k2::require_same_dtype(op, in, out);
  k2::require_max_rank(op, in, 4);
  const std::vector<int64_t> raw_axes = k2::const_ints(op, axis_t, "axis", false);
  const int ndim = static_cast<int>(in.shape.size());
  if (ndim == 0) unsupported(op, "MEAN of a scalar");

  // ResolveAxis: wrap negatives, drop duplicates.
  std::vector<int> axes;
  for (int64_t a : raw_axes) {
    const int64_t r = a < 0 ? a + ndim : a;
    if (r < 0 || r >= ndim) {
      invalid(op, "axis " + std::to_string(a) + " out of range for " + shape_str(in.shape));
    }
    if (std::find(axes.begin(), axes.end(), static_cast<int>(r)) == axes.end()) {
      axes.push_back(static_cast<int>(r));
    }
  }

  // Expected output shape and the 4-D reduce mask.
  std::vector<int32_t> want;
  uint8_t mask = 0;
  int64_t count = 1;
  for (int d = 0; d < ndim; ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (reduced) {
      mask = static_cast<uint8_t>(mask | (1u << (d + 4 - ndim)));
      count *= in.shape[static_cast<size_t>(d)];
      if (op.options.keep_dims) want.push_back(1);
    } else {
      want.push_back(in.shape[static_cast<size_t>(d)]);
    }
  }
  if (out.shape != want && !(want.empty() && out.elems() == 1)) {
    invalid(op, "output shape " + shape_str(out.shape) + " does not match the reduced shape " +
                    shape_str(want));
  }
  if (count > (1 << 23)) unsupported(op, "more than 2^23 elements reduced per output");

  const float si = k2::scale_of(op, in), so = k2::scale_of(op, out);
  hb_mean_params p{};
  p.reduce_mask = mask;
  p.input_zero_point = k2::zero_point_of(op, in);
  p.output_zero_point = k2::zero_point_of(op, out);
  p.count = static_cast<int32_t>(count);

  const bool spatial =
      kLegacySpatialMean && op.options.keep_dims && ndim == 4 && raw_axes.size() == 2 &&
      ((raw_axes[0] == 1 && raw_axes[1] == 2) || (raw_axes[0] == 2 && raw_axes[1] == 1));
  // PrepareMeanOrSum: real multiplier in double.
  const double real = static_cast<double>(si) / static_cast<double>(so);
  int32_t m = 0, s = 0;
  quantize_multiplier(real, &m, &s, ctx.single_rounding());
  if (spatial) {
    p.mode = HB_MEAN_SPATIAL;
    p.multiplier = m;
    p.shift = s;
  } else if (kTruncatingSameQuantMean && p.input_zero_point == p.output_zero_point && si == so) {
    p.mode = HB_MEAN_TRUNC;
  } else {
    // QuantizedMeanOrSum folds 1/count into the multiplier: shift by
    // floor(log2(count)) (capped at 32 and so the final shift stays >= -31),
    // then divide with truncation.
    int shift = std::min(floor_log2(count), 32);
    shift = std::min(shift, 31 + s);
    if (shift < 0) unsupported(op, "input/output scale ratio too small to requantize");
    p.mode = HB_MEAN_REQUANT;
    p.multiplier = static_cast<int32_t>((static_cast<int64_t>(m) << shift) / count);
    p.shift = s - shift;
  }
  if (p.mode != HB_MEAN_TRUNC && (p.shift < -31 || p.shift > 30)) {
    unsupported(op, "requantization shift " + std::to_string(p.shift) + " out of range");
  }

  LoweredOp l;
  l.opcode = HB_OP_MEAN;
  l.inputs = {op.inputs[0]};
  l.outputs = {op.outputs[0]};
  l.set_params(p);
  l.scratch_bytes = static_cast<uint32_t>(out.elems()) * 4u;  // one int32 sum per output
  l.macs = static_cast<uint64_t>(in.elems());
  return l;
}

}  // namespace hbc

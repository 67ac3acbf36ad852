// Tests for lower_quantize.cc with the QUANTIZE/DEQUANTIZE kernels:
// round-half-away-from-zero, saturation, requantization in both rounding
// modes, and dequantization values.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <vector>

#include "hb/ops/quantize.h"
#include "hb/plan_format.h"
#include "hbc/error.h"
#include "hbc/lower.h"

namespace {

hbc::LoweredOp lower_one(int builtin, hbc::DType in_dt, float in_scale, int64_t in_zp,
                         hbc::DType out_dt, float out_scale, int64_t out_zp,
                         hbc::Rounding r = hbc::Rounding::kDouble) {
  hbc::Model model;
  model.tensors.resize(2);
  for (int i = 0; i < 2; ++i) {
    hbc::Tensor& t = model.tensors[i];
    t.index = i;
    t.dtype = i ? out_dt : in_dt;
    t.shape = {8};
    if ((i ? out_dt : in_dt) != hbc::DType::kFloat32) {
      t.quant.scale = {i ? out_scale : in_scale};
      t.quant.zero_point = {i ? out_zp : in_zp};
    }
  }
  hbc::Operator op;
  op.index = 0;
  op.builtin_code = builtin;
  op.op_name = builtin == 114 ? "QUANTIZE" : "DEQUANTIZE";
  op.inputs = {0};
  op.outputs = {1};
  hbc::LowerContext ctx(model, r);
  return hbc::find_lowering(builtin)(ctx, op);
}

template <typename T>
T params_of(const hbc::LoweredOp& lo) {
  REQUIRE(lo.params.size() == sizeof(T));
  T p;
  std::memcpy(&p, lo.params.data(), sizeof(T));
  return p;
}

}  // namespace

TEST_CASE("quantize float32 -> int8/int16: halves away from zero, saturating, NaN to zp") {
  const hbc::LoweredOp lo = lower_one(114, hbc::DType::kFloat32, 0, 0, hbc::DType::kInt8, 0.5f, -1);
  CHECK(lo.overlaps.size() == 1);  // narrowing may run in place
  const hb_quantize_params p = params_of<hb_quantize_params>(lo);
  const float in[8] = {1.25f, -1.25f, 0.74f, 1000.0f, -1000.0f, std::nanf(""), 0.0f, 0.2499999f};
  int8_t out[8];
  hb_quantize_f32_s8(in, out, 8, &p);
  CHECK(out[0] == 3 - 1);   // 2.5 -> 3
  CHECK(out[1] == -3 - 1);  // -2.5 -> -3
  CHECK(out[2] == 1 - 1);   // 1.48 -> 1
  CHECK(out[3] == 127);
  CHECK(out[4] == -128);
  CHECK(out[5] == -1);
  CHECK(out[6] == -1);
  CHECK(out[7] == 0 - 1);  // 0.4999998 -> 0 (a naive +0.5 would give 1)
  const hb_quantize_params p16 = params_of<hb_quantize_params>(
      lower_one(114, hbc::DType::kFloat32, 0, 0, hbc::DType::kInt16, 1.0f / 1024, 0));
  int16_t out16[8];
  hb_quantize_f32_s16(in, out16, 8, &p16);
  CHECK(out16[0] == 1280);
  CHECK(out16[3] == 32767);
  CHECK(out16[4] == -32768);
}

TEST_CASE("quantize int -> int requantizes with the rounding mode") {
  // Scale ratio 3/4 from int8 to int8. Ties: single rounding rounds half up;
  // gemmlowp's doubling high multiply rounds negative ties toward zero, so
  // -1.5 -> -1 and 1.5 -> 2 in both modes here.
  for (hbc::Rounding r : {hbc::Rounding::kDouble, hbc::Rounding::kSingle}) {
    const int single = r == hbc::Rounding::kSingle;
    const hb_quantize_params p = params_of<hb_quantize_params>(
        lower_one(114, hbc::DType::kInt8, 0.75f, 10, hbc::DType::kInt8, 1.0f, -5, r));
    const int8_t in[8] = {10, 12, 8, 127, -128, 11, 9, 14};
    int8_t out[8];
    hb_requantize_s8_s8(in, out, 8, &p, single);
    CHECK(out[0] == -5);
    CHECK(out[1] == -5 + 2);    // 1.5 -> 2 in both modes
    CHECK(out[2] == -5 - 1);    // -1.5 -> -1
    CHECK(out[3] == -5 + 88);   // 117 * 0.75 = 87.75 -> 88
    CHECK(out[4] == -5 - 103);  // -138 * 0.75 = -103.5 -> -103
    CHECK(out[7] == -5 + 3);
  }
  const hb_quantize_params w = params_of<hb_quantize_params>(
      lower_one(114, hbc::DType::kInt8, 0.5f, 0, hbc::DType::kInt16, 0.5f / 256, 0));
  const int8_t in8[2] = {-128, 127};
  int16_t out16[2];
  hb_requantize_s8_s16(in8, out16, 2, &w, 0);
  CHECK(out16[0] == -32768);
  CHECK(out16[1] == 32512);
  const hb_quantize_params n = params_of<hb_quantize_params>(
      lower_one(114, hbc::DType::kInt16, 1.0f / 256, 0, hbc::DType::kInt8, 1.0f, 0));
  const int16_t in16[2] = {-32768, 640};
  int8_t out8[2];
  hb_requantize_s16_s8(in16, out8, 2, &n, 0);
  CHECK(out8[0] == -128);
  CHECK(out8[1] == 3);  // 2.5 -> 3
  int16_t same[2];
  const hb_quantize_params s = params_of<hb_quantize_params>(
      lower_one(114, hbc::DType::kInt16, 0.25f, 0, hbc::DType::kInt16, 0.5f, 0));
  hb_requantize_s16_s16(in16, same, 2, &s, 0);
  CHECK(same[0] == -16384);
  CHECK(same[1] == 320);
  CHECK_THROWS_AS(lower_one(114, hbc::DType::kUInt8, 1.0f, 0, hbc::DType::kInt8, 1.0f, 0),
                  hbc::CompileError);
}

TEST_CASE("dequantize int8/int16 -> float32") {
  const hbc::LoweredOp lo = lower_one(6, hbc::DType::kInt8, 0.1f, -3, hbc::DType::kFloat32, 0, 0);
  CHECK(lo.overlaps.empty());
  const hb_dequantize_params p = params_of<hb_dequantize_params>(lo);
  const int8_t in[3] = {-3, 7, -128};
  float out[3];
  hb_dequantize_s8_f32(in, out, 3, &p);
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == static_cast<float>(static_cast<double>(0.1f) * 10));
  CHECK(out[2] == static_cast<float>(static_cast<double>(0.1f) * -125));
  const hb_dequantize_params p16 = params_of<hb_dequantize_params>(
      lower_one(6, hbc::DType::kInt16, 1.0f / 32768, 0, hbc::DType::kFloat32, 0, 0));
  const int16_t in16[2] = {-32768, 16384};
  float out16[2];
  hb_dequantize_s16_f32(in16, out16, 2, &p16);
  CHECK(out16[0] == -1.0f);
  CHECK(out16[1] == 0.5f);
}

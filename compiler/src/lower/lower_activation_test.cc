// Tests for lower_activation.cc together with the runtime kernels it feeds:
// TFLM golden softmax outputs (the last layer of kws, vww and ic), accuracy
// against the real functions, saturation ends, and both rounding modes.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "hb/ops/activation.h"
#include "hb/plan_format.h"
#include "hbc/error.h"
#include "hbc/lower.h"

namespace {

using hbc::DType;

// A one-operator model: tensor 0 -> op -> tensor 1.
struct OneOp {
  hbc::Model model;
  hbc::Operator op;
  OneOp(int builtin, const char* name, DType in_dt, float in_scale, int64_t in_zp, DType out_dt,
        float out_scale, int64_t out_zp, std::vector<int32_t> shape) {
    model.tensors.resize(2);
    for (int i = 0; i < 2; ++i) {
      hbc::Tensor& t = model.tensors[i];
      t.index = i;
      t.name = i ? "out" : "in";
      t.dtype = i ? out_dt : in_dt;
      t.shape = shape;
      t.quant.scale = {i ? out_scale : in_scale};
      t.quant.zero_point = {i ? out_zp : in_zp};
    }
    model.tensors.reserve(8);
    op.index = 0;
    op.builtin_code = builtin;
    op.op_name = name;
    op.inputs = {0};
    op.outputs = {1};
  }
  hbc::LoweredOp lower(hbc::Rounding r = hbc::Rounding::kDouble) {
    hbc::LowerContext ctx(model, r);
    return hbc::find_lowering(op.builtin_code)(ctx, op);
  }
};

template <typename T>
T params_of(const hbc::LoweredOp& lo) {
  REQUIRE(lo.params.size() == sizeof(T));
  T p;
  std::memcpy(&p, lo.params.data(), sizeof(T));
  return p;
}

std::vector<int8_t> read_s8(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return std::vector<int8_t>(b.begin(), b.end());
}

std::vector<int8_t> all_s8() {
  std::vector<int8_t> v;
  for (int i = -128; i <= 127; ++i) v.push_back(static_cast<int8_t>(i));
  return v;
}

struct GoldenSoftmax {
  const char* model;
  const char* in_file;   // the FULLY_CONNECTED output feeding SOFTMAX
  const char* out_file;  // TFLM's SOFTMAX output
  float in_scale;
  int in_zp;
  int classes;
};

}  // namespace

TEST_CASE("softmax int8: bit-exact with TFLM golden tensors of kws, vww and ic") {
  const GoldenSoftmax cases[] = {
      {"kws_ref_model", "011_FULLY_CONNECTED.bin", "012_SOFTMAX.bin", 0.14469251036643982f, 14, 12},
      {"vww_96_int8", "029_FULLY_CONNECTED.bin", "030_SOFTMAX.bin", 0.014636218547821045f, -5, 2},
      {"pretrainedResnet_quant", "014_FULLY_CONNECTED.bin", "015_SOFTMAX.bin", 0.17185351252555847f,
       24, 10},
  };
  for (const GoldenSoftmax& g : cases) {
    const std::string dir = std::string(HB_SHARED_DIR) + "/golden/" + g.model + "/lcg.tensors/";
    const std::vector<int8_t> in = read_s8(dir + g.in_file);
    const std::vector<int8_t> want = read_s8(dir + g.out_file);
    if (in.empty() || want.empty()) {
      MESSAGE("SKIPPED: golden tensors missing under " << dir);
      continue;
    }
    CAPTURE(g.model);
    REQUIRE(static_cast<int>(in.size()) == g.classes);
    OneOp m(25, "SOFTMAX", DType::kInt8, g.in_scale, g.in_zp, DType::kInt8, 1.0f / 256, -128,
            {1, g.classes});
    m.op.options.beta = 1.0f;
    const hbc::LoweredOp lo = m.lower();
    CHECK(lo.opcode == HB_OP_SOFTMAX);
    REQUIRE(lo.overlaps.size() == 1);
    const hb_softmax_params p = params_of<hb_softmax_params>(lo);
    std::vector<int8_t> got(in.size());
    hb_softmax_s8(in.data(), got.data(), 1, g.classes, &p, 0);
    CHECK(got == want);
    // In place gives the same bytes.
    std::vector<int8_t> inplace = in;
    hb_softmax_s8(inplace.data(), inplace.data(), 1, g.classes, &p, 0);
    CHECK(inplace == want);
  }
}

TEST_CASE("softmax int8: hand-checked rows, saturation and int16 output") {
  OneOp m(25, "SOFTMAX", DType::kInt8, 0.1f, 0, DType::kInt8, 1.0f / 256, -128, {2, 4});
  const hb_softmax_params p = params_of<hb_softmax_params>(m.lower());
  CHECK(p.input_multiplier >= (1 << 30));
  CHECK(p.diff_min < 0);
  // Row 0: four equal inputs -> 1/4 each = 64/256 -> 64 - 128 = -64.
  // Row 1: one input far above the rest -> 1.0 saturates at 127, others -128.
  const int8_t in[8] = {5, 5, 5, 5, 127, -128, -128, -128};
  int8_t out[8];
  for (int single = 0; single <= 1; ++single) {
    hb_softmax_s8(in, out, 2, 4, &p, single);
    CHECK(out[0] == -64);
    CHECK(out[3] == -64);
    CHECK(out[4] == 127);
    CHECK(out[5] == -128);
  }
  // int8 -> int16 output: 1/4 = 16384/65536 -> 16384 - 32768.
  OneOp m16(25, "SOFTMAX", DType::kInt8, 0.1f, 0, DType::kInt16, 1.0f / 65536, -32768, {1, 4});
  const hbc::LoweredOp lo16 = m16.lower();
  CHECK(lo16.overlaps.empty());  // widening: never in place
  const hb_softmax_params p16 = params_of<hb_softmax_params>(lo16);
  int16_t out16[4];
  hb_softmax_s8_s16(in, out16, 1, 4, &p16, 0);
  CHECK(out16[0] == 16384 - 32768);
  CHECK(out16[3] == 16384 - 32768);
}

TEST_CASE("softmax: unsupported output quantization and dtypes are rejected") {
  OneOp bad_zp(25, "SOFTMAX", DType::kInt8, 0.1f, 0, DType::kInt8, 1.0f / 256, 0, {1, 4});
  CHECK_THROWS_AS(bad_zp.lower(), hbc::CompileError);
  OneOp bad_dt(25, "SOFTMAX", DType::kInt16, 0.1f, 0, DType::kInt8, 1.0f / 256, -128, {1, 4});
  CHECK_THROWS_AS(bad_dt.lower(), hbc::CompileError);
}

TEST_CASE("softmax int16: LUTs are constant tensors and the result tracks the real softmax") {
  OneOp m(25, "SOFTMAX", DType::kInt16, 1.0f / 4096, 0, DType::kInt16, 1.0f / 32768, 0, {1, 3});
  m.op.options.beta = 1.0f;
  hbc::LowerContext ctx(m.model, hbc::Rounding::kDouble);
  const hbc::LoweredOp lo = hbc::find_lowering(25)(ctx, m.op);
  REQUIRE(lo.inputs.size() == 3);
  const hbc::Tensor& exp_t = m.model.tensors.at(static_cast<size_t>(lo.inputs[1]));
  const hbc::Tensor& rec_t = m.model.tensors.at(static_cast<size_t>(lo.inputs[2]));
  REQUIRE(exp_t.is_const());
  REQUIRE(exp_t.data_size == 513 * 2);
  REQUIRE(rec_t.data_size == 513 * 2);
  std::vector<int16_t> exp_lut(513), rec_lut(513);
  std::memcpy(exp_lut.data(), exp_t.data, 513 * 2);
  std::memcpy(rec_lut.data(), rec_t.data, 513 * 2);
  // Hand-checkable end points: exp(-10) * 32768 = 1.49, then gen_lut's
  // midpoint bias (1 or 2); exp(0) -> 32767 (clamped); 1/(1+0) -> 32767
  // (clamped); 1/(1+1) -> 16384 (the unbiased last entry).
  CHECK((exp_lut[0] == 1 || exp_lut[0] == 2));
  CHECK(exp_lut[512] == 32767);
  CHECK(rec_lut[0] == 32767);
  CHECK(rec_lut[512] == 16384);
  const hb_softmax_params p = params_of<hb_softmax_params>(lo);
  const int16_t in[3] = {4096, 0, -4096};  // 1.0, 0.0, -1.0
  int16_t out[3];
  hb_softmax_s16(in, out, 1, 3, &p, exp_lut.data(), rec_lut.data(), 0);
  const double e0 = std::exp(1.0), e1 = 1.0, e2 = std::exp(-1.0), s = e0 + e1 + e2;
  CHECK(std::abs(out[0] - e0 / s * 32768) < 40);
  CHECK(std::abs(out[1] - e1 / s * 32768) < 40);
  CHECK(std::abs(out[2] - e2 / s * 32768) < 40);
}

TEST_CASE("logistic and tanh int8: within one LSB of the real function, saturating ends") {
  const float in_scale = 0.05f;
  const int in_zp = 3;
  for (int is_tanh = 0; is_tanh <= 1; ++is_tanh) {
    CAPTURE(is_tanh);
    OneOp m(is_tanh ? 28 : 14, is_tanh ? "TANH" : "LOGISTIC", DType::kInt8, in_scale, in_zp,
            DType::kInt8, is_tanh ? 1.0f / 128 : 1.0f / 256, is_tanh ? 0 : -128, {256});
    for (hbc::Rounding r : {hbc::Rounding::kDouble, hbc::Rounding::kSingle}) {
      const hbc::LoweredOp lo = m.lower(r);
      const hb_logistic_params p = params_of<hb_logistic_params>(lo);
      CHECK(p.input_zero_point == in_zp);
      CHECK(p.input_range_radius > 0);
      const std::vector<int8_t> in = all_s8();
      std::vector<int8_t> out(256);
      const int single = r == hbc::Rounding::kSingle;
      if (is_tanh)
        hb_tanh_s8(in.data(), out.data(), 256, &p, single);
      else
        hb_logistic_s8(in.data(), out.data(), 256, &p, single);
      for (int i = 0; i < 256; ++i) {
        const double x = in_scale * (in[i] - in_zp);
        const double want = is_tanh ? std::tanh(x) * 128 : 1.0 / (1.0 + std::exp(-x)) * 256 - 128;
        CHECK(std::fabs(out[i] - std::min(want, 127.0)) <= 1.0);
      }
    }
  }
  // A coarse input scale reaches the saturation branches: radius < 128.
  OneOp big(14, "LOGISTIC", DType::kInt8, 1.0f, 0, DType::kInt8, 1.0f / 256, -128, {2});
  const hb_logistic_params p = params_of<hb_logistic_params>(big.lower());
  CHECK(p.input_range_radius < 128);
  const int8_t in[2] = {-128, 127};
  int8_t out[2];
  hb_logistic_s8(in, out, 2, &p, 0);
  CHECK(out[0] == -128);
  CHECK(out[1] == 127);
  // Wrong output quantization is refused rather than computed wrongly.
  OneOp bad(14, "LOGISTIC", DType::kInt8, 0.05f, 0, DType::kInt8, 1.0f / 128, 0, {2});
  CHECK_THROWS_AS(bad.lower(), hbc::CompileError);
}

TEST_CASE("logistic and tanh int16: power-of-two and general scales track the real function") {
  for (int is_tanh = 0; is_tanh <= 1; ++is_tanh) {
    for (float scale : {1.0f / 4096, 1.0f / 5000}) {
      CAPTURE(is_tanh);
      CAPTURE(scale);
      OneOp m(is_tanh ? 28 : 14, "ACT", DType::kInt16, scale, 0, DType::kInt16, 1.0f / 32768, 0,
              {9});
      const hb_logistic_params p = params_of<hb_logistic_params>(m.lower());
      if (scale == 1.0f / 4096) CHECK(p.input_multiplier == 0);  // 2^-12: the POT path
      const int16_t in[9] = {-32768, -20000, -4096, -1, 0, 1, 4096, 20000, 32767};
      int16_t out[9];
      if (is_tanh)
        hb_tanh_s16(in, out, 9, &p);
      else
        hb_logistic_s16(in, out, 9, &p);
      for (int i = 0; i < 9; ++i) {
        const double x = scale * in[i];
        const double want = is_tanh ? std::tanh(x) * 32768 : 1.0 / (1.0 + std::exp(-x)) * 32768;
        CHECK(std::fabs(out[i] - std::min(want, 32767.0)) <= 12);
      }
    }
  }
}

TEST_CASE("relu family int8: requantize and clamp") {
  // RELU with different scales: out = max(0, x * 0.5 / 0.25) in real terms.
  OneOp relu(19, "RELU", DType::kInt8, 0.5f, -10, DType::kInt8, 0.25f, -128, {4});
  const hb_relu_params p = params_of<hb_relu_params>(relu.lower());
  CHECK(p.act_min == -128);
  CHECK(p.act_max == 127);
  const int8_t in[4] = {-128, -10, 0, 127};  // real -59, 0, 5, 68.5
  int8_t out[4];
  hb_relu_s8(in, out, 4, &p, 0);
  CHECK(out[0] == -128);
  CHECK(out[1] == -128);
  CHECK(out[2] == -128 + 20);
  CHECK(out[3] == 127);  // 274 saturates
  // RELU6, same quantization in and out: a clamp to [zp, zp + 6/scale].
  OneOp relu6(21, "RELU6", DType::kInt8, 0.1f, -20, DType::kInt8, 0.1f, -20, {4});
  for (hbc::Rounding r : {hbc::Rounding::kDouble, hbc::Rounding::kSingle}) {
    const hb_relu_params q = params_of<hb_relu_params>(relu6.lower(r));
    CHECK(q.act_min == -20);
    CHECK(q.act_max == 40);
    const int8_t in6[4] = {-128, -20, 7, 100};
    hb_relu_s8(in6, out, 4, &q, r == hbc::Rounding::kSingle);
    CHECK(out[0] == -20);
    CHECK(out[1] == -20);
    CHECK(out[2] == 7);
    CHECK(out[3] == 40);
  }
  // RELU_N1_TO_1: [-1, 1] at scale 1/64 -> [-64, 64] around zp 0.
  OneOp relu1(20, "RELU_N1_TO_1", DType::kInt8, 1.0f / 64, 0, DType::kInt8, 1.0f / 64, 0, {3});
  const hb_relu_params r1 = params_of<hb_relu_params>(relu1.lower());
  CHECK(r1.act_min == -64);
  CHECK(r1.act_max == 64);
}

TEST_CASE("leaky relu int8/int16 and hard swish int8") {
  OneOp leaky(98, "LEAKY_RELU", DType::kInt8, 0.1f, 0, DType::kInt8, 0.1f, 0, {4});
  leaky.op.options.alpha = 0.25f;
  const hb_leaky_relu_params p = params_of<hb_leaky_relu_params>(leaky.lower());
  const int8_t in[4] = {-128, -5, 0, 127};
  int8_t out[4];
  for (int single = 0; single <= 1; ++single) {
    hb_leaky_relu_s8(in, out, 4, &p, single);
    CHECK(out[0] == -32);
    CHECK(out[1] == (single ? -1 : -1));  // -1.25 rounds to -1 either way
    CHECK(out[2] == 0);
    CHECK(out[3] == 127);
  }
  OneOp leaky16(98, "LEAKY_RELU", DType::kInt16, 0.001f, 0, DType::kInt16, 0.001f, 0, {2});
  leaky16.op.options.alpha = 0.5f;
  const hb_leaky_relu_params p16 = params_of<hb_leaky_relu_params>(leaky16.lower());
  const int16_t in16[2] = {-32768, 32767};
  int16_t out16[2];
  hb_leaky_relu_s16(in16, out16, 2, &p16, 0);
  CHECK(out16[0] == -16384);
  CHECK(out16[1] == 32767);

  OneOp hs(117, "HARD_SWISH", DType::kInt8, 0.05f, -3, DType::kInt8, 0.04f, -60, {256});
  const hb_hard_swish_params h = params_of<hb_hard_swish_params>(hs.lower());
  const std::vector<int8_t> all = all_s8();
  std::vector<int8_t> y(256);
  hb_hard_swish_s8(all.data(), y.data(), 256, &h);
  for (int i = 0; i < 256; ++i) {
    const double x = 0.05 * (all[i] + 3);
    const double want = x * std::min(6.0, std::max(0.0, x + 3)) / 6 / 0.04 - 60;
    CHECK(std::fabs(y[i] - std::max(-128.0, std::min(127.0, want))) <= 1.0);
  }
}

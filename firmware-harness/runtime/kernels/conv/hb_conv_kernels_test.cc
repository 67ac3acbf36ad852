// Tests for the convolution-family reference kernels (conv, depthwise,
// transpose conv, fully connected; s8 and s16): hand-worked cases, and
// randomized geometries against a naive restatement of TFLM's reference
// loops (different loop structure, same arithmetic definition).
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "hb/ops/conv.h"
#include "hb/quant.h"

namespace {

hb_conv_params conv_params(int stride, int dil, int pad_h, int pad_w, int in_off, int out_off,
                           int lo, int hi, int dm = 1) {
  hb_conv_params p{};
  p.stride_h = p.stride_w = static_cast<int16_t>(stride);
  p.dilation_h = p.dilation_w = static_cast<int16_t>(dil);
  p.pad_h = static_cast<int16_t>(pad_h);
  p.pad_w = static_cast<int16_t>(pad_w);
  p.depth_multiplier = static_cast<int16_t>(dm);
  p.input_offset = in_off;
  p.output_offset = out_off;
  p.act_min = lo;
  p.act_max = hi;
  return p;
}

// Naive CONV_2D / DEPTHWISE: for each output element, gather its taps.
template <typename T, typename B>
std::vector<T> naive_conv(bool depthwise, const hb_conv_params& p, const hb_requant& rq,
                          const hb_shape4& is, const std::vector<T>& in, const hb_shape4& ws,
                          const std::vector<int8_t>& w, const B* bias, const hb_shape4& os) {
  std::vector<T> out;
  for (int b = 0; b < os.n; ++b)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x)
        for (int oc = 0; oc < os.c; ++oc) {
          int64_t acc = 0;
          for (int ky = 0; ky < ws.h; ++ky)
            for (int kx = 0; kx < ws.w; ++kx) {
              const int iy = y * p.stride_h - p.pad_h + ky * p.dilation_h;
              const int ix = x * p.stride_w - p.pad_w + kx * p.dilation_w;
              if (iy < 0 || ix < 0 || iy >= is.h || ix >= is.w) continue;  // padding adds 0
              if (depthwise) {
                const int ic = oc / p.depth_multiplier;
                acc += int64_t{w[static_cast<size_t>((ky * ws.w + kx) * ws.c + oc)]} *
                       (in[static_cast<size_t>(((b * is.h + iy) * is.w + ix) * is.c + ic)] +
                        p.input_offset);
              } else {
                for (int ic = 0; ic < is.c; ++ic)
                  acc +=
                      int64_t{w[static_cast<size_t>(((oc * ws.h + ky) * ws.w + kx) * ws.c + ic)]} *
                      (in[static_cast<size_t>(((b * is.h + iy) * is.w + ix) * is.c + ic)] +
                       p.input_offset);
              }
            }
          if (bias) acc += bias[oc];
          int32_t v = sizeof(T) == 1
                          ? hb_mbqm(static_cast<int32_t>(acc), rq.mult[oc], rq.shift[oc], rq.single)
                          : hb_mbqm64(acc, rq.mult[oc], rq.shift[oc], rq.single);
          v += p.output_offset;
          out.push_back(static_cast<T>(hb_clamp32(v, p.act_min, p.act_max)));
        }
  return out;
}

}  // namespace

TEST_CASE("hb_conv2d_s8: hand-checked 3x3 input, 2x2 filter, VALID") {
  // in = 1..9, w = [[1,2],[3,4]] -> sums 37 47 67 77; x 0.5 (2^30, shift 0):
  // 18.5 23.5 33.5 38.5 round up in both modes -> 19 24 34 39; then -5.
  const std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<int8_t> w = {1, 2, 3, 4};
  const int32_t mult[1] = {1 << 30}, shift[1] = {0};
  for (int single = 0; single < 2; ++single) {
    const hb_requant rq{mult, shift, single};
    const hb_shape4 is{1, 3, 3, 1}, ws{1, 2, 2, 1}, os{1, 2, 2, 1};
    const hb_conv_params p = conv_params(1, 1, 0, 0, 0, -5, -128, 127);
    std::vector<int8_t> out(4);
    hb_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), nullptr, &os, out.data());
    CHECK(out == std::vector<int8_t>{14, 19, 29, 34});
  }
}

TEST_CASE("hb_conv2d_s8: padding taps contribute zero, not the input offset") {
  // 1x1 input value 3, offset +2 -> 5; 3x3 filter of ones, SAME pad 1:
  // only the centre tap is inside, so acc = 5 (not 9 * something). Bias 10.
  const std::vector<int8_t> in = {3};
  const std::vector<int8_t> w(9, 1);
  const int32_t bias[1] = {10};
  const int32_t mult[1] = {1 << 30}, shift[1] = {1};  // x 1.0
  const hb_requant rq{mult, shift, 0};
  const hb_shape4 is{1, 1, 1, 1}, ws{1, 3, 3, 1}, os{1, 1, 1, 1};
  const hb_conv_params p = conv_params(1, 1, 1, 1, 2, 0, -128, 127);
  int8_t out = 0;
  hb_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), bias, &os, &out);
  CHECK(out == 15);
  // RELU6-like clamp to [0, 12].
  const hb_conv_params pc = conv_params(1, 1, 1, 1, 2, 0, 0, 12);
  hb_conv2d_s8(&pc, &rq, &is, in.data(), &ws, w.data(), bias, &os, &out);
  CHECK(out == 12);
}

TEST_CASE("hb_depthwise_conv2d_s8: depth multiplier 2, per-channel shifts") {
  // 1x1x1x2 input {10, -4}, 1x1 filter, dm 2 -> out channels
  // {10*w0, 10*w1, -4*w2, -4*w3} with w = {1, 2, 3, -1}.
  const std::vector<int8_t> in = {10, -4};
  const std::vector<int8_t> w = {1, 2, 3, -1};
  const int32_t mult[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30};
  const int32_t shift[4] = {1, 0, 1, -1};  // x1, x0.5, x1, x0.25
  const hb_requant rq{mult, shift, 0};
  const hb_shape4 is{1, 1, 1, 2}, ws{1, 1, 1, 4}, os{1, 1, 1, 4};
  const hb_conv_params p = conv_params(1, 1, 0, 0, 0, 0, -128, 127, 2);
  std::vector<int8_t> out(4);
  hb_depthwise_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), nullptr, &os, out.data());
  CHECK(out == std::vector<int8_t>{10, 10, -12, 1});  // 4 * 0.25 = 1
}

TEST_CASE("conv and depthwise s8/s16: random geometries match the naive loops") {
  std::mt19937 rng(7);
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int iter = 0; iter < 300; ++iter) {
    const bool dw = iter % 2;
    const int stride = r(1, 3), dil = r(1, 2), kh = r(1, 3), kw = r(1, 3);
    const int in_c = r(1, 4), dm = dw ? r(1, 3) : 1;
    hb_shape4 is{r(1, 2), r(1, 7), r(1, 7), in_c};
    const int out_c = dw ? in_c * dm : r(1, 5);
    const int pad_h = r(0, 2), pad_w = r(0, 2);
    const int out_h = r(1, 5), out_w = r(1, 5);
    const hb_shape4 ws = dw ? hb_shape4{1, kh, kw, out_c} : hb_shape4{out_c, kh, kw, in_c};
    const hb_shape4 os{is.n, out_h, out_w, out_c};
    std::vector<int32_t> mult(static_cast<size_t>(out_c)), shift(static_cast<size_t>(out_c));
    std::vector<int32_t> b32(static_cast<size_t>(out_c));
    std::vector<int64_t> b64(static_cast<size_t>(out_c));
    for (int c = 0; c < out_c; ++c) {
      mult[static_cast<size_t>(c)] = r(1 << 30, INT32_MAX);
      shift[static_cast<size_t>(c)] = r(-12, 0);
      b32[static_cast<size_t>(c)] = r(-5000, 5000);
      b64[static_cast<size_t>(c)] = int64_t{r(-5000, 5000)} << 8;
    }
    const int single = iter % 3 == 0;
    const hb_requant rq{mult.data(), shift.data(), single};
    std::vector<int8_t> w(static_cast<size_t>(ws.n * ws.h * ws.w * ws.c));
    for (auto& v : w) v = static_cast<int8_t>(r(-128, 127));
    const size_t n_in = static_cast<size_t>(is.n * is.h * is.w * is.c);
    const size_t n_out = static_cast<size_t>(os.n * os.h * os.w * os.c);
    const bool use_bias = iter % 4 != 1;
    {  // s8
      std::vector<int8_t> in(n_in), out(n_out);
      for (auto& v : in) v = static_cast<int8_t>(r(-128, 127));
      const hb_conv_params p = conv_params(stride, dil, pad_h, pad_w, r(-127, 128), r(-128, 127),
                                           r(-128, -20), r(20, 127), dm);
      const int32_t* bias = use_bias ? b32.data() : nullptr;
      if (dw) {
        hb_depthwise_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), bias, &os, out.data());
      } else {
        hb_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), bias, &os, out.data());
      }
      REQUIRE(out == naive_conv<int8_t>(dw, p, rq, is, in, ws, w, bias, os));
    }
    {  // s16
      std::vector<int16_t> in(n_in), out(n_out);
      for (auto& v : in) v = static_cast<int16_t>(r(-32768, 32767));
      const hb_conv_params p =
          conv_params(stride, dil, pad_h, pad_w, 0, 0, r(-32768, -100), r(100, 32767), dm);
      std::vector<int32_t> sh16(shift);
      for (auto& s : sh16) s -= 8;  // keep 16x8 results in range
      const hb_requant rq16{mult.data(), sh16.data(), single};
      const int64_t* bias = use_bias ? b64.data() : nullptr;
      if (dw) {
        hb_depthwise_conv2d_s16(&p, &rq16, &is, in.data(), &ws, w.data(), bias, &os, out.data());
      } else {
        hb_conv2d_s16(&p, &rq16, &is, in.data(), &ws, w.data(), bias, &os, out.data());
      }
      REQUIRE(out == naive_conv<int16_t>(dw, p, rq16, is, in, ws, w, bias, os));
    }
  }
}

TEST_CASE("hb_transpose_conv2d: hand-checked stride 2 scatter, s8 and s16") {
  // 1x2x2x1 input {1,2,3,4}, 2x2 filter of ones, stride 2, no padding:
  // every input element spreads into its own 2x2 block of the 4x4 output.
  const std::vector<int8_t> in = {1, 2, 3, 4};
  const std::vector<int8_t> w = {1, 1, 1, 1};
  const int32_t mult[1] = {1 << 30}, shift[1] = {1};  // x 1.0
  const hb_requant rq{mult, shift, 0};
  const hb_shape4 is{1, 2, 2, 1}, ws{1, 2, 2, 1}, os{1, 4, 4, 1};
  const hb_conv_params p = conv_params(2, 1, 0, 0, 1, 3, -128, 127);  // +1 in, +3 out
  std::vector<int8_t> out(16);
  std::vector<int32_t> scratch(16, 12345);
  const int32_t bias[1] = {100};
  hb_transpose_conv2d_s8(&p, &rq, &is, in.data(), &ws, w.data(), bias, &os, out.data(),
                         scratch.data());
  const std::vector<int8_t> want = {105, 105, 106, 106, 105, 105, 106, 106,
                                    107, 107, 108, 108, 107, 107, 108, 108};
  CHECK(out == want);
  // Stride 1 overlaps: 1x2x1x1 {1,2}, 1x2x1 filter {1,1} -> 1x3x1x1 {1, 3, 2}.
  const std::vector<int16_t> in16 = {1000, 2000};
  const std::vector<int8_t> w2 = {1, 1};
  const hb_shape4 is2{1, 2, 1, 1}, ws2{1, 2, 1, 1}, os2{1, 3, 1, 1};
  const hb_conv_params p2 = conv_params(1, 1, 0, 0, 0, 0, -32768, 32767);
  std::vector<int16_t> out16(3);
  std::vector<int64_t> scratch64(3, -1);
  hb_transpose_conv2d_s16(&p2, &rq, &is2, in16.data(), &ws2, w2.data(), nullptr, &os2, out16.data(),
                          scratch64.data());
  CHECK(out16 == std::vector<int16_t>{1000, 3000, 2000});
}

TEST_CASE("hb_fully_connected: offsets, per-channel, batches, both roundings") {
  // 2 batches x 3 depth; 2 units. Weights offset -1 applied (per-tensor legacy).
  const std::vector<int8_t> in = {1, 2, 3, -1, 0, 5};
  const std::vector<int8_t> w = {2, 2, 2, 1, 0, -1};
  const int32_t bias[2] = {1, -1};
  const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {1, -1};  // x1, x0.25
  hb_fully_connected_params p{};
  p.input_offset = 1;
  p.filter_offset = -1;
  p.output_offset = 2;
  p.act_min = -128;
  p.act_max = 127;
  p.batches = 2;
  p.accum_depth = 3;
  p.output_depth = 2;
  // b0: (in+1) = {2,3,4}; unit0 w-1 = {1,1,1} -> 9 + 1 = 10 -> 10 + 2 = 12
  //     unit1 w-1 = {0,-1,-2} -> -3 - 8 = -11, -1 -> -12 * 0.25 = -3 -> -1
  // b1: (in+1) = {0,1,6}; unit0 -> 7 + 1 = 8 -> 10; unit1 -> -1 - 12 - 1 = -14
  //     x 0.25 = -3.5: double rounding -> SRDHM(-14, 2^30) = -7, then -7/2 -> -4
  //     (half away from zero), + 2 = -2; single rounding -> -3.5 rounds up to
  //     -3, + 2 = -1.
  std::vector<int8_t> out(4);
  const hb_requant rq{mult, shift, 0};
  hb_fully_connected_s8(&p, &rq, in.data(), w.data(), bias, out.data());
  CHECK(out == std::vector<int8_t>{12, -1, 10, -2});
  const hb_requant rq1{mult, shift, 1};
  hb_fully_connected_s8(&p, &rq1, in.data(), w.data(), bias, out.data());
  CHECK(out == std::vector<int8_t>{12, -1, 10, -1});

  // 16x8: int64 bias beyond 32 bits, no offsets.
  const std::vector<int16_t> in16 = {30000, 30000};
  const std::vector<int8_t> w16 = {127, 127};
  const int64_t bias64[1] = {int64_t{1} << 33};
  const int32_t m16[1] = {1 << 30}, s16[1] = {-20};  // x 2^-21
  hb_fully_connected_params q{};
  q.act_min = -32768;
  q.act_max = 32767;
  q.batches = 1;
  q.accum_depth = 2;
  q.output_depth = 1;
  int16_t o16 = 0;
  const hb_requant rq16{m16, s16, 0};
  hb_fully_connected_s16(&q, &rq16, in16.data(), w16.data(), bias64, &o16);
  // (2 * 127 * 30000 + 2^33) / 2^21 = 8597554592 / 2097152 = 4099.63 -> 4100
  CHECK(o16 == 4100);
}

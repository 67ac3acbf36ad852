// Tests for conv_geometry: TFLite padding arithmetic, and the overlap lead
// proven safe by running the real kernels with overlapping buffers.
#include "conv_geometry.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <vector>

#include "hb/ops/conv.h"

using hbc::conv_axis;
using hbc::conv_overlap_lead;
using hbc::Padding;

TEST_CASE("conv_axis matches TFLite's ComputePaddingHeightWidth") {
  auto g = conv_axis(Padding::kSame, 49, 10, 2, 1);  // kws first conv height
  CHECK(g.out == 25);
  CHECK(g.pad == 4);  // total (24*2 + 10 - 49) = 9 -> 4, offset 1
  CHECK(g.pad_offset == 1);
  g = conv_axis(Padding::kValid, 10, 3, 1, 1);
  CHECK(g.out == 8);
  CHECK(g.pad == 0);
  g = conv_axis(Padding::kSame, 32, 3, 1, 1);
  CHECK(g.out == 32);
  CHECK(g.pad == 1);
  g = conv_axis(Padding::kSame, 7, 3, 1, 2);  // dilated: effective 5
  CHECK(g.out == 7);
  CHECK(g.pad == 2);
  g = conv_axis(Padding::kValid, 7, 3, 2, 2);
  CHECK(g.out == 2);
  g = conv_axis(Padding::kSame, 96, 3, 2, 1);
  CHECK(g.out == 48);
  CHECK(g.pad == 0);  // total 1: all on the trailing side
  CHECK(g.pad_offset == 1);
}

TEST_CASE("conv_overlap_lead: known values") {
  // Stride 1, SAME 3x3, equal row sizes R: row y needs rows >= y-1, so the
  // output may trail the input by 2 rows.
  CHECK(conv_overlap_lead(1, 8, 100, 8, 100, 1, 1) == 200);
  // Stride 1, 1x1 (pad 0): one row.
  CHECK(conv_overlap_lead(1, 8, 100, 8, 100, 1, 0) == 100);
  // Stride 2 halving rows and doubling channels (same row bytes): row y needs
  // rows >= 2y - 1: lead = R at y = 0 and y = 1 (2R - R), then decreasing.
  CHECK(conv_overlap_lead(1, 8, 100, 4, 100, 2, 1) == 100);
  // Output rows much larger than input rows: the lead grows with the output.
  CHECK(conv_overlap_lead(1, 4, 10, 4, 40, 1, 0) == 130);
}

namespace {

struct Geo {
  bool dw;
  int n, in_h, in_w, in_c, kh, kw, stride, dil, pad_h, pad_w, out_h, out_w, out_c;
};

// Runs the s8 kernel once with separate buffers and once with the output
// placed `lead` bytes before the input in one buffer; returns both results.
void run_both(const Geo& g, std::vector<int8_t>* separate, std::vector<int8_t>* overlapped,
              int64_t* lead_out) {
  std::mt19937 rng(static_cast<unsigned>(g.in_h * 131 + g.out_c * 7 + g.kh));
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const hb_shape4 is{g.n, g.in_h, g.in_w, g.in_c};
  const hb_shape4 ws =
      g.dw ? hb_shape4{1, g.kh, g.kw, g.out_c} : hb_shape4{g.out_c, g.kh, g.kw, g.in_c};
  const hb_shape4 os{g.n, g.out_h, g.out_w, g.out_c};
  std::vector<int8_t> in(static_cast<size_t>(g.n * g.in_h * g.in_w * g.in_c));
  for (auto& v : in) v = static_cast<int8_t>(r(-128, 127));
  std::vector<int8_t> w(static_cast<size_t>(ws.n * ws.h * ws.w * ws.c));
  for (auto& v : w) v = static_cast<int8_t>(r(-128, 127));
  std::vector<int32_t> mult(static_cast<size_t>(g.out_c), 1 << 30),
      shift(static_cast<size_t>(g.out_c), -6);
  const hb_requant rq{mult.data(), shift.data(), 0};
  hb_conv_params p{};
  p.stride_h = p.stride_w = static_cast<int16_t>(g.stride);
  p.dilation_h = p.dilation_w = static_cast<int16_t>(g.dil);
  p.pad_h = static_cast<int16_t>(g.pad_h);
  p.pad_w = static_cast<int16_t>(g.pad_w);
  p.depth_multiplier = static_cast<int16_t>(g.dw ? g.out_c / g.in_c : 1);
  p.input_offset = 3;
  p.act_min = -128;
  p.act_max = 127;
  const size_t n_out = static_cast<size_t>(g.n * g.out_h * g.out_w * g.out_c);
  auto run = [&](const int8_t* src, int8_t* dst) {
    if (g.dw) {
      hb_depthwise_conv2d_s8(&p, &rq, &is, src, &ws, w.data(), nullptr, &os, dst);
    } else {
      hb_conv2d_s8(&p, &rq, &is, src, &ws, w.data(), nullptr, &os, dst);
    }
  };
  separate->assign(n_out, 0);
  run(in.data(), separate->data());
  const int64_t lead = conv_overlap_lead(g.n, g.in_h, int64_t{g.in_w} * g.in_c, g.out_h,
                                         int64_t{g.out_w} * g.out_c, g.stride, g.pad_h);
  *lead_out = lead;
  const size_t total = std::max(static_cast<size_t>(lead) + in.size(), n_out);
  std::vector<int8_t> buf(total, 0x55);
  std::memcpy(buf.data() + lead, in.data(), in.size());
  run(buf.data() + lead, buf.data());
  overlapped->assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n_out));
}

}  // namespace

TEST_CASE("conv_overlap_lead: kernels give identical bytes with overlapping buffers") {
  const Geo geos[] = {
      // dw, n, in_h, in_w, in_c, kh, kw, s, dil, ph, pw, out_h, out_w, out_c
      {false, 1, 8, 8, 4, 3, 3, 1, 1, 1, 1, 8, 8, 4},    // ResNet-style 3x3 SAME
      {false, 1, 8, 8, 4, 3, 3, 2, 1, 0, 0, 4, 4, 8},    // stride 2, more channels
      {false, 1, 9, 9, 2, 3, 3, 2, 1, 1, 1, 5, 5, 6},    // stride 2 SAME odd
      {false, 1, 8, 8, 4, 1, 1, 1, 1, 0, 0, 8, 8, 16},   // 1x1 expanding
      {false, 2, 6, 5, 3, 3, 3, 1, 2, 2, 2, 6, 5, 3},    // dilation 2, batch 2
      {false, 1, 10, 4, 1, 10, 4, 2, 1, 4, 1, 5, 2, 8},  // kws-like first layer
      {true, 1, 8, 8, 4, 3, 3, 1, 1, 1, 1, 8, 8, 4},     // depthwise SAME
      {true, 1, 8, 8, 4, 3, 3, 2, 1, 0, 0, 4, 4, 8},     // depthwise dm 2, stride 2
      {true, 1, 7, 7, 3, 3, 3, 1, 2, 2, 2, 7, 7, 6},     // depthwise dilated dm 2
      {true, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 5, 5, 2},     // depthwise batch 2
  };
  for (const Geo& g : geos) {
    std::vector<int8_t> a, b;
    int64_t lead = -1;
    run_both(g, &a, &b, &lead);
    CAPTURE(g.in_h);
    CAPTURE(g.out_c);
    CHECK(lead >= 0);
    CHECK(a == b);
  }
}

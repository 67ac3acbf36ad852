// Hand-checked cases for the pooling kernels: rounding of negative averages
// (half away from zero), edge windows under SAME padding (padding cells are
// not counted), max pooling that must ignore padding, and the clamp.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hb/ops/pool.h"

namespace {

hb_pool_params params(int32_t f, int32_t stride, int32_t pad, int32_t lo, int32_t hi) {
  return hb_pool_params{stride, stride, f, f, pad, pad, lo, hi};
}

}  // namespace

TEST_CASE("hb_average_pool_2d_s8 rounds half away from zero") {
  // 1x2x3x1, 2x2 VALID windows: sums -6 (-1.5 -> -2) and 5 (1.25 -> 1).
  const std::vector<int8_t> in = {-3, -3, 4, 0, 0, 4};
  const hb_pool_params p = params(2, 1, 0, -128, 127);
  const hb_pool_shape s{1, 2, 3, 1, 1, 2};
  std::vector<int8_t> out(2);
  hb_average_pool_2d_s8(&p, &s, in.data(), out.data());
  CHECK(out[0] == -2);
  CHECK(out[1] == 1);
}

TEST_CASE("hb_average_pool_2d_s8 SAME padding divides by cells inside the image") {
  // 3x3 window, stride 1, pad 1 over a 3x3 image: corner windows hold 4
  // cells, edge windows 6, the centre 9.
  const std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const hb_pool_params p = params(3, 1, 1, -128, 127);
  const hb_pool_shape s{1, 3, 3, 1, 3, 3};
  std::vector<int8_t> out(9);
  hb_average_pool_2d_s8(&p, &s, in.data(), out.data());
  CHECK(out[0] == 3);  // (1+2+4+5)/4
  CHECK(out[1] == 4);  // 21/6 = 3.5 -> 4
  CHECK(out[4] == 5);  // 45/9
  CHECK(out[8] == 7);  // (5+6+8+9)/4
  // Fused RELU-like clamp.
  const hb_pool_params q = params(3, 1, 1, 4, 6);
  hb_average_pool_2d_s8(&q, &s, in.data(), out.data());
  CHECK(out[0] == 4);
  CHECK(out[8] == 6);
}

TEST_CASE("hb_average_pool_2d_s8 multi-channel stride 2") {
  // 1x2x4x2, 2x2 window stride 2: channel 0 = 0..7 by position, channel 1 negated.
  std::vector<int8_t> in(16);
  for (int i = 0; i < 8; ++i) {
    in[2 * i] = static_cast<int8_t>(i);
    in[2 * i + 1] = static_cast<int8_t>(-i);
  }
  const hb_pool_params p = params(2, 2, 0, -128, 127);
  const hb_pool_shape s{1, 2, 4, 2, 1, 2};
  std::vector<int8_t> out(4);
  hb_average_pool_2d_s8(&p, &s, in.data(), out.data());
  CHECK(out[0] == 3);   // (0+1+4+5)/4 = 2.5 -> 3
  CHECK(out[1] == -3);  // -2.5 -> -3
  CHECK(out[2] == 5);   // (2+3+6+7)/4 = 4.5 -> 5
  CHECK(out[3] == -5);
}

TEST_CASE("hb_average_pool_2d_s16 large values") {
  const std::vector<int16_t> in = {1000, 1001, -1000, -1001};
  const hb_pool_params p{1, 1, 1, 2, 0, 0, -32768, 32767};  // 1x2 windows
  const hb_pool_shape s{1, 2, 2, 1, 2, 1};
  std::vector<int16_t> out(2);
  hb_average_pool_2d_s16(&p, &s, in.data(), out.data());
  CHECK(out[0] == 1001);
  CHECK(out[1] == -1001);
}

TEST_CASE("hb_max_pool_2d ignores padding and clamps") {
  const std::vector<int8_t> in(9, -7);
  std::vector<int8_t> out(9, 0);
  const hb_pool_shape s{1, 3, 3, 1, 3, 3};
  const hb_pool_params p = params(3, 1, 1, -128, 127);
  hb_max_pool_2d_s8(&p, &s, in.data(), out.data());
  for (int8_t v : out) CHECK(v == -7);  // padding must not act as 0
  const std::vector<int8_t> in2 = {1, 9, 3, 4, -5, 6, 7, 8, 2};
  const hb_pool_params q = params(2, 1, 0, -128, 8);
  const hb_pool_shape s2{1, 3, 3, 1, 2, 2};
  std::vector<int8_t> out2(4);
  hb_max_pool_2d_s8(&q, &s2, in2.data(), out2.data());
  CHECK(out2[0] == 8);  // 9 clamped to act_max 8
  CHECK(out2[1] == 8);
  CHECK(out2[2] == 8);
  CHECK(out2[3] == 8);
  const std::vector<int16_t> in3 = {-300, 200, 32767, -32768};
  const hb_pool_params r = params(2, 2, 0, -32768, 32767);
  const hb_pool_shape s3{1, 2, 2, 1, 1, 1};
  int16_t out3 = 0;
  hb_max_pool_2d_s16(&r, &s3, in3.data(), &out3);
  CHECK(out3 == 32767);
}

// Hand-checked cases for ADD/SUB/MUL: exact sums with unit scales, the
// rounding of a halved sum in both rounding modes (they differ on negative
// ties), broadcasting, offsets, clamps and in-place operation.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hb/ops/elementwise.h"

namespace {

// Unit scales everywhere: twice_max = 2, input multipliers 0.5 (2^30, 0);
// output multiplier 2 / (2^left_shift * out_scale).
hb_addsub_params unit_addsub(int left_shift, int32_t out_shift_extra) {
  hb_addsub_params p{};
  p.left_shift = left_shift;
  p.input1_multiplier = p.input2_multiplier = 1 << 30;
  p.input1_shift = p.input2_shift = 0;
  p.output_multiplier = 1 << 30;
  p.output_shift = -(left_shift - 2) - out_shift_extra;  // 0.5 * 2^shift = 2^-(ls-1-extra)
  p.act_min = left_shift == 20 ? -128 : -32768;
  p.act_max = left_shift == 20 ? 127 : 32767;
  return p;
}

hb_broadcast4 same4(int32_t n) { return hb_broadcast4{{1, 1, 1, n}, {0, 0, 0, 1}, {0, 0, 0, 1}}; }

}  // namespace

TEST_CASE("hb_add_s8 unit scales is exact addition with offsets and clamp") {
  hb_addsub_params p = unit_addsub(20, 0);
  p.input1_offset = -10;  // zp 10
  p.input2_offset = 5;    // zp -5
  p.output_offset = 3;
  const std::vector<int8_t> a = {10, 20, 127, -128};
  const std::vector<int8_t> b = {-5, 0, 127, -128};
  std::vector<int8_t> y(4);
  const hb_broadcast4 bc = same4(4);
  hb_add_s8(&p, &bc, a.data(), b.data(), y.data(), 0);
  CHECK(y[0] == 3);     // 0 + 0 + 3
  CHECK(y[1] == 18);    // 10 + 5 + 3
  CHECK(y[2] == 127);   // clamped
  CHECK(y[3] == -128);  // clamped
}

TEST_CASE("hb_add_s8 halved sum: double and single rounding differ on negative ties") {
  // Output scale 2: y = (x1 + x2) / 2.
  const hb_addsub_params p = unit_addsub(20, 1);
  const std::vector<int8_t> a = {-1, 1, -2, 2};
  const std::vector<int8_t> b = {-2, 2, -3, 3};
  std::vector<int8_t> dbl(4), sgl(4);
  const hb_broadcast4 bc = same4(4);
  hb_add_s8(&p, &bc, a.data(), b.data(), dbl.data(), 0);
  hb_add_s8(&p, &bc, a.data(), b.data(), sgl.data(), 1);
  CHECK(dbl[0] == -2);  // -1.5: half away from zero
  CHECK(sgl[0] == -1);  // -1.5: half up
  CHECK(dbl[1] == 2);
  CHECK(sgl[1] == 2);
  CHECK(dbl[2] == -3);  // -2.5
  CHECK(sgl[2] == -2);
  CHECK(dbl[3] == 3);
  CHECK(sgl[3] == 3);
}

TEST_CASE("hb_sub_s8 and in-place operation") {
  const hb_addsub_params p = unit_addsub(20, 0);
  std::vector<int8_t> a = {5, -5, 100, -100};
  const std::vector<int8_t> b = {7, -7, -100, 100};
  const hb_broadcast4 bc = same4(4);
  hb_sub_s8(&p, &bc, a.data(), b.data(), a.data(), 0);  // output over input1
  CHECK(a[0] == -2);
  CHECK(a[1] == 2);
  CHECK(a[2] == 127);
  CHECK(a[3] == -128);
}

TEST_CASE("hb_add_s8 broadcasting") {
  const hb_addsub_params p = unit_addsub(20, 0);
  // [2,3] + [3] -> [2,3]
  const std::vector<int8_t> a = {0, 1, 2, 10, 11, 12};
  const std::vector<int8_t> b = {100, 50, -50};
  hb_broadcast4 bc{{1, 1, 2, 3}, {0, 0, 3, 1}, {0, 0, 0, 1}};
  std::vector<int8_t> y(6);
  hb_add_s8(&p, &bc, a.data(), b.data(), y.data(), 0);
  CHECK(y == std::vector<int8_t>{100, 51, -48, 110, 61, -38});
  // [2,1] + [1,3] -> [2,3]: both broadcast.
  const std::vector<int8_t> c = {1, 2};
  const std::vector<int8_t> d = {10, 20, 30};
  hb_broadcast4 bc2{{1, 1, 2, 3}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  hb_add_s8(&p, &bc2, c.data(), d.data(), y.data(), 0);
  CHECK(y == std::vector<int8_t>{11, 21, 31, 12, 22, 32});
  hb_sub_s8(&p, &bc2, c.data(), d.data(), y.data(), 0);
  CHECK(y == std::vector<int8_t>{-9, -19, -29, -8, -18, -28});
}

TEST_CASE("hb_add_s16 / hb_sub_s16 general path (left_shift 15)") {
  const hb_addsub_params p = unit_addsub(15, 0);
  const std::vector<int16_t> a = {30000, -30000, 1234, -1};
  const std::vector<int16_t> b = {10000, -10000, -234, -1};
  std::vector<int16_t> y(4);
  const hb_broadcast4 bc = same4(4);
  hb_add_s16(&p, &bc, a.data(), b.data(), y.data(), 0);
  CHECK(y == std::vector<int16_t>{32767, -32768, 1000, -2});
  hb_sub_s16(&p, &bc, a.data(), b.data(), y.data(), 1);
  CHECK(y == std::vector<int16_t>{20000, -20000, 1468, 0});
}

TEST_CASE("hb_mul_s8") {
  hb_mul_params p{};
  p.output_multiplier = 1 << 30;  // 0.5 * 2^1 = 1
  p.output_shift = 1;
  p.act_min = -128;
  p.act_max = 127;
  const std::vector<int8_t> a = {5, 20, -12, 0};
  const std::vector<int8_t> b = {-7, 20, 10, 99};
  std::vector<int8_t> y(4);
  const hb_broadcast4 bc = same4(4);
  hb_mul_s8(&p, &bc, a.data(), b.data(), y.data(), 0);
  CHECK(y == std::vector<int8_t>{-35, 127, -120, 0});
  // Offsets: zp1 = 1, zp2 = -1, out zp = 4; (x1 - 1) * (x2 + 1) + 4.
  p.input1_offset = -1;
  p.input2_offset = 1;
  p.output_offset = 4;
  hb_mul_s8(&p, &bc, a.data(), b.data(), y.data(), 0);
  CHECK(y == std::vector<int8_t>{-20, 127, -128, -96});
  // Scalar broadcast of input2.
  hb_broadcast4 bc2{{1, 1, 1, 4}, {0, 0, 0, 1}, {0, 0, 0, 0}};
  p.input1_offset = p.input2_offset = p.output_offset = 0;
  const int8_t two = 2;
  hb_mul_s8(&p, &bc2, a.data(), &two, y.data(), 0);
  CHECK(y == std::vector<int8_t>{10, 40, -24, 0});
}

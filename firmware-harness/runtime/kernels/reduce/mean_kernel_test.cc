// Hand-checked cases for hb_mean_s8 in its three modes, including the
// truncating division of TFLM's same-quantization path and a tie that the
// two rounding modes resolve differently.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hb/ops/reduce.h"

TEST_CASE("hb_mean_s8 TRUNC truncates toward zero") {
  const int32_t dims[4] = {1, 2, 2, 2};
  // channel 0: -1 -2 -2 -2 (sum -7), channel 1: 1 2 2 2 (sum 7).
  const std::vector<int8_t> in = {-1, 1, -2, 2, -2, 2, -2, 2};
  hb_mean_params p{};
  p.mode = HB_MEAN_TRUNC;
  p.reduce_mask = 0x6;  // dims 1 and 2
  p.count = 4;
  std::vector<int8_t> out(2);
  std::vector<int32_t> scratch(2);
  hb_mean_s8(&p, dims, in.data(), out.data(), scratch.data(), 0);
  CHECK(out[0] == -1);  // -1.75 -> -1
  CHECK(out[1] == 1);
}

TEST_CASE("hb_mean_s8 REQUANT: both rounding modes") {
  // Unit scales folded with 1/4: multiplier 2^30, shift -1 (as the compiler
  // derives from QuantizeMultiplier(1.0) = (2^30, 1) and count 4).
  const int32_t dims[4] = {1, 1, 4, 1};
  hb_mean_params p{};
  p.mode = HB_MEAN_REQUANT;
  p.reduce_mask = 0x4;
  p.count = 4;
  p.multiplier = 1 << 30;
  p.shift = -1;
  const std::vector<int8_t> in = {-1, -2, -1, -2};  // mean -1.5
  int8_t out = 0;
  int32_t scratch = 0;
  hb_mean_s8(&p, dims, in.data(), &out, &scratch, 0);
  CHECK(out == -2);
  hb_mean_s8(&p, dims, in.data(), &out, &scratch, 1);
  CHECK(out == -1);
  // Zero points: in zp 2, out zp -1: mean(x - 2) - 1 = (-1.5 - 2) - 1.
  p.input_zero_point = 2;
  p.output_zero_point = -1;
  hb_mean_s8(&p, dims, in.data(), &out, &scratch, 0);
  CHECK(out == -5);  // -3.5 -> -4 (half away), then -1
}

TEST_CASE("hb_mean_s8 over the last axis keeps row order, and SPATIAL mode") {
  const int32_t dims[4] = {1, 1, 2, 3};
  const std::vector<int8_t> in = {1, 2, 4, -3, -3, -4};
  hb_mean_params p{};
  p.mode = HB_MEAN_TRUNC;
  p.reduce_mask = 0x8;
  p.count = 3;
  std::vector<int8_t> out(2);
  std::vector<int32_t> scratch(2);
  hb_mean_s8(&p, dims, in.data(), out.data(), scratch.data(), 0);
  CHECK(out[0] == 2);   // 7/3
  CHECK(out[1] == -3);  // -10/3
  // SPATIAL: scale ratio 1 (2^30, shift 1), then round(sum / count).
  p.mode = HB_MEAN_SPATIAL;
  p.multiplier = 1 << 30;
  p.shift = 1;
  hb_mean_s8(&p, dims, in.data(), out.data(), scratch.data(), 0);
  CHECK(out[0] == 2);                                     // 2.33 -> 2
  CHECK(out[1] == -3);                                    // -3.33 -> -3
  const std::vector<int8_t> in2 = {1, 2, 2, -3, -4, -4};  // 5/3 and -11/3
  hb_mean_s8(&p, dims, in2.data(), out.data(), scratch.data(), 0);
  CHECK(out[0] == 2);
  CHECK(out[1] == -4);
  // Saturation to int8.
  p.output_zero_point = 127;
  hb_mean_s8(&p, dims, in2.data(), out.data(), scratch.data(), 0);
  CHECK(out[0] == 127);
}

// Hand-checked cases for the data-movement kernels: PAD, CONCATENATION,
// STRIDED_SLICE (resolved params, negative steps) and the overlapping move
// behind RESHAPE.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hb/ops/shape.h"

TEST_CASE("hb_pad_s8 and hb_pad_s16") {
  // 2x2 -> pad rows (1,0), cols (0,2) with value -3.
  hb_pad_params p{{0, 0, 1, 0}, {0, 0, 0, 2}, -3};
  const int32_t dims[4] = {1, 1, 2, 2};
  const std::vector<int8_t> in = {1, 2, 3, 4};
  std::vector<int8_t> out(3 * 4);
  hb_pad_s8(&p, dims, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-3, -3, -3, -3, 1, 2, -3, -3, 3, 4, -3, -3});
  hb_pad_params q{{1, 0, 0, 0}, {0, 0, 0, 1}, 0};
  const std::vector<int16_t> in16 = {1000, -1000};
  const int32_t d16[4] = {1, 1, 1, 2};
  std::vector<int16_t> out16(2 * 3);
  hb_pad_s16(&q, d16, in16.data(), out16.data());
  CHECK(out16 == std::vector<int16_t>{0, 0, 0, 1000, -1000, 0});
}

TEST_CASE("hb_concatenation_s8 along a middle axis") {
  // [2,1,2] ++ [2,2,2] on axis 1 -> [2,3,2]: outer 2, chunks 2 and 4 bytes.
  const std::vector<int8_t> a = {1, 2, 3, 4};
  const std::vector<int8_t> b = {10, 11, 12, 13, 20, 21, 22, 23};
  const int8_t* ins[2] = {a.data(), b.data()};
  const int32_t chunk[2] = {2, 4};
  std::vector<int8_t> out(12);
  hb_concatenation_s8(ins, chunk, 2, 2, out.data());
  CHECK(out == std::vector<int8_t>{1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23});
}

TEST_CASE("hb_strided_slice_s8 / s16") {
  // 3x4 input 0..11; rows 2,0 (step -2), cols 1,3 (step 2).
  std::vector<int8_t> in(12);
  for (int i = 0; i < 12; ++i) in[i] = static_cast<int8_t>(i);
  const int32_t dims[4] = {1, 1, 3, 4};
  hb_strided_slice_params p{{0, 0, 2, 1}, {1, 1, -2, 2}, {1, 1, 2, 2}};
  std::vector<int8_t> out(4);
  hb_strided_slice_s8(&p, dims, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{9, 11, 1, 3});
  std::vector<int16_t> in16(12);
  for (int i = 0; i < 12; ++i) in16[i] = static_cast<int16_t>(1000 * i);
  std::vector<int16_t> out16(4);
  hb_strided_slice_s16(&p, dims, in16.data(), out16.data());
  CHECK(out16 == std::vector<int16_t>{9000, 11000, 1000, 3000});
}

TEST_CASE("hb_reshape_s8 moves overlapping buffers correctly") {
  std::vector<int8_t> buf = {1, 2, 3, 4, 5, 6, 0, 0};
  hb_reshape_s8(buf.data(), buf.data() + 2, 6);  // forward overlap
  CHECK(buf == std::vector<int8_t>{1, 2, 1, 2, 3, 4, 5, 6});
  hb_reshape_s8(buf.data() + 2, buf.data(), 6);  // backward overlap
  CHECK(buf == std::vector<int8_t>{1, 2, 3, 4, 5, 6, 5, 6});
  hb_reshape_s8(buf.data(), buf.data(), 8);  // aliased: nothing
  CHECK(buf[0] == 1);
}

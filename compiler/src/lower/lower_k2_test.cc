// Tests for the pooling/elementwise/reduce/shape lowerings: parameters
// derived by hand from TFLite's formulas, strided-slice mask resolution,
// and the rejections that must name the problem.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "hb/ops/elementwise.h"
#include "hb/ops/pool.h"
#include "hb/ops/reduce.h"
#include "hb/ops/shape.h"
#include "hb/plan_format.h"
#include "hbc/error.h"
#include "hbc/lower.h"

namespace {

using hbc::DType;

int add_tensor(hbc::Model& m, DType dt, std::vector<int32_t> shape, float scale = 0.5f,
               int64_t zp = 0) {
  hbc::Tensor t;
  t.index = static_cast<int>(m.tensors.size());
  t.name = "t" + std::to_string(t.index);
  t.dtype = dt;
  t.shape = std::move(shape);
  t.quant.scale = {scale};
  t.quant.zero_point = {zp};
  m.tensors.push_back(t);
  return t.index;
}

// A constant int32 tensor whose bytes live in m.bytes (reserved up front so
// the data pointers stay valid).
int add_i32(hbc::Model& m, const std::vector<int32_t>& v) {
  const size_t at = m.bytes.size();
  m.bytes.resize(at + v.size() * 4);
  std::memcpy(m.bytes.data() + at, v.data(), v.size() * 4);
  hbc::Tensor t;
  t.index = static_cast<int>(m.tensors.size());
  t.name = "c" + std::to_string(t.index);
  t.dtype = DType::kInt32;
  t.shape = {static_cast<int32_t>(v.size())};
  t.data = m.bytes.data() + at;
  t.data_size = v.size() * 4;
  m.tensors.push_back(t);
  return t.index;
}

hbc::Operator make_op(int code, const char* name, std::vector<int> in, std::vector<int> out) {
  hbc::Operator op;
  op.index = 3;
  op.builtin_code = code;
  op.op_name = name;
  op.inputs = std::move(in);
  op.outputs = std::move(out);
  return op;
}

hbc::LoweredOp lower(hbc::Model& m, const hbc::Operator& op,
                     hbc::Rounding r = hbc::Rounding::kDouble) {
  hbc::LowerContext ctx(m, r);
  return hbc::find_lowering(op.builtin_code)(ctx, op);
}

template <typename T>
T params_of(const hbc::LoweredOp& l) {
  REQUIRE(l.params.size() == sizeof(T));
  T p;
  std::memcpy(&p, l.params.data(), sizeof(T));
  return p;
}

std::string error_of(hbc::Model& m, const hbc::Operator& op) {
  try {
    lower(m, op);
  } catch (const hbc::CompileError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("lower AVERAGE_POOL_2D: SAME padding geometry") {
  hbc::Model m;
  m.bytes.reserve(1024);
  const int in = add_tensor(m, DType::kInt8, {1, 5, 5, 3});
  const int out = add_tensor(m, DType::kInt8, {1, 3, 3, 3});
  hbc::Operator op = make_op(1, "AVERAGE_POOL_2D", {in}, {out});
  op.options.padding = hbc::Padding::kSame;
  op.options.stride_h = op.options.stride_w = 2;
  op.options.filter_h = op.options.filter_w = 3;
  const auto l = lower(m, op);
  CHECK(l.opcode == HB_OP_AVERAGE_POOL_2D);
  const auto p = params_of<hb_pool_params>(l);
  CHECK(p.pad_h == 1);  // ((3-1)*2 + 3 - 5) / 2
  CHECK(p.pad_w == 1);
  CHECK(p.act_min == -128);
  CHECK(p.act_max == 127);
  CHECK(l.macs == 27u * 9u);
  m.tensors[static_cast<size_t>(out)].shape = {1, 2, 2, 3};
  CHECK(error_of(m, op).find("does not match") != std::string::npos);
}

TEST_CASE("lower ADD: TFLM multipliers, in-place hints only without broadcast") {
  hbc::Model m;
  const int a = add_tensor(m, DType::kInt8, {1, 4}, 0.5f, 3);
  const int b = add_tensor(m, DType::kInt8, {1, 4}, 0.25f, -2);
  const int y = add_tensor(m, DType::kInt8, {1, 4}, 1.0f, 1);
  const auto l = lower(m, make_op(0, "ADD", {a, b}, {y}));
  const auto p = params_of<hb_addsub_params>(l);
  // twice_max = 1: real1 = 0.5 -> (2^30, 0); real2 = 0.25 -> (2^30, -1);
  // real_out = 1 / 2^20 -> (2^30, -19).
  CHECK(p.left_shift == 20);
  CHECK(p.input1_offset == -3);
  CHECK(p.input2_offset == 2);
  CHECK(p.output_offset == 1);
  CHECK(p.input1_multiplier == (1 << 30));
  CHECK(p.input1_shift == 0);
  CHECK(p.input2_shift == -1);
  CHECK(p.output_shift == -19);
  CHECK(l.overlaps.size() == 2);
  m.tensors[static_cast<size_t>(b)].shape = {4};
  CHECK(lower(m, make_op(0, "ADD", {a, b}, {y})).overlaps.empty());
  m.tensors[static_cast<size_t>(b)].shape = {3};
  CHECK(error_of(m, make_op(0, "ADD", {a, b}, {y})).find("broadcast") != std::string::npos);
}

TEST_CASE("lower SUB int16 uses left_shift 15; MUL int16 is rejected") {
  hbc::Model m;
  const int a = add_tensor(m, DType::kInt16, {8}, 0.001f, 0);
  const int b = add_tensor(m, DType::kInt16, {8}, 0.001f, 0);
  const int y = add_tensor(m, DType::kInt16, {8}, 0.002f, 0);
  const auto p = params_of<hb_addsub_params>(lower(m, make_op(41, "SUB", {a, b}, {y})));
  CHECK(p.left_shift == 15);
  CHECK(p.act_min == -32768);
  const std::string e = error_of(m, make_op(18, "MUL", {a, b}, {y}));
  CHECK(e.find("MUL (node 3)") == 0);
  CHECK(e.find("int16") != std::string::npos);
}

TEST_CASE("lower MEAN: modes and the folded multiplier") {
  hbc::Model m;
  m.bytes.reserve(1024);
  const int x = add_tensor(m, DType::kInt8, {1, 2, 2, 8}, 0.5f, 0);
  const int axes = add_i32(m, {1, 2});
  const int y = add_tensor(m, DType::kInt8, {1, 1, 1, 8}, 0.5f, 0);
  hbc::Operator op = make_op(40, "MEAN", {x, axes}, {y});
  op.options.keep_dims = true;
  auto l = lower(m, op);
  auto p = params_of<hb_mean_params>(l);
  CHECK(p.mode == HB_MEAN_REQUANT);  // TFLM rounds even when quantization is equal
  CHECK(p.reduce_mask == 0x6);
  CHECK(p.count == 4);
  CHECK(l.scratch_bytes == 32u);
  CHECK(l.inputs.size() == 1);
  m.tensors[static_cast<size_t>(y)].quant.scale = {0.25f};
  p = params_of<hb_mean_params>(lower(m, op));
  CHECK(p.mode == HB_MEAN_REQUANT);
  // QuantizeMultiplier(2) = (2^30, 2); folded with 1/4: (2^30, 0).
  CHECK(p.multiplier == (1 << 30));
  CHECK(p.shift == 0);
  // keep_dims = false with negative axes.
  hbc::Model m2;
  m2.bytes.reserve(1024);
  const int x2 = add_tensor(m2, DType::kInt8, {2, 3, 4});
  const int ax2 = add_i32(m2, {-1, 2});
  const int y2 = add_tensor(m2, DType::kInt8, {2, 3});
  const auto p2 = params_of<hb_mean_params>(lower(m2, make_op(40, "MEAN", {x2, ax2}, {y2})));
  CHECK(p2.reduce_mask == 0x8);
  CHECK(p2.count == 4);
  // Non-constant axis.
  m2.tensors[static_cast<size_t>(ax2)].data = nullptr;
  CHECK(error_of(m2, make_op(40, "MEAN", {x2, ax2}, {y2})).find("non-constant axis") !=
        std::string::npos);
}

TEST_CASE("lower STRIDED_SLICE: masks, negative indices, shrink, offset") {
  hbc::Model m;
  m.bytes.reserve(4096);
  const int x = add_tensor(m, DType::kInt8, {4, 6});
  const int begin = add_i32(m, {-1, 1});
  const int end = add_i32(m, {0, -1});
  const int strides = add_i32(m, {-1, 2});
  const int y = add_tensor(m, DType::kInt8, {4, 2});
  hbc::Operator op = make_op(45, "STRIDED_SLICE", {x, begin, end, strides}, {y});
  op.options.end_mask = 1;  // axis 0 runs to the front: rows 3,2,1,0
  auto p = params_of<hb_strided_slice_params>(lower(m, op));
  CHECK(p.start[2] == 3);
  CHECK(p.step[2] == -1);
  CHECK(p.count[2] == 4);
  CHECK(p.start[3] == 1);  // cols 1, 3 (end -1 = 5 exclusive)
  CHECK(p.count[3] == 2);
  CHECK(p.count[0] == 1);
  CHECK(p.count[1] == 1);
  // shrink axis 0 at row -2, begin_mask on axis 1 -> whole row 2, step 2.
  const int y2 = add_tensor(m, DType::kInt8, {3});
  const int b2 = add_i32(m, {-2, 4});
  const int e2 = add_i32(m, {0, 6});
  const int s2 = add_i32(m, {1, 2});
  hbc::Operator op2 = make_op(45, "STRIDED_SLICE", {x, b2, e2, s2}, {y2});
  op2.options.shrink_axis_mask = 1;
  op2.options.begin_mask = 2;
  p = params_of<hb_strided_slice_params>(lower(m, op2));
  CHECK(p.start[2] == 2);
  CHECK(p.count[2] == 1);
  CHECK(p.start[3] == 0);
  CHECK(p.count[3] == 3);
  // offset: end is relative to begin.
  const int y3 = add_tensor(m, DType::kInt8, {2, 3});
  const int b3 = add_i32(m, {1, 2});
  const int e3 = add_i32(m, {2, 3});
  const int s3 = add_i32(m, {1, 1});
  hbc::Operator op3 = make_op(45, "STRIDED_SLICE", {x, b3, e3, s3}, {y3});
  op3.options.offset = true;
  p = params_of<hb_strided_slice_params>(lower(m, op3));
  CHECK(p.start[2] == 1);
  CHECK(p.count[2] == 2);
  CHECK(p.start[3] == 2);
  CHECK(p.count[3] == 3);
  op3.options.ellipsis_mask = 1;
  CHECK(error_of(m, op3).find("ellipsis_mask") != std::string::npos);
}

TEST_CASE("lower RESHAPE/PAD/CONCATENATION") {
  hbc::Model m;
  m.bytes.reserve(1024);
  const int x = add_tensor(m, DType::kInt8, {1, 2, 3}, 0.5f, -7);
  const int shape = add_i32(m, {6});
  const int y = add_tensor(m, DType::kInt8, {6}, 0.5f, -7);
  auto l = lower(m, make_op(22, "RESHAPE", {x, shape}, {y}));
  CHECK(l.opcode == HB_OP_RESHAPE);
  CHECK(l.inputs == std::vector<int>{x});
  REQUIRE(l.overlaps.size() == 1);
  CHECK(l.overlaps[0].alias);

  const int pads = add_i32(m, {0, 0, 1, 2, 0, 1});
  const int z = add_tensor(m, DType::kInt8, {1, 5, 4}, 0.5f, -7);
  const auto pp = params_of<hb_pad_params>(lower(m, make_op(34, "PAD", {x, pads}, {z})));
  CHECK(pp.before[2] == 1);
  CHECK(pp.after[2] == 2);
  CHECK(pp.after[3] == 1);
  CHECK(pp.pad_value == -7);

  const int w = add_tensor(m, DType::kInt8, {1, 4, 3}, 0.5f, -7);
  hbc::Operator cat = make_op(2, "CONCATENATION", {x, x}, {w});
  cat.options.axis = -2;
  CHECK(params_of<hb_concatenation_params>(lower(m, cat)).axis == 2);
  m.tensors[static_cast<size_t>(w)].quant.zero_point = {0};
  CHECK(error_of(m, cat).find("quantization differs") != std::string::npos);
  hbc::Operator big = make_op(2, "CONCATENATION", std::vector<int>(8, x), {w});
  CHECK(error_of(m, big).find("8 inputs") != std::string::npos);
}

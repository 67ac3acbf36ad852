// Tests for the convolution-family check functions: a well-formed op passes,
// and each inconsistency eval would trip over is rejected.
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "hb/op_context.h"
#include "hb/ops/conv.h"

extern "C" {
hb_status hb_op_conv_2d_check(const hb_op_check_ctx* c);
hb_status hb_op_depthwise_conv_2d_check(const hb_op_check_ctx* c);
hb_status hb_op_transpose_conv_check(const hb_op_check_ctx* c);
hb_status hb_op_fully_connected_check(const hb_op_check_ctx* c);
}

namespace {

hb_tensor t4(uint8_t dtype, int n, int h, int w, int c, uint8_t storage = HB_STORAGE_ARENA,
             uint32_t offset = 0) {
  hb_tensor t{};
  t.dtype = dtype;
  t.ndim = 4;
  t.storage = storage;
  t.dims[0] = n;
  t.dims[1] = h;
  t.dims[2] = w;
  t.dims[3] = c;
  t.offset = offset;
  return t;
}

hb_tensor t1(uint8_t dtype, int n, uint8_t storage, uint32_t offset) {
  hb_tensor t{};
  t.dtype = dtype;
  t.ndim = 1;
  t.storage = storage;
  t.dims[0] = n;
  t.dims[1] = t.dims[2] = t.dims[3] = 1;
  t.offset = offset;
  return t;
}

// A 1x5x5x2 -> 1x5x5x3 3x3 SAME conv with a fake plan holding the
// multiplier (offset 0) and shift (offset 16) arrays.
struct Fixture {
  alignas(16) uint8_t plan[64] = {};
  hb_tensor in = t4(HB_DT_INT8, 1, 5, 5, 2);
  hb_tensor w = t4(HB_DT_INT8, 3, 3, 3, 2, HB_STORAGE_CONST, 32);
  hb_tensor bias = t1(HB_DT_INT32, 3, HB_STORAGE_CONST, 48);
  hb_tensor mult = t1(HB_DT_INT32, 3, HB_STORAGE_CONST, 0);
  hb_tensor shift = t1(HB_DT_INT32, 3, HB_STORAGE_CONST, 16);
  hb_tensor out = t4(HB_DT_INT8, 1, 5, 5, 3);
  hb_conv_params p{};
  hb_op op{};
  hb_op_check_ctx c{};
  Fixture() {
    const int32_t m[3] = {1 << 30, 1 << 30, 1 << 30}, s[3] = {-3, -4, 0};
    std::memcpy(plan, m, sizeof m);
    std::memcpy(plan + 16, s, sizeof s);
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.pad_h = p.pad_w = 1;
    p.depth_multiplier = 1;
    p.input_offset = 5;
    p.output_offset = -3;
    p.act_min = -128;
    p.act_max = 127;
    op.n_inputs = 5;
    op.n_outputs = 1;
    op.params_size = sizeof(hb_conv_params);
    c.op = &op;
    c.params = &p;
    c.in[0] = &in;
    c.in[1] = &w;
    c.in[2] = &bias;
    c.in[3] = &mult;
    c.in[4] = &shift;
    c.out[0] = &out;
    c.plan_base = plan;
  }
  void set_shift(int i, int32_t v) { std::memcpy(plan + 16 + 4 * i, &v, 4); }
};

}  // namespace

TEST_CASE("conv_2d check: accepts a consistent op, rejects each inconsistency") {
  {
    Fixture f;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_OK);
    f.c.in[2] = nullptr;  // bias is optional
    CHECK(hb_op_conv_2d_check(&f.c) == HB_OK);
  }
  {
    Fixture f;
    f.set_shift(1, 31);  // beyond TFLite's [-31, 30]
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_PARAMS);
  }
  {
    Fixture f;
    f.w.dims[3] = 1;  // grouped / mismatched weights
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;
    f.out.dims[3] = 4;  // more output channels than multipliers
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;
    f.p.stride_h = 0;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_PARAMS);
  }
  {
    Fixture f;
    f.p.act_min = 10;
    f.p.act_max = 5;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_PARAMS);
  }
  {
    Fixture f;
    f.bias.dtype = HB_DT_INT64;  // int8 op with an int64 bias
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;
    f.mult.storage = HB_STORAGE_ARENA;  // multipliers must be plan constants
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;
    f.op.params_size = 28;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;  // int16 activations need zero offsets and int64 bias
    f.in.dtype = f.out.dtype = HB_DT_INT16;
    f.bias.dtype = HB_DT_INT64;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_PARAMS);
    f.p.input_offset = f.p.output_offset = 0;
    CHECK(hb_op_conv_2d_check(&f.c) == HB_OK);
    f.set_shift(0, 15);  // the 64-bit path needs shift <= 14
    CHECK(hb_op_conv_2d_check(&f.c) == HB_ERR_BAD_PARAMS);
  }
}

TEST_CASE("depthwise and transpose conv checks") {
  {
    Fixture f;  // depthwise 2 -> 4 channels would need dm 2 and 4 multipliers
    f.w = t4(HB_DT_INT8, 1, 3, 3, 3, HB_STORAGE_CONST, 32);
    f.in.dims[3] = 3;
    f.out.dims[3] = 3;
    CHECK(hb_op_depthwise_conv_2d_check(&f.c) == HB_OK);
    f.p.depth_multiplier = 2;
    CHECK(hb_op_depthwise_conv_2d_check(&f.c) == HB_ERR_BAD_OP);
  }
  {
    Fixture f;  // transpose conv 1x5x5x2 -> 1x5x5x3 needs 75 * 4 bytes of scratch
    f.p.pad_h = f.p.pad_w = 1;
    CHECK(hb_op_transpose_conv_check(&f.c) == HB_ERR_BAD_OP);
    f.op.scratch_size = 75 * 4;
    CHECK(hb_op_transpose_conv_check(&f.c) == HB_OK);
    f.p.dilation_h = 2;
    CHECK(hb_op_transpose_conv_check(&f.c) == HB_ERR_BAD_PARAMS);
  }
}

TEST_CASE("fully_connected check") {
  Fixture f;
  hb_fully_connected_params fp{};
  fp.input_offset = 1;
  fp.act_min = -128;
  fp.act_max = 127;
  fp.batches = 5;
  fp.accum_depth = 10;
  fp.output_depth = 3;
  f.in = t4(HB_DT_INT8, 1, 5, 5, 2);  // 50 elements = 5 x 10
  f.w = t1(HB_DT_INT8, 30, HB_STORAGE_CONST, 32);
  f.w.ndim = 2;
  f.w.dims[0] = 3;
  f.w.dims[1] = 10;
  f.out = t1(HB_DT_INT8, 15, HB_STORAGE_ARENA, 0);
  f.out.ndim = 2;
  f.out.dims[0] = 5;
  f.out.dims[1] = 3;
  f.op.params_size = sizeof fp;
  f.c.params = &fp;
  CHECK(hb_op_fully_connected_check(&f.c) == HB_OK);
  fp.batches = 6;  // would read past the input
  CHECK(hb_op_fully_connected_check(&f.c) == HB_ERR_BAD_PARAMS);
  fp.batches = 5;
  fp.filter_offset = 200;
  CHECK(hb_op_fully_connected_check(&f.c) == HB_ERR_BAD_PARAMS);
}

// Tests for compile.cc and plan_writer.cc: the shared models compile into
// plans the runtime's loader accepts, with the header, tensor table and
// arena the compiler promised; the plans run bit-exact against TFLM's golden
// outputs; inspection reports kws's numbers; unsupported graphs are refused
// with the node index and dtype.
#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "hb/runtime.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"
#include "sha256.h"

namespace {

const std::string kShared = HB_SHARED_DIR;

std::vector<uint8_t> bytes_of(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

struct Case {
  const char* name;
  uint32_t max_arena;  // 0.8x TFLM's arena_used_bytes (x86-64 build)
};
const Case kCases[] = {{"kws_ref_model", 18217},
                       {"vww_96_int8", 80528},
                       {"pretrainedResnet_quant", 43472},
                       {"ad01_int8", 1808}};

// Runs a plan on `input`; returns the concatenated outputs.
std::vector<uint8_t> run_plan(const std::vector<uint8_t>& plan_bytes,
                              const std::vector<uint8_t>& input) {
  std::vector<uint32_t> plan_mem((plan_bytes.size() + 3) / 4);
  std::memcpy(plan_mem.data(), plan_bytes.data(), plan_bytes.size());
  hb_plan plan;
  hb_plan_header h;
  std::memcpy(&h, plan_bytes.data(), sizeof h);
  std::vector<uint64_t> arena_mem(h.arena_size / 8 + 2);
  auto* arena = reinterpret_cast<uint8_t*>(arena_mem.data());
  REQUIRE(reinterpret_cast<uintptr_t>(arena) % 16 == 0);
  REQUIRE(hb_plan_init(&plan, plan_mem.data(), static_cast<uint32_t>(plan_bytes.size()),
                       h.arena_size) == HB_OK);
  size_t pos = 0;
  for (uint32_t i = 0; i < h.n_inputs; ++i) {
    const uint16_t id = hb_plan_input(&plan, i);
    REQUIRE(pos + plan.tensors[id].bytes <= input.size());
    std::memcpy(hb_tensor_data(&plan, arena, id), input.data() + pos, plan.tensors[id].bytes);
    pos += plan.tensors[id].bytes;
  }
  REQUIRE(pos == input.size());
  REQUIRE(hb_invoke(&plan, arena, nullptr) == HB_OK);
  std::vector<uint8_t> out;
  for (uint32_t i = 0; i < h.n_outputs; ++i) {
    const uint16_t id = hb_plan_output(&plan, i);
    const auto* p = static_cast<const uint8_t*>(hb_tensor_data(&plan, arena, id));
    out.insert(out.end(), p, p + plan.tensors[id].bytes);
  }
  return out;
}

}  // namespace

TEST_CASE("compile: shared models -> valid plans, small arenas, golden outputs") {
  for (const Case& c : kCases) {
    CAPTURE(c.name);
    const std::string model_path = kShared + "/models/" + c.name + ".tflite";
    const hbc::Model m = hbc::read_tflite_file(model_path);
    hbc::InspectReport r;
    const std::vector<uint8_t> plan = hbc::compile_plan(m, {}, &r);
    REQUIRE(plan.size() >= sizeof(hb_plan_header));

    hb_plan_header h;
    std::memcpy(&h, plan.data(), sizeof h);
    CHECK(h.magic == HB_PLAN_MAGIC);
    CHECK(h.total_size == plan.size());
    CHECK(h.crc32 == hb_plan_crc(plan.data(), uint32_t(plan.size())));
    CHECK(h.flags == HB_PLAN_FLAG_INPUTS_PRESERVED);  // double rounding, inputs kept intact
    CHECK(h.n_ops == m.ops.size());
    CHECK(h.n_inputs == m.inputs.size());
    CHECK(h.n_outputs == m.outputs.size());
    CHECK(h.arena_size == r.arena_bytes);
    CHECK(h.arena_size <= c.max_arena);
    CHECK(h.const_offset % HB_PLAN_CONST_ALIGN == 0);
    const auto file = bytes_of(model_path);
    const auto digest = hbc::sha256(file.data(), file.size());
    CHECK(std::memcmp(h.model_sha256, digest.data(), 32) == 0);
    CHECK(r.plan_bytes == plan.size());
    CHECK(r.weight_bytes <= h.const_size);

    // Ops keep the TFLite node order and index.
    const auto* ops = reinterpret_cast<const hb_op*>(plan.data() + h.ops_offset);
    for (uint32_t i = 0; i < h.n_ops; ++i) CHECK(ops[i].source_index == i);

    // A corrupted byte anywhere after the CRC field is caught by the loader.
    std::vector<uint8_t> bad = plan;
    bad[bad.size() / 2] ^= 0x40;
    std::vector<uint32_t> bad_mem((bad.size() + 3) / 4);
    std::memcpy(bad_mem.data(), bad.data(), bad.size());
    hb_plan p;
    CHECK(hb_plan_init(&p, bad_mem.data(), static_cast<uint32_t>(bad.size()), h.arena_size) ==
          HB_ERR_BAD_CRC);

    // Bit-exact with TFLM (double rounding) on the golden cases.
    for (const char* cs : {"lcg", "zp", "lcg2"}) {
      CAPTURE(cs);
      const std::string base = kShared + "/golden/" + c.name + "/" + cs;
      CHECK(run_plan(plan, bytes_of(base + ".input.bin")) == bytes_of(base + ".output.bin"));
    }
  }
}

TEST_CASE("compile: single rounding sets the plan flag") {
  const hbc::Model m = hbc::read_tflite_file(kShared + "/models/ad01_int8.tflite");
  hbc::CompileOptions o;
  o.rounding = hbc::Rounding::kSingle;
  const auto plan = hbc::compile_plan(m, o);
  hb_plan_header h;
  std::memcpy(&h, plan.data(), sizeof h);
  CHECK((h.flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0);
  // The plan runs; its output has the right size.
  const auto in = bytes_of(kShared + "/golden/ad01_int8/lcg.input.bin");
  CHECK(run_plan(plan, in).size() == 640);
}

TEST_CASE("inspect: kws numbers") {
  const hbc::Model m = hbc::read_tflite_file(kShared + "/models/kws_ref_model.tflite");
  const hbc::InspectReport r = hbc::inspect_model(m, {});
  CHECK(r.sha256 == "aeea436800704fce17b17292e4412630ad856e9d777c044c64ef748a880bd0ae");
  REQUIRE(r.ops.size() == 13);
  CHECK(r.unsupported.empty());
  // conv 0: 25x5 outputs x 64 channels x (10x4x1) taps.
  CHECK(r.ops[0].op == "CONV_2D");
  CHECK(r.ops[0].macs == 25u * 5 * 64 * 10 * 4);
  CHECK(r.ops[0].inputs[0] == "1x49x10x1 int8");
  CHECK(r.ops[0].outputs[0] == "1x25x5x64 int8");
  // depthwise 3x3 over 25x5x64; pointwise 64->64.
  CHECK(r.ops[1].macs == 25u * 5 * 64 * 9);
  CHECK(r.ops[2].macs == 25u * 5 * 64 * 64);
  CHECK(r.ops[11].op == "FULLY_CONNECTED");
  CHECK(r.ops[11].macs == 64u * 12);
  uint64_t sum = 0;
  for (const auto& o : r.ops) sum += o.macs;
  CHECK(r.total_macs == sum);
  CHECK(r.total_macs > 2500000);
  CHECK(r.arena_bytes > 8000);  // at least one 25x5x64 activation
  CHECK(r.arena_bytes <= 18217);
  CHECK(r.weight_bytes > 20000);
  CHECK(r.plan_bytes > r.weight_bytes);
  REQUIRE(r.inputs.size() == 1);
  CHECK(r.inputs[0].shape == std::vector<int32_t>{1, 49, 10, 1});
  CHECK(r.inputs[0].zero_point == 83);
}

namespace {

// A two-op graph: op 0 is FLOOR (builtin 8, no lowering), op 1 an
// int8 RELU; tensors 0 -> 1 -> 2.
hbc::Model tiny_model(int first_op_code, const std::string& first_op_name, hbc::DType mid) {
  hbc::Model m;
  for (int i = 0; i < 3; ++i) {
    hbc::Tensor t;
    t.index = i;
    t.name = "t" + std::to_string(i);
    t.dtype = i == 1 ? mid : hbc::DType::kInt8;
    t.shape = {1, 8};
    t.quant.scale = {0.5f};
    t.quant.zero_point = {0};
    m.tensors.push_back(t);
  }
  hbc::Operator a;
  a.index = 0;
  a.builtin_code = first_op_code;
  a.op_name = first_op_name;
  a.inputs = {0};
  a.outputs = {1};
  hbc::Operator b;
  b.index = 1;
  b.builtin_code = 208;  // a code far beyond anything we lower
  b.op_name = "BUILTIN_208";
  b.inputs = {1};
  b.outputs = {2};
  m.ops = {a, b};
  m.inputs = {0};
  m.outputs = {2};
  m.n_subgraphs = 1;
  return m;
}

}  // namespace

TEST_CASE("inspect/compile: unsupported operators are listed, not just the first") {
  const hbc::Model m = tiny_model(8, "FLOOR", hbc::DType::kInt8);
  const hbc::InspectReport r = hbc::inspect_model(m, {});
  REQUIRE(r.unsupported.size() == 2);
  CHECK(r.unsupported[0].index == 0);
  CHECK(r.unsupported[0].error.find("FLOOR") != std::string::npos);
  CHECK(r.unsupported[0].error.find("node 0") != std::string::npos);
  CHECK(r.unsupported[0].error.find("int8") != std::string::npos);
  CHECK(r.unsupported[1].index == 1);
  CHECK(r.arena_bytes == 0);
  try {
    (void)hbc::compile_plan(m, {});
    FAIL("compile_plan accepted an unsupported operator");
  } catch (const hbc::CompileError& e) {
    CHECK(e.kind() == hbc::CompileError::Kind::kUnsupported);
    CHECK(std::string(e.what()) == "unsupported operator FLOOR (node 0), dtype int8");
  }
}

TEST_CASE("compile: float32 compute is refused with op, node and dtype") {
  // RELU (19) computing in float32.
  hbc::Model m = tiny_model(19, "RELU", hbc::DType::kFloat32);
  try {
    (void)hbc::compile_plan(m, {});
    FAIL("compile_plan accepted float32 compute");
  } catch (const hbc::CompileError& e) {
    const std::string msg = e.what();
    CHECK(e.kind() == hbc::CompileError::Kind::kUnsupported);
    CHECK(msg.find("RELU (node 0)") != std::string::npos);
    CHECK(msg.find("float32") != std::string::npos);
  }
  // A float graph input not consumed by QUANTIZE is refused up front.
  m.tensors[0].dtype = hbc::DType::kFloat32;
  CHECK_THROWS_AS(hbc::compile_plan(m, {}), hbc::CompileError);
}

TEST_CASE("preserved inputs survive a run; clobbered ones may not, in a smaller arena") {
  hbc::Model m =
      hbc::read_tflite_file(std::string(HB_SHARED_DIR) + "/models/pretrainedResnet_quant.tflite");
  hbc::CompileOptions keep;
  hbc::CompileOptions clobber;
  clobber.preserve_inputs = false;
  hbc::InspectReport rk, rc;
  std::vector<uint8_t> pk = hbc::compile_plan(m, keep, &rk);
  std::vector<uint8_t> pc = hbc::compile_plan(m, clobber, &rc);
  CHECK(rc.arena_bytes <= rk.arena_bytes);
  hb_plan_header hc;
  std::memcpy(&hc, pc.data(), sizeof hc);
  CHECK((hc.flags & HB_PLAN_FLAG_INPUTS_PRESERVED) == 0u);

  // Run the preserving plan and check the input bytes are untouched.
  std::vector<uint64_t> store((pk.size() + 7) / 8);
  std::memcpy(store.data(), pk.data(), pk.size());
  hb_plan plan;
  REQUIRE(hb_plan_init(&plan, store.data(), uint32_t(pk.size()), rk.arena_bytes) == HB_OK);
  std::vector<uint64_t> arena_store(rk.arena_bytes / 8 + 4);
  auto* arena = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(arena_store.data()) + 15) &
                                           ~uintptr_t{15});
  uint16_t in = hb_plan_input(&plan, 0);
  auto* x = static_cast<uint8_t*>(hb_tensor_data(&plan, arena, in));
  for (uint32_t i = 0; i < plan.tensors[in].bytes; ++i) x[i] = uint8_t(i * 7 + 3);
  REQUIRE(hb_invoke(&plan, arena, nullptr) == HB_OK);
  bool intact = true;
  for (uint32_t i = 0; i < plan.tensors[in].bytes; ++i)
    intact = intact && x[i] == uint8_t(i * 7 + 3);
  CHECK(intact);
}

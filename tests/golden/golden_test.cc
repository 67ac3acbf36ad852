// golden_test.cc: the runtime is bit-exact with TensorFlow Lite Micro.
//
// For every model and case in ../shared/golden/manifest.json the host
// runtime (compiled plan, double rounding) must reproduce TFLM's output byte
// for byte. For the lcg case every operator's output is compared as it is
// produced (a runtime end hook), so a failure names the first layer that
// diverges instead of only the final tensor.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "hb/runtime.h"
#include "hbc/compile.h"
#include "hbc/model.h"

namespace {

std::string shared_dir() {
  const char* env = std::getenv("HB_SHARED_DIR");
  return env ? env : HB_SHARED_DIR;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A plan copied into 16-aligned storage with its arena, ready to run.
struct LoadedPlan {
  std::vector<uint64_t> plan_store;   // 8-aligned backing for the plan bytes
  std::vector<uint64_t> arena_store;  // backing for the arena
  hb_plan plan{};
  uint8_t* arena = nullptr;

  explicit LoadedPlan(const std::vector<uint8_t>& bytes) {
    plan_store.resize((bytes.size() + 7) / 8);
    std::memcpy(plan_store.data(), bytes.data(), bytes.size());
    const auto* h = reinterpret_cast<const hb_plan_header*>(plan_store.data());
    arena_store.resize(h->arena_size / 8 + 4);
    auto p = reinterpret_cast<uintptr_t>(arena_store.data());
    arena = reinterpret_cast<uint8_t*>((p + 15) & ~uintptr_t{15});
    hb_status st =
        hb_plan_init(&plan, plan_store.data(), static_cast<uint32_t>(bytes.size()), h->arena_size);
    REQUIRE_MESSAGE(st == HB_OK, "hb_plan_init: " << hb_status_name(st));
  }

  void set_input(const std::vector<uint8_t>& in) {
    size_t off = 0;
    for (uint32_t i = 0; i < plan.header->n_inputs; ++i) {
      uint16_t id = hb_plan_input(&plan, i);
      uint32_t n = plan.tensors[id].bytes;
      REQUIRE(off + n <= in.size());
      std::memcpy(hb_tensor_data(&plan, arena, id), in.data() + off, n);
      off += n;
    }
    REQUIRE(off == in.size());
  }

  std::vector<uint8_t> output() {
    std::vector<uint8_t> out;
    for (uint32_t i = 0; i < plan.header->n_outputs; ++i) {
      uint16_t id = hb_plan_output(&plan, i);
      auto* d = static_cast<uint8_t*>(hb_tensor_data(&plan, arena, id));
      out.insert(out.end(), d, d + plan.tensors[id].bytes);
    }
    return out;
  }
};

// Compares each op's output with TFLM's per-layer tensor, in the end hook.
struct LayerCheck {
  const LoadedPlan* lp = nullptr;
  std::map<uint32_t, std::vector<uint8_t>> expected;  // by source op index
  std::string first_divergence;
  int checked = 0;

  static void on_end(void* user, uint32_t, const hb_op* op) {
    auto* self = static_cast<LayerCheck*>(user);
    auto it = self->expected.find(op->source_index);
    if (it == self->expected.end()) return;
    uint16_t id = op->tensors[op->n_inputs];
    const hb_tensor& t = self->lp->plan.tensors[id];
    auto* d = static_cast<const int8_t*>(hb_tensor_data(&self->lp->plan, self->lp->arena, id));
    ++self->checked;
    if (!self->first_divergence.empty()) return;
    const auto& want = it->second;
    if (want.size() != t.bytes) {
      self->first_divergence = "op " + std::to_string(op->source_index) + " " +
                               hb_op_name(op->opcode) + ": size " + std::to_string(t.bytes) +
                               " != golden " + std::to_string(want.size());
      return;
    }
    int mismatches = 0, max_diff = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      int diff = std::abs(int(d[i]) - int(static_cast<int8_t>(want[i])));
      if (diff) ++mismatches;
      if (diff > max_diff) max_diff = diff;
    }
    if (mismatches) {
      std::ostringstream s;
      s << "first divergent layer: op " << op->source_index << " " << hb_op_name(op->opcode) << ": "
        << mismatches << " of " << want.size() << " bytes differ (max |diff| " << max_diff << ")";
      self->first_divergence = s.str();
    }
  }
};

}  // namespace

TEST_CASE("runtime output equals TFLM golden output for every shared model and case") {
  const std::string dir = shared_dir() + "/golden/";
  auto manifest = nlohmann::json::parse(read_bytes(dir + "manifest.json"));
  int cases_run = 0;
  for (const auto& m : manifest["models"]) {
    const std::string name = m["name"];
    SUBCASE(name.c_str()) {
      hbc::Model model =
          hbc::read_tflite_file(shared_dir() + "/models/" + m["file"].get<std::string>());
      CHECK(model.sha256 == m["sha256"].get<std::string>());
      hbc::CompileOptions opts;  // double rounding, as TFLM's reference kernels
      LoadedPlan lp(hbc::compile_plan(model, opts));
      for (const auto& c : m["cases"]) {
        const std::string cname = c["name"];
        CAPTURE(name);
        CAPTURE(cname);
        lp.set_input(read_bytes(dir + c["input"].get<std::string>()));
        LayerCheck lc;
        lc.lp = &lp;
        hb_hooks hooks{nullptr, &LayerCheck::on_end, &lc};
        if (c.contains("tensors")) {
          for (const auto& t : c["tensors"])
            lc.expected[t["op_index"].get<uint32_t>()] =
                read_bytes(dir + t["file"].get<std::string>());
        }
        REQUIRE(hb_invoke(&lp.plan, lp.arena, &hooks) == HB_OK);
        std::vector<uint8_t> want = read_bytes(dir + c["output"].get<std::string>());
        std::vector<uint8_t> got = lp.output();
        CHECK_MESSAGE(lc.first_divergence.empty(), lc.first_divergence);
        if (c.contains("tensors")) CHECK(lc.checked == static_cast<int>(c["tensors"].size()));
        CHECK_MESSAGE(got == want, name << "/" << cname << ": output differs from TFLM");
        ++cases_run;
      }
    }
  }
  CHECK(cases_run > 0);
}

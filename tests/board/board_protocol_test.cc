// The harness on a real emulated board (mps2-an386, kws) driven at the byte
// level exactly as the MLPerf Tiny runner drives a DUT (docs/mlperf-tiny-protocol.md):
// name, profile, `db load N`, 31-byte `db <hex>` chunks each waiting for
// m-ready, `infer N W` parsed for m-lap-us and m-results, then `results`.
// Independent of MlperfClient: only SerialLink lines. Also: hb-mem against
// arm-none-eabi-size of the harness ELF and the compiler's arena figure.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "board_test_env.h"
#include "driver/elf_symbols.h"
#include "driver/serial_link.h"
#include "hb/plan_format.h"

namespace hb::board_test {
namespace {

using namespace std::chrono_literals;

// Sends cmd% and returns every line up to and including m-ready.
std::vector<std::string> transact(driver::SerialLink& link, const std::string& cmd,
                                  std::chrono::milliseconds timeout = 10s) {
  link.write(cmd + "%", 2s);
  std::vector<std::string> lines;
  for (;;) {
    auto l = link.read_line(timeout);
    REQUIRE_MESSAGE(l.has_value(), "no m-ready after '", cmd.substr(0, 40), "'");
    lines.push_back(*l);
    if (*l == "m-ready") return lines;
  }
}

// The reference firmware prints (float)(q - zp) * scale with "%0.3f".
std::string expected_results(const std::vector<uint8_t>& out, float scale, int32_t zp) {
  std::string s = "m-results-[";
  char b[32];
  for (size_t i = 0; i < out.size(); ++i) {
    const float v = static_cast<float>(static_cast<int8_t>(out[i]) - zp) * scale;
    std::snprintf(b, sizeof b, "%s%.3f", i ? "," : "", v);
    s += b;
  }
  return s + "]";
}

TEST_CASE("protocol: the MLPerf Tiny runner's byte-level session on mps2-an386") {
  if (skip_without_qemu()) return;
  const std::string model = "kws_ref_model";
  const auto& plan = plan_of(model);
  const auto input = read_bytes(shared_dir() / "golden" / model / "lcg.input.bin");
  const auto golden = read_bytes(shared_dir() / "golden" / model / "lcg.output.bin");

  // Output quantization from the plan (what the harness dequantizes with).
  hb_plan_header h;
  std::memcpy(&h, plan.data(), sizeof h);
  uint16_t out_id;
  std::memcpy(&out_id, plan.data() + h.io_offset + 2 * h.n_inputs, 2);
  hb_tensor t;
  std::memcpy(&t, plan.data() + h.tensors_offset + out_id * sizeof(hb_tensor), sizeof t);

  driver::BoardSession s(profile_of("mps2-an386"), session_options("mps2-an386"));
  s.boot(plan);  // reads the banner and hb-info (plan=ok)
  driver::SerialLink& link = s.board().serial();

  auto name = transact(link, "name");
  CHECK(name == std::vector<std::string>{"m-name-dut-[hilbench]", "m-ready"});
  auto prof = transact(link, "profile");
  REQUIRE(prof.size() == 3);
  CHECK(prof[0].starts_with("m-profile-[hilbench-harness"));
  CHECK(prof[1] == "m-model-[kws01]");

  // db load N, then 31-byte chunks (62 hex digits), m-ready after each.
  auto load = transact(link, "db load " + std::to_string(input.size()));
  CHECK(load == std::vector<std::string>{"m-[Expecting 490 bytes]", "m-ready"});
  size_t chunks = 0;
  for (size_t off = 0; off < input.size(); off += 31) {
    std::string cmd = "db ";
    char b[3];
    for (size_t i = off; i < std::min(off + 31, input.size()); ++i) {
      std::snprintf(b, sizeof b, "%02x", input[i]);
      cmd += b;
    }
    auto r = transact(link, cmd);
    ++chunks;
    const bool last = off + 31 >= input.size();
    CHECK(r == (last ? std::vector<std::string>{"m-load-done", "m-ready"}
                     : std::vector<std::string>{"m-ready"}));
  }
  CHECK(chunks == 16);  // ceil(490 / 31)

  // infer 3 1: the runner's line sequence, timestamps from the DUT's timer.
  auto inf = transact(link, "infer 3 1", 60s);
  REQUIRE(inf.size() == 8);
  CHECK(inf[0] == "m-warmup-start-1");
  CHECK(inf[1] == "m-warmup-done");
  CHECK(inf[2] == "m-infer-start-3");
  uint64_t t0 = 0, t1 = 0;
  REQUIRE(std::sscanf(inf[3].c_str(), "m-lap-us-%lu", &t0) == 1);
  REQUIRE(std::sscanf(inf[4].c_str(), "m-lap-us-%lu", &t1) == 1);
  CHECK(inf[5] == "m-infer-done");
  const std::string want = expected_results(golden, t.scale, t.zero_point);
  CHECK(inf[6] == want);
  CHECK(inf[7] == "m-ready");
  // Emulated time of 3 inferences of ~37.8 M instructions at 32 ns each: ~3.6 s.
  const double ms_per_inf = (t1 - t0) / 3.0 / 1000.0;
  MESSAGE("kws on mps2-an386: m-lap-us window ", t1 - t0, " us, ", ms_per_inf, " ms/inference");
  CHECK(ms_per_inf > 100);
  CHECK(ms_per_inf < 10000);

  auto res = transact(link, "results");
  CHECK(res == std::vector<std::string>{want, "m-ready"});
  auto print = transact(link, "db print");
  CHECK(print.size() == 62 + 1);  // ceil(490 / 8) lines + m-ready
}

TEST_CASE("memory: hb-mem agrees with arm-none-eabi-size and the compiler's arena") {
  if (skip_without_qemu()) return;
  for (const std::string board : {"mps2-an386", "netduinoplus2"}) {
    CAPTURE(board);
    const std::string model = "kws_ref_model";
    hbc::InspectReport rep;
    hbc::Model m = hbc::read_tflite_file((shared_dir() / "models" / (model + ".tflite")).string());
    const auto plan = hbc::compile_plan(m, hbc::CompileOptions{}, &rep);

    driver::BoardSession s(profile_of(board), session_options(board));
    s.boot(plan);
    auto mem = s.client().memory();
    // arm-none-eabi-size, Berkeley format: text data bss.
    const std::string elf = harness_elf(board).string();
    FILE* p = ::popen(("arm-none-eabi-size " + elf + " 2>/dev/null | tail -1").c_str(), "r");
    REQUIRE(p != nullptr);
    unsigned long text = 0, data = 0, bss = 0;
    const int got = std::fscanf(p, "%lu %lu %lu", &text, &data, &bss);
    ::pclose(p);
    if (got != 3) {
      MESSAGE("SKIPPED part: arm-none-eabi-size not available");
    } else {
      CHECK(mem["flash-harness"] == text + data);
      CHECK(mem["static-ram"] == data + bss);
      // Our ELF reader computes the same figures.
      const auto sz = driver::ElfSymbols::load(elf).sizes();
      CHECK(sz.text == text);
      CHECK(sz.data == data);
      CHECK(sz.bss == bss);
    }
    CHECK(mem["arena-used"] == rep.arena_bytes);
    CHECK(mem["arena-capacity"] == profile_of(board).arena_bytes);
    CHECK(mem["flash-plan"] == plan.size());
    REQUIRE(mem["stack-used"].has_value());
    CHECK(*mem["stack-used"] > 0);
    CHECK(*mem["stack-used"] < *mem["stack-size"]);
  }
}

}  // namespace
}  // namespace hb::board_test

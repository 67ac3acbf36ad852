// firmware_job_test.cc: run_job for firmware jobs (a user ELF speaking the
// MLPerf Tiny DUT protocol) on the emulated mps2-an386.
//
// Our own harness ELF stands in for a user firmware: it speaks the protocol,
// but answers infer with e-[No plan loaded] unless a plan sits in its model
// partition, so the test preloads one with a qemu `-device loader`
// (BoardEnvironment::firmware_test_qemu_args, a test-only hook; the job path
// itself is protocol-only). The smoke ELF prints no MLPerf banner: the
// "board did not boot" case.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/job_runner.h"
#include "driver/device_profile.h"
#include "driver/elf_image.h"
#include "driver/firmware_session.h"
#include "driver/testing/test_env.h"
#include "hbc/compile.h"
#include "hbc/model.h"

namespace {

namespace fs = std::filesystem;
namespace drv = hb::driver;
using hb::agent::BoardEnvironment;
using hb::agent::FailureType;
using hb::agent::JobFailure;
using hb::agent::JobRequest;

struct QuietHooks : hb::agent::JobHooks {
  std::vector<std::string> lines;
  void progress(const std::string&, const std::string&) override {}
  void log(const std::string& l) override { lines.push_back(l); }
  bool cancelled() override { return false; }
  void board_started(int) override {}
  void board_stopping() override {}
};

std::vector<uint8_t> read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

fs::path shared_dir() {
  if (const char* e = std::getenv("HB_SHARED_DIR")) return e;
  return "/work/shared";
}

BoardEnvironment env_for(const std::string& board) {
  BoardEnvironment env;
  env.board_id = board + "-test";
  env.profile_path = drv::testing::source_dir() / "device-profiles" / (board + ".json");
  env.profile = drv::load_device_profile(env.profile_path);
  return env;
}

FailureType failure_of(const JobRequest& job, const BoardEnvironment& env, std::string* msg) {
  QuietHooks hooks;
  try {
    hb::agent::run_job(job, env, hooks);
  } catch (const JobFailure& f) {
    *msg = f.what();
    return f.type();
  }
  FAIL("run_job did not fail");
  return FailureType::kInfrastructure;
}

fs::path fw_elf(const std::string& name) {
  return drv::testing::firmware_build_dir() / "mps2-an386" / name;
}

}  // namespace

TEST_CASE("firmware: input sizes per MLPerf Tiny model tag") {
  CHECK(drv::mlperf_input_bytes("kws01") == 490u);
  CHECK(drv::mlperf_input_bytes("vww01") == 27648u);
  CHECK(drv::mlperf_input_bytes("ic01") == 3072u);
  CHECK(drv::mlperf_input_bytes("ad01") == 2560u);
  CHECK_FALSE(drv::mlperf_input_bytes("").has_value());
  const auto kws = drv::mlperf_default_input("kws01");
  REQUIRE(kws.size() == 490);
  CHECK(kws[0] == 198);  // golden/README.md: 198 126 129 107 75 251
  CHECK(kws[5] == 251);
  const auto ad = drv::mlperf_default_input("ad01");
  REQUIRE(ad.size() == 2560);
  float f0;
  std::memcpy(&f0, ad.data(), 4);
  CHECK(f0 == doctest::Approx((198 - 128) / 128.0));
  CHECK(drv::mlperf_default_input("xyz").empty());
}

TEST_CASE("firmware job: not an ELF is a job error") {
  JobRequest job;
  job.is_firmware = true;
  job.artifact = {'h', 'e', 'l', 'l', 'o', 0, 1, 2, 3};
  std::string msg;
  CHECK(failure_of(job, env_for("mps2-an386"), &msg) == FailureType::kJob);
  CHECK(msg.find("firmware") != std::string::npos);
}

TEST_CASE("firmware job: wrong architecture and out-of-memory segments are job errors") {
  const fs::path elf = fw_elf("harness.elf");
  if (!fs::exists(elf)) {
    FAIL_CHECK(elf.string(), " missing: build the harness firmware");
    return;
  }
  JobRequest job;
  job.is_firmware = true;
  job.artifact = read_all(elf);
  job.artifact[18] = 62;  // e_machine = EM_X86_64
  job.artifact[19] = 0;
  std::string msg;
  CHECK(failure_of(job, env_for("mps2-an386"), &msg) == FailureType::kJob);
  MESSAGE("wrong machine: ", msg);

  // The same (valid) image on a board with another memory map.
  const drv::ElfImage image = drv::ElfImage::load(elf);
  const auto problems = drv::firmware_fit_problems(env_for("netduinoplus2").profile, image);
  CHECK_FALSE(problems.empty());
  CHECK(drv::firmware_fit_problems(env_for("mps2-an386").profile, image).empty());
  job.artifact = read_all(elf);
  CHECK(failure_of(job, env_for("netduinoplus2"), &msg) == FailureType::kJob);
  CHECK(msg.find("outside") != std::string::npos);
}

TEST_CASE("firmware job: harness ELF with a preloaded plan runs under the MLPerf protocol") {
  const std::string qemu = drv::testing::find_qemu();
  if (qemu.empty()) {
    MESSAGE("SKIPPED: qemu-system-arm not found");
    return;
  }
  const fs::path elf = fw_elf("harness.elf");
  REQUIRE_MESSAGE(fs::exists(elf), elf.string(), " missing: build the harness firmware");
  const auto plan = hbc::compile_plan(
      hbc::read_tflite_file((shared_dir() / "models/kws_ref_model.tflite").string()),
      hbc::CompileOptions{});
  char tmpl[] = "/tmp/hb_fwjob_plan_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, plan.data(), plan.size()) == static_cast<ssize_t>(plan.size()));
  ::close(fd);

  BoardEnvironment env = env_for("mps2-an386");
  env.qemu_binary = qemu;
  char addr[32];
  std::snprintf(addr, sizeof addr, "0x%x", env.profile.model_partition.start);
  // The harness exports hb_mark_begin/hb_mark_end: the plugin counts the
  // instructions of each timed region, an independent check of the DUT's
  // emulated-time timestamps (icount: 2^shift ns per instruction).
  const fs::path plugin = drv::testing::firmware_build_dir() / "qemu-plugin/libhb_icount.so";
  if (fs::exists(plugin)) env.icount_plugin = plugin;
  env.firmware_test_qemu_args = {
      "-device", std::string("loader,file=") + tmpl + ",addr=" + addr + ",force-raw=on"};
  JobRequest job;
  job.is_firmware = true;
  job.artifact = read_all(elf);
  job.runs = 3;
  job.warmup = 1;
  job.windows = 2;
  QuietHooks hooks;
  nlohmann::json r;
  try {
    r = hb::agent::run_job(job, env, hooks);
  } catch (const JobFailure& f) {
    for (const auto& l : hooks.lines) MESSAGE(l);
    fs::remove(tmpl);
    FAIL(hb::agent::to_string(f.type()), ": ", f.what());
  }
  fs::remove(tmpl);
  for (const auto& l : hooks.lines) MESSAGE(l);
  CHECK(r["latency"]["method"] == "DUT timestamps (emulated: instructions at the profile clock)");
  CHECK(r["latency"]["median_us"].get<double>() > 100.0);
  REQUIRE(r["latency"]["windows"].size() == 2);
  CHECK(r["latency"]["windows"][0]["results"].size() == 12);  // kws: 12 classes
  CHECK(r["latency"]["windows"][0]["runs"] == 3);
  CHECK(r["model_tag"] == "kws01");
  CHECK(r["input"]["bytes"] == 490);
  CHECK(r["output_check"]["check"] == "not applicable");
  CHECK(r["output_check"]["passed"].is_null());
  // Emulated time is deterministic: the two windows agree closely.
  const double a = r["latency"]["windows"][0]["us_per_inference"];
  const double b = r["latency"]["windows"][1]["us_per_inference"];
  CHECK(std::fabs(a - b) / a < 0.01);
  if (fs::exists(plugin)) {
    // The plugin's count at the profile clock (1 per cycle) against the DUT's
    // timestamps scaled from -icount virtual time to that clock.
    REQUIRE(r["latency"].contains("time_at_clock_us"));
    const double insn_us = r["latency"]["time_at_clock_us"];
    const double median = r["latency"]["median_us"];
    MESSAGE("instructions at the clock ", insn_us, " us vs DUT timestamps ", median, " us");
    CHECK(std::fabs(insn_us - median) / median < 0.01);
  } else {
    MESSAGE("no instruction-count cross-check: ", plugin.string(), " missing");
  }
  MESSAGE("kws01 on harness-as-firmware: ", r["latency"].dump());
}

TEST_CASE("firmware job: a firmware without the MLPerf banner is 'board did not boot'") {
  const std::string qemu = drv::testing::find_qemu();
  if (qemu.empty()) {
    MESSAGE("SKIPPED: qemu-system-arm not found");
    return;
  }
  const fs::path elf = fw_elf("smoke.elf");
  REQUIRE_MESSAGE(fs::exists(elf), elf.string(), " missing: build the firmware");
  BoardEnvironment env = env_for("mps2-an386");
  env.qemu_binary = qemu;
  JobRequest job;
  job.is_firmware = true;
  job.artifact = read_all(elf);
  std::string msg;
  CHECK(failure_of(job, env, &msg) == FailureType::kInfrastructure);
  CHECK(msg.find("board did not boot") != std::string::npos);
  MESSAGE(msg);
}

namespace {

// A minimal ARM ELF: one PT_LOAD at `base` holding a vector table (initial SP,
// reset handler) and a Thumb `b .`: a firmware that boots and then spins.
std::vector<uint8_t> spinning_elf(uint32_t base, uint32_t sp) {
  std::vector<uint8_t> code(16, 0);
  auto put32 = [](std::vector<uint8_t>& v, size_t at, uint32_t x) {
    for (int k = 0; k < 4; ++k) v[at + k] = static_cast<uint8_t>(x >> (8 * k));
  };
  put32(code, 0, sp);
  put32(code, 4, (base + 8) | 1u);  // reset handler, Thumb
  code[8] = 0xfe;                   // b . (0xe7fe)
  code[9] = 0xe7;
  const uint32_t ehsize = 52, phsize = 32, off = ehsize + phsize;
  std::vector<uint8_t> e(off + code.size(), 0);  // headers, then the code
  e[0] = 0x7f, e[1] = 'E', e[2] = 'L', e[3] = 'F', e[4] = 1, e[5] = 1, e[6] = 1;
  e[16] = 2;                      // ET_EXEC
  e[18] = 40;                     // EM_ARM
  e[20] = 1;                      // EV_CURRENT
  put32(e, 24, (base + 8) | 1u);  // e_entry
  put32(e, 28, ehsize);           // e_phoff
  put32(e, 36, 0x05000000);       // e_flags: EABI5
  e[40] = ehsize;
  e[42] = phsize;
  e[44] = 1;  // e_phnum
  e[46] = 40;
  put32(e, ehsize + 0, 1);  // PT_LOAD
  put32(e, ehsize + 4, off);
  put32(e, ehsize + 8, base);
  put32(e, ehsize + 12, base);
  put32(e, ehsize + 16, static_cast<uint32_t>(code.size()));
  put32(e, ehsize + 20, static_cast<uint32_t>(code.size()));
  put32(e, ehsize + 24, 5);  // R+X
  put32(e, ehsize + 28, 4);
  std::copy(code.begin(), code.end(), e.begin() + off);
  return e;
}

}  // namespace

TEST_CASE("firmware job: a firmware that spins without a banner is 'board did not boot'") {
  const std::string qemu = drv::testing::find_qemu();
  if (qemu.empty()) {
    MESSAGE("SKIPPED: qemu-system-arm not found");
    return;
  }
  BoardEnvironment env = env_for("mps2-an386");
  env.qemu_binary = qemu;
  JobRequest job;
  job.is_firmware = true;
  job.artifact = spinning_elf(env.profile.flash.start, env.profile.ram.start + 0x1000);
  REQUIRE(drv::ElfImage::parse(job.artifact).segments().size() == 1);
  std::string msg;
  CHECK(failure_of(job, env, &msg) == FailureType::kInfrastructure);
  CHECK(msg.find("board did not boot") != std::string::npos);
  MESSAGE(msg);
}

TEST_CASE("firmware: segments must lie in the profile's flash, RAM or model partition") {
  const drv::DeviceProfile mps2 = env_for("mps2-an386").profile;
  const auto ok = drv::ElfImage::parse(spinning_elf(mps2.flash.start, mps2.ram.start + 0x1000));
  CHECK(drv::firmware_fit_problems(mps2, ok).empty());
  // Linked for an STM32 (flash at 0x08000000): nothing at mps2's flash.
  const auto stm = drv::ElfImage::parse(spinning_elf(0x08000000, 0x20001000));
  const auto problems = drv::firmware_fit_problems(mps2, stm);
  REQUIRE(problems.size() == 2);  // the segment, and no vector table at 0x00000000
  CHECK(problems[0].find("0x08000000") != std::string::npos);
  CHECK(problems[1].find("vector table") != std::string::npos);
}

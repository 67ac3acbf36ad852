// board_test_env.h: what the board integration tests share: where the harness
// firmware, the plugin, the profiles and the shared models are, and a session
// factory. Header-only, tests only.
//
// Needs: qemu-system-arm (or $HB_QEMU), the harness firmware
// (<fw>/<board>/harness.elf, fw = $HB_FW_BUILD_DIR or <source>/build/firmware) and the
// instruction-count plugin (<fw>/qemu-plugin/libhb_icount.so, or
// $HB_ICOUNT_PLUGIN). A missing qemu skips loudly; missing firmware fails.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "driver/board_session.h"
#include "driver/device_profile.h"
#include "driver/testing/test_env.h"
#include "hbc/compile.h"
#include "hbc/model.h"

namespace hb::board_test {

namespace fs = std::filesystem;

inline fs::path shared_dir() {
  if (const char* e = std::getenv("HB_SHARED_DIR")) return e;
#ifdef HB_SHARED_DIR
  return HB_SHARED_DIR;
#else
  return "/work/shared";
#endif
}

// The four shared MLPerf Tiny models: golden folder name.
inline const std::vector<std::string>& shared_models() {
  static const std::vector<std::string> m = {"ad01_int8", "kws_ref_model", "vww_96_int8",
                                             "pretrainedResnet_quant"};
  return m;
}

inline std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot open ", p.string());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Compiled once per process (double rounding, the golden data's).
inline const std::vector<uint8_t>& plan_of(const std::string& model) {
  static std::map<std::string, std::vector<uint8_t>> cache;
  auto it = cache.find(model);
  if (it != cache.end()) return it->second;
  hbc::Model m = hbc::read_tflite_file((shared_dir() / "models" / (model + ".tflite")).string());
  return cache[model] = hbc::compile_plan(m, hbc::CompileOptions{});
}

inline driver::DeviceProfile profile_of(const std::string& board) {
  return driver::load_device_profile(driver::testing::source_dir() / "device-profiles" /
                                     (board + ".json"));
}

inline fs::path harness_elf(const std::string& board) {
  fs::path p = driver::testing::firmware_build_dir() / board / "harness.elf";
  REQUIRE_MESSAGE(fs::exists(p), p.string(),
                  " missing: build the harness firmware (firmware-harness, see its CMakeLists)");
  return p;
}

inline fs::path icount_plugin() {
  if (const char* e = std::getenv("HB_ICOUNT_PLUGIN")) return e;
  fs::path p = driver::testing::firmware_build_dir() / "qemu-plugin/libhb_icount.so";
  REQUIRE_MESSAGE(fs::exists(p), p.string(),
                  " missing: make -C firmware-harness/qemu-plugin, copy it there");
  return p;
}

inline bool skip_without_qemu() {
  if (!driver::testing::find_qemu().empty()) return false;
  MESSAGE("SKIPPED: qemu-system-arm not found in PATH (set HB_QEMU); board test not run");
  return true;
}

inline driver::BoardSessionOptions session_options(const std::string& board) {
  driver::BoardSessionOptions o;
  o.harness_elf = harness_elf(board);
  o.icount_plugin = icount_plugin();
  o.qemu_binary = driver::testing::find_qemu();
  return o;
}

}  // namespace hb::board_test

#include "driver/device_profile.h"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "driver/driver_error.h"
#include "driver/testing/test_env.h"

namespace hb::driver {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string bad_profile_message(const nlohmann::json& j) {
  try {
    parse_device_profile(j, "t.json");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kBadProfile);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every profile in device-profiles/ loads") {
  int n = 0;
  for (const auto& e : fs::directory_iterator(testing::source_dir() / "device-profiles")) {
    if (e.path().extension() != ".json") continue;
    CAPTURE(e.path().string());
    DeviceProfile p = load_device_profile(e.path());
    CHECK(p.id == e.path().stem().string());
    CHECK(p.emulated == p.qemu.has_value());
    CHECK(p.emulated != p.probe.has_value());
    CHECK(p.arena_bytes <= p.ram.size);
    ++n;
  }
  CHECK(n >= 6);
  DeviceProfile an386 =
      load_device_profile(testing::source_dir() / "device-profiles/mps2-an386.json");
  CHECK(an386.qemu->machine == "mps2-an386");
  CHECK(an386.qemu->cpu == "cortex-m4");
  CHECK(an386.qemu->icount_shift == 5);
  CHECK(an386.flash.start == 0u);
  CHECK(an386.ram.start == 0x20000000u);
  CHECK(an386.ram.size == 4u << 20);
  CHECK(an386.uart_baud == 115200u);
}

TEST_CASE("profile validation names the bad field") {
  nlohmann::json base = read_json(testing::source_dir() / "device-profiles/mps2-an386.json");
  auto with = [&](auto&& edit) {
    nlohmann::json j = base;
    edit(j);
    return bad_profile_message(j);
  };
  CHECK(with([](auto& j) { j.erase("memory"); }).find(".memory") != std::string::npos);
  CHECK(with([](auto& j) {
          j["memory"]["ram"]["start"] = "0x2000000";
        }).find(".memory.ram.start") != std::string::npos);
  CHECK(with([](auto& j) { j["memory"]["ram"]["start"] = "0x2000000G"; }) != "");
  CHECK(with([](auto& j) { j["memory"]["flash"]["start"] = "0xffffff00"; }).find("4 GiB") !=
        std::string::npos);
  CHECK(with([](auto& j) { j["clock_hz"] = -5; }).find(".clock_hz") != std::string::npos);
  CHECK(with([](auto& j) { j["clock_hz"] = "25000000"; }).find(".clock_hz") != std::string::npos);
  CHECK(with([](auto& j) { j["qemu"]["icount_shift"] = 11; }).find("icount_shift") !=
        std::string::npos);
  CHECK(with([](auto& j) { j.erase("qemu"); }).find(".qemu") != std::string::npos);
  CHECK(with([](auto& j) {
          j["probe"] = {{"pyocd_target", "x"}};
        }).find(".probe") != std::string::npos);
  CHECK(with([](auto& j) { j["timer"]["source"] = "RTC"; }).find(".timer.source") !=
        std::string::npos);
  CHECK(with([](auto& j) { j["arena_bytes"] = 5u << 20; }).find(".arena_bytes") !=
        std::string::npos);
  CHECK(with([](auto& j) { j["id"] = "MPS2"; }).find(".id") != std::string::npos);
  CHECK(with([](auto& j) { j = nlohmann::json::array(); }) != "");
  CHECK_THROWS_AS(parse_device_profile_text("{not json", "x"), DriverError);
  CHECK_THROWS_AS(load_device_profile("/nonexistent/p.json"), DriverError);
}

}  // namespace hb::driver

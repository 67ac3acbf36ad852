// What a board session must refuse or detect: a plan with a flipped bit (the
// board's own validation refuses it), a board that stops answering (a
// timeout, reported as BoardHung, emulator released), a model that does not
// fit the micro:bit (refused before any emulator starts, naming the shortfall
// in bytes). Plus the energy estimate's arithmetic and the no-model rule.
#include <doctest/doctest.h>
#include <signal.h>

#include <cerrno>
#include <cmath>
#include <nlohmann/json.hpp>

#include "board_test_env.h"
#include "driver/driver_error.h"
#include "driver/elf_symbols.h"
#include "driver/energy_estimate.h"

namespace hb::board_test {
namespace {

using namespace std::chrono_literals;
using driver::DriverError;

bool alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

TEST_CASE("refusal: a plan with a flipped bit is refused by the board") {
  if (skip_without_qemu()) return;
  std::vector<uint8_t> plan = plan_of("kws_ref_model");
  plan[plan.size() / 2] ^= 0x10;  // a weight bit: only the CRC can notice
  driver::BoardSession s(profile_of("mps2-an386"), session_options("mps2-an386"));
  // The strict boot refuses it as a job error naming the board's status...
  try {
    s.boot(plan);
    FAIL("boot accepted a corrupt plan");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kDeviceRejected);
    CHECK(!e.is_infrastructure());
    CHECK(std::string(e.what()) == "board refused the plan: HB_ERR_BAD_CRC");
  }
  // ...and the board never runs it.
  const driver::HbInfo info = s.boot(plan, /*allow_bad_plan=*/true);
  CHECK(info.plan == "HB_ERR_BAD_CRC");
  auto r = s.client().command_raw("infer 1 0", 5s);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "No plan loaded: HB_ERR_BAD_CRC");
  // The unmodified plan boots fine on the same session (a fresh emulator).
  CHECK(s.boot(plan_of("kws_ref_model")).plan == "ok");
}

TEST_CASE("refusal: a board that stops answering is detected by a timeout") {
  if (skip_without_qemu()) return;
  const auto& plan = plan_of("ad01_int8");
  const auto input = read_bytes(shared_dir() / "golden/ad01_int8/lcg.input.bin");
  pid_t pid = -1;
  SUBCASE("a command that never ends: infer 1000000 0") {
    driver::BoardSession s(profile_of("mps2-an386"), session_options("mps2-an386"));
    s.boot(plan);
    s.upload_input(input, driver::InputTransfer::kBinary);
    pid = s.board().pid();
    const auto t0 = std::chrono::steady_clock::now();
    try {
      s.client().infer(1000000, 0, 1500ms);
      FAIL("infer 1000000 returned");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kBoardHung);
      CHECK(e.is_infrastructure());
    }
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(waited >= 1.4);
    CHECK(waited < 5.0);
  }
  SUBCASE("a frozen emulator: SIGSTOP") {
    driver::BoardSession s(profile_of("mps2-an386"), session_options("mps2-an386"));
    s.boot(plan);
    pid = s.board().pid();
    REQUIRE(::kill(pid, SIGSTOP) == 0);
    try {
      s.client().command_raw("name", 1000ms);
      FAIL("a stopped board answered");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kBoardHung);
    }
    // The session's teardown must still end a stopped qemu.
  }
  CHECK_FALSE(alive(pid));  // the session released the emulator on the error path
}

TEST_CASE("refusal: the micro:bit refuses models that do not fit, naming the shortfall") {
  const auto prof = profile_of("microbit");
  // kws: arena 12336 > 8192 (a 4144-byte shortfall); plan 32272 fits the 64 KiB partition.
  const auto kws = driver::summarize_plan(plan_of("kws_ref_model"));
  auto p = driver::plan_fit_problems(prof, kws);
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "plan needs an arena of " + std::to_string(kws.arena_size) +
                    " bytes; microbit offers 8192 (arena_bytes): " +
                    std::to_string(kws.arena_size - 8192) + " bytes short");
  // ad01: the arena fits, the 287 KB plan does not fit the 64 KiB partition.
  const auto ad = driver::summarize_plan(plan_of("ad01_int8"));
  p = driver::plan_fit_problems(prof, ad);
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "plan is " + std::to_string(ad.total_size) +
                    " bytes; microbit's model partition holds 65536: " +
                    std::to_string(ad.total_size - 65536) + " bytes short");
  // Every shared model is refused; none is refused by the big mps2 board.
  for (const auto& m : shared_models()) {
    CAPTURE(m);
    CHECK_FALSE(driver::plan_fit_problems(prof, driver::summarize_plan(plan_of(m))).empty());
    CHECK(driver::plan_fit_problems(profile_of("mps2-an386"), driver::summarize_plan(plan_of(m)))
              .empty());
  }
  // The harness's input buffer (symbol g_db) is a limit too.
  if (std::filesystem::exists(driver::testing::firmware_build_dir() / "microbit/harness.elf")) {
    const auto db = driver::ElfSymbols::load(harness_elf("microbit")).require("g_db");
    CHECK(db.size == 1024);
  }
}

TEST_CASE("energy: estimate arithmetic, source named, no model means no number") {
  nlohmann::json j = nlohmann::json::parse(R"({"power": {"supply_v": 3.3,
      "active_ua_per_mhz": 110, "idle_ua": 2.8, "source": "DS12023", "verified": false}})");
  auto pm = driver::parse_power_model(j, "test");
  REQUIRE(pm.has_value());
  // 110 uA/MHz x 25 MHz = 2.75 mA; x 3.3 V = 9.075 mW; x 1.2105 s = 10985.3 uJ.
  auto e = driver::estimate_energy(*pm, 25000000, 1.2105);
  CHECK(e.current_ma == doctest::Approx(2.75));
  CHECK(e.power_mw == doctest::Approx(9.075));
  CHECK(e.energy_uj == doctest::Approx(10985.2875));
  CHECK(e.source.find("DS12023") == 0);
  CHECK(e.source.find("unverified") != std::string::npos);
  j["power"] = nullptr;
  CHECK_FALSE(driver::parse_power_model(j, "test").has_value());
  CHECK_FALSE(
      driver::load_power_model(driver::testing::source_dir() / "device-profiles/mps3-an547.json")
          .has_value());
  j["power"] = {{"supply_v", 3.3}, {"active_ua_per_mhz", 0}, {"source", "x"}};
  CHECK_THROWS_AS(driver::parse_power_model(j, "test"), DriverError);
}

}  // namespace
}  // namespace hb::board_test

// flasher_test.cc: command lines of the pyOCD/OpenOCD flashers for every real
// profile, a real openocd run with no probe attached (the honest "no
// hardware" path), and a fake `pyocd` on PATH for success, failure, timeout.
#include "driver/flasher.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver/driver_error.h"
#include "driver/testing/test_env.h"

namespace fs = std::filesystem;
using namespace hb::driver;
using namespace std::chrono_literals;
using Argv = std::vector<std::string>;

namespace {

DeviceProfile real_profile(const std::string& id) {
  return load_device_profile(testing::source_dir() / "device-profiles" / (id + ".json"));
}

// A temp dir with an executable `pyocd` (and `pyocd-flashtool`) shell script
// prepended to PATH for the object's lifetime. The script appends its argv
// (one line, space separated) to argv.log, prints a line, then behaves per
// $HB_FAKE_PYOCD: "ok" exit 0, "fail" exit 1, "hang" sleep forever.
struct FakePyocd {
  fs::path dir;
  std::string old_path;
  FakePyocd() {
    char tmpl[] = "/tmp/hb-fake-pyocd-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    for (const char* name : {"pyocd", "pyocd-flashtool"}) {
      fs::path p = dir / name;
      std::ofstream f(p);
      f << "#!/bin/sh\n"
           "echo \"$(basename \"$0\") $*\" >> \""
        << (dir / "argv.log").string()
        << "\"\n"
           "echo \"fake pyocd: mode $HB_FAKE_PYOCD\"\n"
           "case \"$HB_FAKE_PYOCD\" in\n"
           "  ok) exit 0 ;;\n"
           "  hang) sleep 1000; exit 0 ;;\n"
           "  *) echo 'No available debug probes are connected' >&2; exit 1 ;;\n"
           "esac\n";
      f.close();
      fs::permissions(p, fs::perms::owner_all);
    }
    const char* p = std::getenv("PATH");
    old_path = p ? p : "";
    ::setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
  }
  ~FakePyocd() {
    ::setenv("PATH", old_path.c_str(), 1);
    ::unsetenv("HB_FAKE_PYOCD");
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string log() const {
    std::ifstream f(dir / "argv.log");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
};

fs::path write_temp(const std::string& name, const std::string& bytes) {
  fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

}  // namespace

TEST_CASE("flasher command lines for every real profile") {
  struct Case {
    std::string id, pyocd_target, iface, target;
    uint32_t flash_start, partition_start;
  };
  const std::vector<Case> cases = {
      {"nucleo-l4r5zi", "stm32l4r5zitx", "interface/stlink.cfg", "target/stm32l4x.cfg", 0x08000000,
       0x08100000},
      {"nucleo-h743zi", "stm32h743zitx", "interface/stlink.cfg", "target/stm32h7x.cfg", 0x08000000,
       0x08100000},
      {"nrf52840dk", "nrf52840", "interface/jlink.cfg", "target/nrf52.cfg", 0x00000000, 0x00080000},
      {"rpi-pico", "rp2040", "interface/cmsis-dap.cfg", "target/rp2040.cfg", 0x10000000,
       0x10100000},
  };
  auto hex = [](uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08x", v);
    return std::string(b);
  };
  for (const Case& c : cases) {
    CAPTURE(c.id);
    DeviceProfile p = real_profile(c.id);
    REQUIRE(p.probe);
    CHECK(p.flash.start == c.flash_start);
    CHECK(p.model_partition.start == c.partition_start);

    PyocdFlasher modern(p, "UID123", PyocdTool::kModern);
    CHECK(modern.name() == "pyocd");
    CHECK(modern.flash_command("/fw/harness.elf", true, 0) ==
          Argv{"pyocd", "load", "-t", c.pyocd_target, "-u", "UID123", "--format", "elf",
               "/fw/harness.elf"});
    CHECK(modern.flash_command("/tmp/plan.bin", false, c.partition_start) ==
          Argv{"pyocd", "load", "-t", c.pyocd_target, "-u", "UID123", "--format", "bin",
               "--base-address", hex(c.partition_start), "/tmp/plan.bin"});
    CHECK(modern.reset_command() == Argv{"pyocd", "reset", "-t", c.pyocd_target, "-u", "UID123"});

    PyocdFlasher legacy(p, "UID123", PyocdTool::kLegacy);
    CHECK(legacy.name() == "pyocd-flashtool");
    CHECK(legacy.flash_command("/tmp/plan.bin", false, c.partition_start) ==
          Argv{"pyocd-flashtool", "-t", c.pyocd_target, "-b", "UID123", "-a",
               hex(c.partition_start), "/tmp/plan.bin"});
    CHECK(legacy.flash_command("/fw/h.elf", true, 0) ==
          Argv{"pyocd-flashtool", "-t", c.pyocd_target, "-b", "UID123", "/fw/h.elf"});
    CHECK(legacy.reset_command() ==
          Argv{"pyocd-tool", "-t", c.pyocd_target, "-b", "UID123", "reset"});

    OpenocdFlasher ocd(p, "UID123");
    CHECK(ocd.flash_command("/fw/harness.elf", true, 0) ==
          Argv{"openocd", "-f", c.iface, "-f", c.target, "-c", "adapter serial UID123", "-c",
               "program {/fw/harness.elf} verify reset exit"});
    CHECK(ocd.flash_command("/tmp/plan.bin", false, c.partition_start) ==
          Argv{"openocd", "-f", c.iface, "-f", c.target, "-c", "adapter serial UID123", "-c",
               "program {/tmp/plan.bin} " + hex(c.partition_start) + " verify reset exit"});
    CHECK(ocd.reset_command() == Argv{"openocd", "-f", c.iface, "-f", c.target, "-c",
                                      "adapter serial UID123", "-c", "init", "-c", "reset run",
                                      "-c", "shutdown"});

    // No UID: the only probe attached; no selection flags at all.
    CHECK(PyocdFlasher(p, "", PyocdTool::kModern).reset_command() ==
          Argv{"pyocd", "reset", "-t", c.pyocd_target});
    CHECK(OpenocdFlasher(p, "").reset_command() == Argv{"openocd", "-f", c.iface, "-f", c.target,
                                                        "-c", "init", "-c", "reset run", "-c",
                                                        "shutdown"});
  }
}

TEST_CASE("flashers refuse an emulated board") {
  DeviceProfile p = real_profile("mps2-an386");
  try {
    make_flasher(p, "X");
    FAIL("expected BadProfile");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kBadProfile);
  }
  CHECK_THROWS_AS(OpenocdFlasher(p, "X"), DriverError);
  CHECK_THROWS_AS(PyocdFlasher(p, "X", PyocdTool::kModern), DriverError);
}

TEST_CASE("openocd with no probe attached fails fast with openocd's message") {
  if (find_in_path("openocd").empty()) {
    MESSAGE("SKIPPED: openocd not installed");
    return;
  }
  DeviceProfile p = real_profile("nucleo-l4r5zi");
  auto f = make_flasher(p, "0672FF485550755187121723", FlasherKind::kOpenocd);
  CHECK(f->name() == "openocd");
  fs::path bin = write_temp("hb-flasher-test.bin", std::string(64, '\x5a'));
  auto t0 = std::chrono::steady_clock::now();
  try {
    f->flash(bin);
    FAIL("flashing without a probe succeeded");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kFlashFailed);
    CHECK(e.is_infrastructure());
    std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("exited with status 1") != std::string::npos);
    CHECK(msg.find("Open On-Chip Debugger") != std::string::npos);  // openocd's own output
    CHECK(msg.find("adapter serial 0672FF485550755187121723") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  // The plan path too (a temp .bin at the partition), and reset.
  std::vector<uint8_t> plan(256, 7);
  CHECK_THROWS_AS(f->write_plan(plan), DriverError);
  CHECK_THROWS_AS(f->reset(), DriverError);
  fs::remove(bin);
}

TEST_CASE("fake pyocd: success, failure with output, timeout") {
  FakePyocd fake;
  DeviceProfile p = real_profile("nucleo-l4r5zi");
  REQUIRE(detect_pyocd_tool() == PyocdTool::kModern);
  FlasherOptions opts;
  opts.flash_timeout = 1500ms;
  opts.reset_timeout = 1500ms;
  auto f = make_flasher(p, "UIDX", FlasherKind::kAuto, opts);
  REQUIRE(f->name() == "pyocd");

  ::setenv("HB_FAKE_PYOCD", "ok", 1);
  std::vector<uint8_t> plan(100, 1);
  f->write_plan(plan);
  std::string log = fake.log();
  CAPTURE(log);
  CHECK(log.find("pyocd load -t stm32l4r5zitx -u UIDX --format bin --base-address 0x08100000 /") !=
        std::string::npos);
  CHECK(log.find("hb-plan-") != std::string::npos);
  f->reset();
  CHECK(fake.log().find("pyocd reset -t stm32l4r5zitx -u UIDX\n") != std::string::npos);

  // An ELF goes without an address; an address with an ELF is a job error.
  fs::path elf = write_temp("hb-flasher-test.elf", std::string("\x7f"
                                                               "ELF",
                                                               4) +
                                                       std::string(60, '\0'));
  f->flash(elf);
  CHECK(fake.log().find("--format elf " + elf.string()) != std::string::npos);
  try {
    f->flash(elf, 0x08000000u);
    FAIL("expected BadImage");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kBadImage);
  }
  // A plan larger than the partition is the job's fault.
  std::vector<uint8_t> huge(p.model_partition.size + 1, 0);
  try {
    f->write_plan(huge);
    FAIL("expected BadImage");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kBadImage);
    CHECK(!e.is_infrastructure());
  }

  ::setenv("HB_FAKE_PYOCD", "fail", 1);
  try {
    f->reset();
    FAIL("expected FlashFailed");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kFlashFailed);
    std::string msg = e.what();
    CHECK(msg.find("No available debug probes are connected") != std::string::npos);
    CHECK(msg.find("exited with status 1") != std::string::npos);
  }

  ::setenv("HB_FAKE_PYOCD", "hang", 1);
  auto t0 = std::chrono::steady_clock::now();
  try {
    f->flash(elf);
    FAIL("expected Timeout");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kTimeout);
    CHECK(e.is_infrastructure());
    CHECK(std::string(e.what()).find("fake pyocd: mode hang") != std::string::npos);
  }
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 1400ms);
  CHECK(took < 5s);  // the sleeping grandchild was killed with the group
  fs::remove(elf);
}

TEST_CASE("fake Debian pyocd-flashtool only: legacy commands") {
  FakePyocd fake;
  fs::remove(fake.dir / "pyocd");
  // Make sure a real modern pyocd elsewhere in PATH does not win.
  if (find_in_path("pyocd") != "") {
    MESSAGE("SKIPPED: a real pyocd is installed in PATH");
    return;
  }
  REQUIRE(detect_pyocd_tool() == PyocdTool::kLegacy);
  DeviceProfile p = real_profile("nucleo-h743zi");
  auto f = make_flasher(p, "B1", FlasherKind::kPyocd);
  CHECK(f->name() == "pyocd-flashtool");
  ::setenv("HB_FAKE_PYOCD", "ok", 1);
  std::vector<uint8_t> plan(16, 2);
  f->write_plan(plan);
  CHECK(fake.log().find("pyocd-flashtool -t stm32h743zitx -b B1 -a 0x08100000 /") !=
        std::string::npos);
}

TEST_CASE("run_tool reports a missing program") {
  try {
    run_tool({"hb-no-such-tool-xyz"}, 1s);
    FAIL("expected FlashFailed");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kFlashFailed);
  }
}

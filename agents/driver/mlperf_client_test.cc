// MlperfClient against a test double DUT (testing/fake_mlperf_dut.h) that
// speaks the real wire protocol on a loopback TCP socket.
#include "driver/mlperf_client.h"

#include <doctest/doctest.h>

#include "driver/driver_error.h"
#include "driver/testing/fake_mlperf_dut.h"

namespace hb::driver {
namespace {

using namespace std::chrono_literals;
using testing::FakeMlperfDut;

std::unique_ptr<SerialLink> connect(const FakeMlperfDut& dut) {
  return SerialLink::connect_tcp("127.0.0.1", dut.port(), 2s);
}

DriverError::Kind kind_of(auto&& f) {
  try {
    f();
  } catch (const DriverError& e) {
    return e.kind();
  }
  FAIL("no DriverError thrown");
  return DriverError::Kind::kIo;
}

}  // namespace

TEST_CASE("line parsers") {
  CHECK(parse_lap_us("m-lap-us-123456") == std::optional<uint64_t>(123456));
  CHECK(parse_lap_us("m-lap-us-18446744073709551615") == std::optional<uint64_t>(UINT64_MAX));
  CHECK_FALSE(parse_lap_us("m-lap-us-18446744073709551616"));  // overflow
  CHECK_FALSE(parse_lap_us("m-lap-us-"));
  CHECK_FALSE(parse_lap_us("m-lap-us--5"));
  CHECK_FALSE(parse_lap_us("m-lap-us-12x"));
  CHECK_FALSE(parse_lap_us("m-lap-ms-12"));
  CHECK(bracket_payload("m-name-dut-[a [b] c]", "m-name-dut-") ==
        std::optional<std::string>("a [b] c"));
  CHECK_FALSE(bracket_payload("m-name-dut-[abc", "m-name-dut-"));
  CHECK_FALSE(bracket_payload("m-name-dut-abc]", "m-name-dut-"));
  auto r = parse_results("m-results-[0.000,0.996, 0.004,-1.5e2]");
  REQUIRE(r);
  CHECK(*r == std::vector<float>{0.0f, 0.996f, 0.004f, -150.0f});
  CHECK(parse_results("m-results-[]")->empty());
  CHECK_FALSE(parse_results("m-results-[0.1,,0.2]"));
  CHECK_FALSE(parse_results("m-results-[0.1,abc]"));
  CHECK_FALSE(parse_results("m-results-[nan]"));
  CHECK_FALSE(parse_results("m-results-[inf]"));
  CHECK_FALSE(parse_results("m-results-0.1,0.2"));
  InferResult ir;
  ir.iterations = 4;
  ir.start_us = 0xfffffff0u;
  ir.end_us = 0x10u;  // 32-bit wrap
  CHECK(ir.elapsed_us() == std::optional<uint64_t>(0x20));
  CHECK(ir.us_per_inference() == std::optional<double>(8.0));
}

TEST_CASE("mlperf client drives the fake DUT through a whole session") {
  FakeMlperfDut dut;
  auto link = connect(dut);
  MlperfClient c(*link);
  DutBoot boot = c.wait_boot(2s);
  CHECK(boot.timestamp_mode == "performance");
  CHECK(boot.timestamp_us == std::optional<uint64_t>(1000));
  CHECK(c.name() == "hilbench fake DUT");
  DutProfile p = c.profile();
  CHECK(p.firmware == "fake-ulp-mlperftiny 1.0");
  CHECK(p.model == "ic01");
  CHECK(c.timestamp_us() == 1000);

  std::vector<uint8_t> input(100);
  for (size_t i = 0; i < input.size(); ++i) input[i] = uint8_t(i * 37 + 11);
  c.load_input(input);
  CHECK(dut.input() == input);
  // 100 bytes in 31-byte chunks: db load + 4 db commands, as the official runner.
  auto cmds = dut.commands();
  REQUIRE(cmds.size() == 8);
  CHECK(cmds[3] == "db load 100");
  CHECK(cmds[4].size() == 3 + 62);
  CHECK(cmds[7] == "db 7ca1c6eb10355a");  // bytes 93..99, lower-case hex

  InferResult r = c.infer(20, 5, 2s);
  CHECK(r.start_us == std::optional<uint64_t>(1000 + 5 * 1500));
  CHECK(r.elapsed_us() == std::optional<uint64_t>(20 * 1500));
  CHECK(r.us_per_inference() == std::optional<double>(1500.0));
  REQUIRE(r.results.size() == 4);
  for (size_t i = 0; i < 4; ++i)
    CHECK(r.results[i] == doctest::Approx(input[i] / 255.0).epsilon(0.002));
  CHECK(c.results() == r.results);
}

TEST_CASE("mlperf client: errors, hangs, garbage") {
  SUBCASE("e-[...] is DeviceRejected (a job error), and the link stays usable") {
    FakeMlperfDut dut;
    auto link = connect(dut);
    MlperfClient c(*link);
    c.wait_boot(2s);
    try {
      c.command("frobnicate");
      FAIL("accepted");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kDeviceRejected);
      CHECK_FALSE(e.is_infrastructure());
      CHECK(std::string(e.what()).find("Unknown command: frobnicate") != std::string::npos);
    }
    CHECK(kind_of([&] { c.infer(0, 0, 1s); }) ==
          DriverError::Kind::kProtocolError);  // refused locally
    auto raw = c.command_raw("infer 0 0", 1s);
    CHECK(raw.errors == std::vector<std::string>{"Number of iterations must be > 0"});
    CHECK(c.name() == "hilbench fake DUT");
  }
  SUBCASE("a DUT that goes silent is BoardHung within the timeout") {
    FakeMlperfDut::Behavior b;
    b.hang_on = "infer";
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    MlperfClient c(*link);
    c.wait_boot(2s);
    auto t0 = Clock::now();
    try {
      c.infer(10, 1, 300ms);
      FAIL("returned");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kBoardHung);
      CHECK(e.is_infrastructure());
    }
    auto took = Clock::now() - t0;
    CHECK(took >= 290ms);
    CHECK(took < 1500ms);
  }
  SUBCASE("no boot banner is BoardHung") {
    FakeMlperfDut::Behavior b;
    b.boot_banner = false;
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    MlperfClient c(*link);
    CHECK(kind_of([&] { c.wait_boot(200ms); }) == DriverError::Kind::kBoardHung);
  }
  SUBCASE("garbage lines and bare newlines are tolerated and kept") {
    FakeMlperfDut::Behavior b;
    b.garbage = true;
    b.bare_newlines = true;
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    MlperfClient c(*link);
    c.wait_boot(2s);
    DutResponse r = c.command("name");
    CHECK(r.other.size() == 3);
    CHECK(c.name() == "hilbench fake DUT");
    const uint8_t in[] = {255, 0, 51};
    c.load_input(in);
    auto res = c.infer(3, 0, 2s);
    CHECK(res.results[0] == doctest::Approx(1.0));
  }
  SUBCASE("a babbling DUT is a ProtocolError, not unbounded memory") {
    FakeMlperfDut::Behavior b;
    b.babble_on = "name";
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    link->set_max_line_bytes(64 * 1024);
    MlperfClient c(*link);
    c.wait_boot(2s);
    CHECK(kind_of([&] { c.name(); }) == DriverError::Kind::kProtocolError);
  }
  SUBCASE("a closed connection is Io") {
    FakeMlperfDut::Behavior b;
    b.close_on = "timestamp";
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    MlperfClient c(*link);
    c.wait_boot(2s);
    CHECK(kind_of([&] { c.timestamp_us(); }) == DriverError::Kind::kIo);
  }
  SUBCASE("infer without results is a ProtocolError; energy mode has no timestamps") {
    FakeMlperfDut::Behavior b;
    b.omit_results = true;
    b.energy_mode = true;
    FakeMlperfDut dut(b);
    auto link = connect(dut);
    MlperfClient c(*link);
    CHECK(c.wait_boot(2s).timestamp_mode == "energy");
    CHECK(kind_of([&] { c.infer(1, 0, 1s); }) == DriverError::Kind::kProtocolError);
    CHECK(kind_of([&] { c.timestamp_us(); }) == DriverError::Kind::kProtocolError);
  }
}

}  // namespace hb::driver

// HarnessClient (hb- extensions) against the test double DUT.
#include "driver/harness_client.h"

#include <doctest/doctest.h>

#include "driver/driver_error.h"
#include "driver/testing/fake_mlperf_dut.h"

namespace hb::driver {

using namespace std::chrono_literals;

TEST_CASE("crc32_ieee matches the standard check value") {
  const char* s = "123456789";
  CHECK(crc32_ieee({reinterpret_cast<const uint8_t*>(s), 9}) == 0xCBF43926u);
}

TEST_CASE("hb- extension wrappers") {
  testing::FakeMlperfDut dut;
  auto link = SerialLink::connect_tcp("127.0.0.1", dut.port(), 2s);
  HarnessClient c(*link);
  c.wait_boot(2s);
  HbInfo i = c.info();
  CHECK(i.proto == "1.0");
  CHECK(i.board == "mps2-an386");
  CHECK(i.clock_hz == std::optional<uint64_t>(25000000));
  CHECK(i.plan == "ok");
  CHECK(i.plan_input_bytes == std::optional<uint64_t>(3072));
  HbLatency l = c.latency();
  CHECK(l.count == std::optional<uint64_t>(20));
  CHECK(l.median == std::optional<uint64_t>(1240000));
  CHECK_FALSE(l.max.has_value());  // "na"
  HbLayers ls = c.layers();
  REQUIRE(ls.layers.size() == 2);
  CHECK(ls.layers[0].op == "CONV_2D");
  CHECK(ls.layers[0].macs == std::optional<uint64_t>(2654208));
  CHECK(ls.layers[1].tflite_index == 2);
  CHECK_FALSE(ls.layers[1].ticks.has_value());
  auto m = c.memory();
  CHECK(m.at("stack-used") == std::optional<uint64_t>(3120));
  CHECK_FALSE(m.at("flash-plan").has_value());
  HbOutput o = c.output(0);
  REQUIRE(o.data.size() == 40);
  CHECK(o.data[39] == 39);
  CHECK(o.zero_point == -128);
  CHECK(o.scale_bits == 0x3b800000u);
  std::vector<uint8_t> in(300);
  for (size_t k = 0; k < in.size(); ++k) in[k] = uint8_t(k * 7);
  in[5] = '%';  // a command terminator inside binary data must be taken as data
  c.load_input_binary(in);
  CHECK(dut.input() == in);
  auto r = c.infer(2, 0, 2s);
  CHECK(r.results[0] == doctest::Approx(in[0] / 255.0));
}

}  // namespace hb::driver

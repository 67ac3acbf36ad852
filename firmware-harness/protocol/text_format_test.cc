// text_format_test.cc: the integer-only formatters against the C library's
// printf("%.3f") and the FPU's float multiply, which they must equal exactly.
#include "text_format.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ios>
#include <limits>
#include <random>
#include <string>

namespace {

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

std::string Fixed3(uint32_t bits) {
  char buf[HB_FMT_MAX];
  return std::string(buf, hb_fmt_f32_fixed3(buf, bits));
}

std::string Printf3(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(f));
  return buf;
}

}  // namespace

TEST_CASE("hb_fmt_f32_fixed3 prints like printf %.3f") {
  CHECK(Fixed3(Bits(0.0f)) == "0.000");
  CHECK(Fixed3(Bits(-0.0f)) == "-0.000");
  CHECK(Fixed3(Bits(0.99609375f)) == "0.996");
  CHECK(Fixed3(Bits(0.0625f)) == "0.062");  // exact tie: to even
  CHECK(Fixed3(Bits(0.1875f)) == "0.188");  // exact tie: to even
  CHECK(Fixed3(Bits(-0.0001f)) == "-0.000");
  CHECK(Fixed3(Bits(12345.5f)) == "12345.500");
  CHECK(Fixed3(Bits(std::numeric_limits<float>::infinity())) == "inf");
  CHECK(Fixed3(Bits(-std::numeric_limits<float>::infinity())) == "-inf");
  CHECK(Fixed3(0x7FC00000u) == "nan");
  // Every finite float of a wide random sample, plus the extremes.
  std::mt19937 rng(1234);
  for (int i = 0; i < 100000; ++i) {
    uint32_t bits = rng();
    if (((bits >> 23) & 0xFF) == 0xFF) continue;  // NaN/inf spelling varies by libc
    if (i % 2) bits = (bits & 0x807FFFFFu) | ((100u + rng() % 40u) << 23);  // |v| in [2^-27, 2^13)
    INFO("bits=" << std::hex << bits);
    REQUIRE(Fixed3(bits) == Printf3(bits));
  }
  for (uint32_t bits : {0x00000001u, 0x007FFFFFu, 0x00800000u, 0x7F7FFFFFu, 0xFF7FFFFFu,
                        0x3A83126Fu /* ~0.001 */, 0x3A03126Fu /* ~0.0005 */}) {
    CHECK(Fixed3(bits) == Printf3(bits));
  }
}

TEST_CASE("hb_f32_mul_int equals the float multiply (q - zp) * scale") {
  std::mt19937 rng(99);
  const float scales[] = {1.0f / 256.0f,
                          0.00390625f,
                          0.1f,
                          1.0f / 255.0f,
                          0.0123456f,
                          3.0e-5f,
                          -0.5f,
                          1e-40f /* subnormal */,
                          3e38f /* overflows */,
                          0.0f};
  for (float s : scales) {
    for (int32_t d = -65535; d <= 65535; d += 7) {
      const float want = static_cast<float>(d) * s;
      INFO("d=" << d << " scale=" << s);
      REQUIRE(hb_f32_mul_int(d, Bits(s)) == Bits(want));
    }
  }
  for (int i = 0; i < 100000; ++i) {
    uint32_t sb = rng();
    if (((sb >> 23) & 0xFF) == 0xFF) continue;
    const int32_t d = static_cast<int32_t>(rng() % 131071u) - 65535;
    float s;
    std::memcpy(&s, &sb, 4);
    const float want = static_cast<float>(d) * s;
    INFO("d=" << d << " scale bits=" << std::hex << sb);
    REQUIRE(hb_f32_mul_int(d, sb) == Bits(want));
  }
  CHECK(hb_f32_mul_int(0, Bits(std::numeric_limits<float>::infinity())) == 0x7FC00000u);
  CHECK(hb_f32_mul_int(-3, Bits(std::numeric_limits<float>::infinity())) == 0xFF800000u);
}

TEST_CASE("integer and hex formatting, strict parsing") {
  char b[HB_FMT_MAX];
  CHECK(std::string(b, hb_fmt_u64(b, 0)) == "0");
  CHECK(std::string(b, hb_fmt_u64(b, 18446744073709551615ull)) == "18446744073709551615");
  CHECK(std::string(b, hb_fmt_i64(b, INT64_MIN)) == "-9223372036854775808");
  CHECK(std::string(b, hb_fmt_hex(b, 0xDEADBEEFu, 8)) == "deadbeef");
  CHECK(std::string(b, hb_fmt_hex(b, 0x5u, 2)) == "05");
  uint32_t v = 0;
  int neg = 0;
  CHECK(hb_parse_u32("4294967295", &v));
  CHECK(v == 4294967295u);
  CHECK_FALSE(hb_parse_u32("4294967296", &v));
  CHECK_FALSE(hb_parse_u32("", &v));
  CHECK_FALSE(hb_parse_u32("12a", &v));
  CHECK_FALSE(hb_parse_u32("-1", &v));
  CHECK(hb_parse_signed_u32("-7", &v, &neg));
  CHECK((v == 7 && neg == 1));
  CHECK_FALSE(hb_parse_signed_u32("-", &v, &neg));
  CHECK(hb_parse_hex_u32("0xCBF43926", &v));
  CHECK(v == 0xCBF43926u);
  CHECK(hb_parse_hex_u32("cbf43926", &v));
  CHECK_FALSE(hb_parse_hex_u32("123456789", &v));
  CHECK_FALSE(hb_parse_hex_u32("0x", &v));
  CHECK_FALSE(hb_parse_hex_u32("12g4", &v));
}

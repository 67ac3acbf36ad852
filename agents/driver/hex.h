// hex.h: an address as the driver writes it in messages and tool arguments:
// "0x" and at least 8 lower-case hex digits (0x08100000). pyOCD, OpenOCD and
// the instruction-count plugin all read this form.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace hb::driver {

inline std::string hex32(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%08llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace hb::driver

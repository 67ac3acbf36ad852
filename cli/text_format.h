// text_format.h: number formatting for the CLI's human-readable output,
// shared by every command (`hilbench result`, `board run`, `model inspect`,
// the gate's Markdown report).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace hb_cli {

// `v` with `prec` digits after the point ("%.*f").
inline std::string fmt(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

// `v` with thousands separators: 37828183 -> "37,828,183", -1234 -> "-1,234".
// (Any count this tool prints fits a long long.)
inline std::string with_commas(long long v) {
  const bool neg = v < 0;
  const std::string s = std::to_string(neg ? -static_cast<unsigned long long>(v)
                                           : static_cast<unsigned long long>(v));
  std::string o = neg ? "-" : "";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) o += ',';
    o += s[i];
  }
  return o;
}

}  // namespace hb_cli

// url.h: percent-encoding of a query parameter's value (RFC 3986: everything
// but the unreserved characters A-Z a-z 0-9 - _ . ~), for the commands that
// build API v1 targets such as "/api/v1/baselines?model=<key>".
#pragma once

#include <cctype>
#include <cstdio>
#include <string>

namespace hb_cli {

inline std::string url_encode(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      o += static_cast<char>(c);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      o += b;
    }
  }
  return o;
}

}  // namespace hb_cli

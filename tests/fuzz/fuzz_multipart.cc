// fuzz_multipart.cc: libFuzzer target for the API's multipart/form-data
// parser (server/src/api/multipart.cc), which reads untrusted upload bodies.
//
// Input: a Content-Type header value, a newline, then the body. The parser
// must either return parts or throw ApiError (a 400), never read out of
// bounds, and every part it returns must be bytes of the body: a part's
// payload is a substring of the body, its name and filename are short.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/api_error.h"
#include "api/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string content_type = nl == std::string::npos ? in : in.substr(0, nl);
  const std::string body = nl == std::string::npos ? std::string() : in.substr(nl + 1);
  std::string boundary = hbs::api::multipart_boundary(content_type);
  if (boundary.empty()) boundary = "b";  // still parse the body with some boundary
  try {
    const auto parts = hbs::api::parse_multipart(body, boundary);
    size_t total = 0;
    for (const auto& p : parts) {
      total += p.body.size();
      if (body.find(p.body) == std::string::npos) std::abort();  // bytes from nowhere
      if (p.name.size() > body.size() || p.filename.size() > body.size()) std::abort();
    }
    if (total > body.size()) std::abort();
  } catch (const hbs::api::ApiError& e) {
    if (e.status() != 400) std::abort();  // malformed input is a client error, nothing else
  }
  return 0;
}

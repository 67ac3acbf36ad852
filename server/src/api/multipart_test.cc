// Tests for multipart.cc: curl-shaped bodies parse; broken ones are 400s.
#include <doctest/doctest.h>

#include "api/api_error.h"
#include "api/multipart.h"

using hbs::api::ApiError;
using hbs::api::multipart_boundary;
using hbs::api::parse_multipart;

TEST_CASE("multipart: boundary from the Content-Type") {
  CHECK(multipart_boundary("multipart/form-data; boundary=abc") == "abc");
  CHECK(multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a b\"") == "a b");
  CHECK(multipart_boundary("application/octet-stream") == "");
  CHECK(multipart_boundary("multipart/form-data") == "");
}

TEST_CASE("multipart: parts with names, file names and binary bodies") {
  const std::string bin("\x00\x01\r\n--notb\xff", 10);
  const std::string body =
      "preamble\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"m.tflite\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      bin +
      "\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
      "hi\r\n--XyZ--\r\n";
  const auto parts = parse_multipart(body, "XyZ");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].name == "file");
  CHECK(parts[0].filename == "m.tflite");
  CHECK(parts[0].content_type == "application/octet-stream");
  CHECK(parts[0].body == bin);
  CHECK(parts[1].name == "note");
  CHECK(parts[1].filename.empty());
  CHECK(parts[1].body == "hi");
}

TEST_CASE("multipart: malformed bodies are BadRequest, never a crash") {
  const char* bad[] = {
      "",
      "--b",
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno closing",
      "--b\r\nno blank line",
      "--bX",
      "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b",  // closing '--' missing, then EOF
  };
  for (const char* b : bad) {
    INFO(b);
    try {
      parse_multipart(b, "b");
      // The last case ends right after a delimiter: that is malformed too.
      FAIL("accepted");
    } catch (const ApiError& e) {
      CHECK(e.status() == 400);
    }
  }
  // Every prefix of a good body either parses or is a 400.
  const std::string good =
      "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--b--\r\n";
  for (size_t n = 0; n <= good.size(); ++n) {
    try {
      parse_multipart(good.substr(0, n), "b");
    } catch (const ApiError& e) {
      CHECK(e.status() == 400);
    }
  }
}

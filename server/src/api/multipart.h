// api/multipart.h: a small multipart/form-data parser (RFC 7578), enough for
// `curl -F file=@model.tflite`. Input is untrusted: every malformed shape is
// an ApiError::BadRequest, never an out-of-range read.
#pragma once

#include <string>
#include <vector>

namespace hbs::api {

struct MultipartPart {
  std::string name;          // Content-Disposition name=
  std::string filename;      // Content-Disposition filename= ("" if none)
  std::string content_type;  // part's Content-Type ("" if none)
  std::string body;          // raw bytes
};

// The boundary parameter of a multipart Content-Type header, or "" if the
// header is not multipart/form-data or has no boundary.
std::string multipart_boundary(const std::string& content_type);

// Splits `body` into parts. Throws ApiError::BadRequest when the body does
// not follow the format (no opening/closing delimiter, part without headers).
std::vector<MultipartPart> parse_multipart(const std::string& body, const std::string& boundary);

}  // namespace hbs::api

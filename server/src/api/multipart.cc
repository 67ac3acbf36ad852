// api/multipart.cc: see multipart.h.
#include "api/multipart.h"

#include <algorithm>
#include <cctype>

#include "api/api_error.h"

namespace hbs::api {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return s.substr(a, b - a);
}

// Value of `key` in a header's ;-separated parameters (quotes removed).
std::string param(const std::string& header, const std::string& key) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string::npos) {
    ++pos;
    size_t end = pos;
    bool quoted = false;
    while (end < header.size() && (quoted || header[end] != ';')) {
      if (header[end] == '"') quoted = !quoted;
      ++end;
    }
    const std::string kv = trim(header.substr(pos, end - pos));
    const size_t eq = kv.find('=');
    if (eq != std::string::npos && lower(trim(kv.substr(0, eq))) == key) {
      std::string v = trim(kv.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
    pos = end;
  }
  return "";
}

}  // namespace

std::string multipart_boundary(const std::string& content_type) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data")
    return "";
  std::string b = param(content_type, "boundary");
  if (b.size() > 70) return "";  // RFC 2046 limit
  return b;
}

std::vector<MultipartPart> parse_multipart(const std::string& body, const std::string& boundary) {
  if (boundary.empty()) throw ApiError::BadRequest("multipart: missing boundary");
  const std::string delim = "--" + boundary;
  std::vector<MultipartPart> parts;
  // The first delimiter may be preceded by a preamble.
  size_t pos = body.find(delim);
  if (pos == std::string::npos) throw ApiError::BadRequest("multipart: no opening boundary");
  pos += delim.size();
  for (;;) {
    if (body.compare(pos, 2, "--") == 0) return parts;  // closing delimiter
    if (body.compare(pos, 2, "\r\n") != 0)
      throw ApiError::BadRequest("multipart: malformed boundary line");
    pos += 2;
    const size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string::npos)
      throw ApiError::BadRequest("multipart: part without headers");
    MultipartPart part;
    size_t line = pos;
    while (line < head_end) {
      size_t eol = body.find("\r\n", line);
      if (eol == std::string::npos || eol > head_end) eol = head_end;
      const std::string h = body.substr(line, eol - line);
      const size_t colon = h.find(':');
      if (colon != std::string::npos) {
        const std::string name = lower(trim(h.substr(0, colon)));
        const std::string value = trim(h.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = param(value, "name");
          part.filename = param(value, "filename");
        } else if (name == "content-type") {
          part.content_type = value;
        }
      }
      line = eol + 2;
    }
    const size_t data = head_end + 4;
    const size_t next = body.find("\r\n" + delim, data);
    if (next == std::string::npos) throw ApiError::BadRequest("multipart: no closing boundary");
    part.body = body.substr(data, next - data);
    parts.push_back(std::move(part));
    pos = next + 2 + delim.size();
  }
}

}  // namespace hbs::api

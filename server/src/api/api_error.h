// api/api_error.h: the HTTP API's one error type.
//
// Every handler failure a client should see is an ApiError made with a named
// constructor; the HTTP status and the JSON body
//   {"error": {"code": "<code>", "message": "<message>"}}
// are derived here and nowhere else (schemas/api/error.schema.json). Anything
// else that escapes a handler becomes Internal (500) and is logged.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace hbs::api {

class ApiError : public std::runtime_error {
 public:
  static ApiError BadRequest(const std::string& m) { return {400, "bad_request", m}; }
  static ApiError Unauthorized(const std::string& m) { return {401, "unauthorized", m}; }
  static ApiError Forbidden(const std::string& m) { return {403, "forbidden", m}; }
  static ApiError NotFound(const std::string& m) { return {404, "not_found", m}; }
  static ApiError MethodNotAllowed(const std::string& m) { return {405, "method_not_allowed", m}; }
  static ApiError RequestTimeout(const std::string& m) { return {408, "request_timeout", m}; }
  static ApiError Conflict(const std::string& m) { return {409, "conflict", m}; }
  static ApiError PayloadTooLarge(const std::string& m) { return {413, "payload_too_large", m}; }
  static ApiError UnsupportedMediaType(const std::string& m) {
    return {415, "unsupported_media_type", m};
  }
  static ApiError Unprocessable(const std::string& m) { return {422, "unprocessable", m}; }
  static ApiError Internal(const std::string& m) { return {500, "internal", m}; }
  static ApiError Unavailable(const std::string& m) { return {503, "unavailable", m}; }

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  nlohmann::json body() const { return {{"error", {{"code", code_}, {"message", what()}}}}; }

 private:
  ApiError(int status, std::string code, const std::string& m)
      : std::runtime_error(m), status_(status), code_(std::move(code)) {}
  int status_;
  std::string code_;
};

}  // namespace hbs::api

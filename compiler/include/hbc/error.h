// hbc/error.h: the model compiler's one error type.
//
// Every compiler failure is a CompileError thrown with a named constructor
// and a message a user can act on. The CLI and the server map the kind to
// an exit code / HTTP status in one place each.
#pragma once

#include <stdexcept>
#include <string>

namespace hbc {

class CompileError : public std::runtime_error {
 public:
  enum class Kind {
    kMalformed,    // the file is not a valid .tflite (bad offsets, truncated, ...)
    kUnsupported,  // valid model, but an operator/dtype/feature we do not run
    kInvalid,      // valid flatbuffer, inconsistent model (shapes, quantization)
    kIo            // a file could not be read or written
  };

  static CompileError Malformed(const std::string& msg) { return {Kind::kMalformed, msg}; }
  static CompileError Unsupported(const std::string& msg) { return {Kind::kUnsupported, msg}; }
  static CompileError Invalid(const std::string& msg) { return {Kind::kInvalid, msg}; }
  static CompileError Io(const std::string& msg) { return {Kind::kIo, msg}; }

  Kind kind() const { return kind_; }
  const char* kind_name() const {
    switch (kind_) {
      case Kind::kMalformed:
        return "malformed model";
      case Kind::kUnsupported:
        return "unsupported";
      case Kind::kInvalid:
        return "invalid model";
      case Kind::kIo:
        return "i/o error";
    }
    return "error";
  }

 private:
  CompileError(Kind k, const std::string& msg) : std::runtime_error(msg), kind_(k) {}
  Kind kind_;
};

}  // namespace hbc

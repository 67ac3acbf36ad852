// driver_error.h: the board driver layer's one error type.
//
// Every failure of agents/driver (emulator, gdb stub, serial line, DUT
// protocol, device profile) is a DriverError thrown with a named constructor.
// Each kind is typed, as LAVA does, as either
//   - an infrastructure error: the board, probe, emulator or host failed; the
//     job is fine and may be retried on another board (Timeout, BoardHung,
//     FlashFailed, ProtocolError, EmulatorFailed, Io, BadProfile), or
//   - a job error: what the user submitted is at fault and a retry elsewhere
//     would fail the same way (BadImage: an unloadable firmware image;
//     DeviceRejected: the DUT answered a well-formed command with e-[...]).
// Callers that must decide "retry elsewhere or tell the user" look only at
// is_infrastructure(); the agent maps kinds to its wire status in one place.
#pragma once

#include <stdexcept>
#include <string>

namespace hb::driver {

class DriverError : public std::runtime_error {
 public:
  enum class Kind {
    kTimeout,         // an operation did not finish within its deadline (connect, gdb reply)
    kBoardHung,       // the DUT stopped answering (no m-ready within the command timeout)
    kFlashFailed,     // writing the image to the target failed (gdb E.. reply, verify mismatch)
    kProtocolError,   // the peer broke the wire protocol (bad checksum, garbage, missing line)
    kEmulatorFailed,  // qemu could not start or died (message carries its stderr)
    kIo,              // a socket/serial/file operation failed (connection reset, EOF)
    kBadProfile,      // a device profile is missing, malformed or inconsistent
    kBadImage,        // a firmware ELF is malformed or does not fit the board (job error)
    kDeviceRejected,  // the DUT answered e-[...] to a command (job error)
  };

  static DriverError Timeout(const std::string& msg) { return {Kind::kTimeout, msg}; }
  static DriverError BoardHung(const std::string& msg) { return {Kind::kBoardHung, msg}; }
  static DriverError FlashFailed(const std::string& msg) { return {Kind::kFlashFailed, msg}; }
  static DriverError ProtocolError(const std::string& msg) { return {Kind::kProtocolError, msg}; }
  static DriverError EmulatorFailed(const std::string& msg) { return {Kind::kEmulatorFailed, msg}; }
  static DriverError Io(const std::string& msg) { return {Kind::kIo, msg}; }
  static DriverError BadProfile(const std::string& msg) { return {Kind::kBadProfile, msg}; }
  static DriverError BadImage(const std::string& msg) { return {Kind::kBadImage, msg}; }
  static DriverError DeviceRejected(const std::string& msg) { return {Kind::kDeviceRejected, msg}; }

  Kind kind() const { return kind_; }

  // true: retry the job elsewhere; false: report it to the user as their error.
  bool is_infrastructure() const {
    return kind_ != Kind::kBadImage && kind_ != Kind::kDeviceRejected;
  }

  // Short lower-case name of the kind, for logs and wire status strings.
  const char* kind_name() const;

 private:
  DriverError(Kind k, const std::string& msg) : std::runtime_error(msg), kind_(k) {}
  Kind kind_;
};

}  // namespace hb::driver

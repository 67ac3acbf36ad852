// byte_stream.h: a bidirectional byte channel with a deadline on every call.
//
// The transport under SerialLink and GdbRemote: a loopback TCP socket (QEMU's
// serial chardev and gdb stub, test doubles) or a real serial port. Each
// object owns its own boost::asio io_context and runs it only inside its own
// calls, so there are no background threads; an operation that reaches its
// deadline is cancelled before the call returns (no I/O outlives a call).
// Not thread-safe: one user thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace hb::driver {

using Clock = std::chrono::steady_clock;

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // Waits until some bytes arrive or the deadline passes. Returns the number
  // read (> 0), or 0 when the deadline passed first. Throws DriverError::Io
  // when the peer closed the connection or the channel failed.
  virtual size_t read_some(std::span<uint8_t> buf, Clock::time_point deadline) = 0;

  // Writes all bytes. Throws DriverError::Timeout if they could not all be
  // written by the deadline (some may have been), DriverError::Io on failure.
  virtual void write_all(std::span<const uint8_t> data, Clock::time_point deadline) = 0;

  // Human-readable endpoint, e.g. "tcp 127.0.0.1:4321" or "/dev/ttyACM0 @115200".
  virtual std::string describe() const = 0;
};

// Connects to host:port (host is a numeric address or "localhost"). One attempt:
// DriverError::Io if refused/unreachable, DriverError::Timeout past the timeout.
// TCP_NODELAY is set: both the gdb protocol and the DUT protocol are
// request/response with small messages.
std::unique_ptr<ByteStream> connect_tcp_stream(const std::string& host, uint16_t port,
                                               std::chrono::milliseconds timeout);

// Opens a serial device in raw 8N1 mode, no flow control, at `baud`.
// DriverError::Io if it cannot be opened or the baud rate is refused.
std::unique_ptr<ByteStream> open_serial_port_stream(const std::string& device, uint32_t baud);

}  // namespace hb::driver

// serial_link.h: a line-oriented serial connection to a board's harness UART.
//
// One interface whatever carries the bytes: QEMU's serial chardev on a
// loopback TCP socket (emulated boards) or a real serial port (the board's
// USB virtual COM port, at the profile's baud). Reads are line-oriented:
// the DUT ends every line with "\r\n"; a line is returned without its "\n"
// and without a trailing "\r" (a bare "\n" also ends a line, so a firmware
// that forgets the "\r" still works). Writes are raw: the MLPerf protocol
// terminates commands with '%', not a newline.
//
// Every read has a timeout. Bytes received after the last complete line stay
// buffered for the next call. A line longer than max_line_bytes() is a
// DriverError::ProtocolError (a babbling or mis-clocked board), so memory
// stays bounded. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "driver/byte_stream.h"

namespace hb::driver {

class SerialLink {
 public:
  explicit SerialLink(std::unique_ptr<ByteStream> stream);

  // QEMU `-serial tcp:host:port,server=on` or a test double. One attempt (see
  // connect_tcp_stream); QemuBoard::connect_serial retries while qemu starts.
  static std::unique_ptr<SerialLink> connect_tcp(const std::string& host, uint16_t port,
                                                 std::chrono::milliseconds timeout);
  // A real port, e.g. "/dev/ttyACM0", at the profile's uart.baud.
  static std::unique_ptr<SerialLink> open_port(const std::string& device, uint32_t baud);

  // Writes raw bytes. DriverError::Timeout if not all sent within timeout.
  void write(std::string_view bytes, std::chrono::milliseconds timeout);

  // Next complete line (terminator stripped), or nullopt if none completed
  // within timeout (a partial line stays buffered). DriverError::Io when the
  // peer closed and no complete line is left.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  // Raw bytes: whatever is buffered, else waits up to timeout for some.
  // Returns the count (0 on timeout).
  size_t read_raw(std::span<uint8_t> buf, std::chrono::milliseconds timeout);

  // Drops everything buffered or arriving within `quiet` (stale output from a
  // previous command); returns the bytes dropped.
  size_t drain(std::chrono::milliseconds quiet);

  size_t max_line_bytes() const { return max_line_; }
  void set_max_line_bytes(size_t n) { max_line_ = n; }
  uint64_t bytes_received() const { return bytes_in_; }
  uint64_t bytes_sent() const { return bytes_out_; }
  std::string describe() const { return stream_->describe(); }

 private:
  // Pops a complete line from buf_ if there is one.
  std::optional<std::string> pop_line();

  std::unique_ptr<ByteStream> stream_;
  std::string buf_;  // received, not yet returned
  size_t max_line_ = 64 * 1024;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

}  // namespace hb::driver

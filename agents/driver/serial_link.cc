#include "driver/serial_link.h"

#include <algorithm>
#include <cstring>

#include "driver/driver_error.h"

namespace hb::driver {

SerialLink::SerialLink(std::unique_ptr<ByteStream> stream) : stream_(std::move(stream)) {}

std::unique_ptr<SerialLink> SerialLink::connect_tcp(const std::string& host, uint16_t port,
                                                    std::chrono::milliseconds timeout) {
  return std::make_unique<SerialLink>(connect_tcp_stream(host, port, timeout));
}

std::unique_ptr<SerialLink> SerialLink::open_port(const std::string& device, uint32_t baud) {
  return std::make_unique<SerialLink>(open_serial_port_stream(device, baud));
}

void SerialLink::write(std::string_view bytes, std::chrono::milliseconds timeout) {
  stream_->write_all({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                     Clock::now() + timeout);
  bytes_out_ += bytes.size();
}

std::optional<std::string> SerialLink::pop_line() {
  size_t nl = buf_.find('\n');
  if (nl == std::string::npos) {
    if (buf_.size() > max_line_)
      throw DriverError::ProtocolError(stream_->describe() + ": line longer than " +
                                       std::to_string(max_line_) + " bytes without a newline");
    return std::nullopt;
  }
  size_t len = nl;
  if (len > 0 && buf_[len - 1] == '\r') --len;
  std::string line = buf_.substr(0, len);
  buf_.erase(0, nl + 1);
  return line;
}

std::optional<std::string> SerialLink::read_line(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto line = pop_line()) return line;
    uint8_t chunk[4096];
    size_t n = stream_->read_some(chunk, deadline);  // throws Io on EOF
    if (n == 0) return std::nullopt;
    bytes_in_ += n;
    buf_.append(reinterpret_cast<const char*>(chunk), n);
  }
}

size_t SerialLink::read_raw(std::span<uint8_t> buf, std::chrono::milliseconds timeout) {
  if (!buf_.empty()) {
    size_t n = std::min(buf.size(), buf_.size());
    std::memcpy(buf.data(), buf_.data(), n);
    buf_.erase(0, n);
    return n;
  }
  size_t n = stream_->read_some(buf, Clock::now() + timeout);
  bytes_in_ += n;
  return n;
}

size_t SerialLink::drain(std::chrono::milliseconds quiet) {
  size_t dropped = buf_.size();
  buf_.clear();
  uint8_t chunk[4096];
  for (;;) {
    size_t n = stream_->read_some(chunk, Clock::now() + quiet);
    if (n == 0) return dropped;
    bytes_in_ += n;
    dropped += n;
  }
}

}  // namespace hb::driver

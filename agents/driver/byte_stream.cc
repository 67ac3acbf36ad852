#include "driver/byte_stream.h"

#include <termios.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/write.hpp>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// Shared body of the TCP and serial-port streams: both have the same
// async_read_some/async_write_some/cancel interface.
template <class Stream>
class AsioStream : public ByteStream {
 public:
  explicit AsioStream(std::string name) : stream_(io_), name_(std::move(name)) {}

  size_t read_some(std::span<uint8_t> buf, Clock::time_point deadline) override {
    error_code ec;
    size_t got = 0;
    bool done = false;
    stream_.async_read_some(asio::buffer(buf.data(), buf.size()), [&](error_code e, size_t n) {
      ec = e;
      got = n;
      done = true;
    });
    run_until(done, deadline);
    if (ec == asio::error::operation_aborted) return 0;  // deadline
    if (ec == asio::error::eof) throw DriverError::Io(name_ + ": connection closed by peer");
    if (ec) throw DriverError::Io(name_ + ": read failed: " + ec.message());
    return got;
  }

  void write_all(std::span<const uint8_t> data, Clock::time_point deadline) override {
    error_code ec;
    size_t sent = 0;
    bool done = false;
    asio::async_write(stream_, asio::buffer(data.data(), data.size()), [&](error_code e, size_t n) {
      ec = e;
      sent = n;
      done = true;
    });
    run_until(done, deadline);
    if (ec == asio::error::operation_aborted)
      throw DriverError::Timeout(name_ + ": write of " + std::to_string(data.size()) +
                                 " bytes timed out after " + std::to_string(sent));
    if (ec) throw DriverError::Io(name_ + ": write failed: " + ec.message());
  }

  std::string describe() const override { return name_; }

  Stream& stream() { return stream_; }
  asio::io_context& io() { return io_; }

  // Runs the io_context until `done` or the deadline; on the deadline cancels
  // the pending operation and runs its handler (with operation_aborted, or
  // success if it completed meanwhile), so no handler refers to a dead frame.
  void run_until(bool& done, Clock::time_point deadline) {
    io_.restart();
    while (!done) {
      auto now = Clock::now();
      if (now >= deadline) break;
      io_.run_one_for(deadline - now);
    }
    if (!done) {
      error_code ignored;
      stream_.cancel(ignored);
      io_.restart();
      while (!done) io_.run_one();
    }
  }

 private:
  asio::io_context io_;  // declared before stream_: the stream uses it
  Stream stream_;
  std::string name_;
};

using TcpStream = AsioStream<asio::ip::tcp::socket>;
using PortStream = AsioStream<asio::serial_port>;

}  // namespace

std::unique_ptr<ByteStream> connect_tcp_stream(const std::string& host, uint16_t port,
                                               std::chrono::milliseconds timeout) {
  std::string name = "tcp " + host + ":" + std::to_string(port);
  error_code ec;
  asio::ip::address addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw DriverError::Io(name + ": not a numeric address");
  auto s = std::make_unique<TcpStream>(name);
  bool done = false;
  s->stream().async_connect(asio::ip::tcp::endpoint(addr, port), [&](error_code e) {
    ec = e;
    done = true;
  });
  s->run_until(done, Clock::now() + timeout);
  if (ec == asio::error::operation_aborted)
    throw DriverError::Timeout(name + ": connect timed out");
  if (ec) throw DriverError::Io(name + ": connect failed: " + ec.message());
  s->stream().set_option(asio::ip::tcp::no_delay(true), ec);
  return s;
}

std::unique_ptr<ByteStream> open_serial_port_stream(const std::string& device, uint32_t baud) {
  std::string name = device + " @" + std::to_string(baud);
  auto s = std::make_unique<PortStream>(name);
  error_code ec;
  // asio's open() puts the tty in raw mode (no echo, no line editing, no CR/LF mapping).
  s->stream().open(device, ec);
  if (ec) throw DriverError::Io(name + ": open failed: " + ec.message());
  using sp = asio::serial_port_base;
  s->stream().set_option(sp::baud_rate(baud), ec);
  if (ec) throw DriverError::Io(name + ": baud rate refused: " + ec.message());
  s->stream().set_option(sp::character_size(8), ec);
  if (!ec) s->stream().set_option(sp::parity(sp::parity::none), ec);
  if (!ec) s->stream().set_option(sp::stop_bits(sp::stop_bits::one), ec);
  if (!ec) s->stream().set_option(sp::flow_control(sp::flow_control::none), ec);
  if (ec) throw DriverError::Io(name + ": cannot set 8N1: " + ec.message());
  // Whatever the board sent before we looked (an old banner) is stale.
  ::tcflush(s->stream().native_handle(), TCIFLUSH);
  return s;
}

}  // namespace hb::driver

// gdb_remote.h: a client for the GDB remote serial protocol (RSP), enough to
// load and start firmware on QEMU's gdb stub (and later on a probe's gdb server).
//
// Wire format: a packet is `$<payload>#<two hex digits>`, the digits being the
// payload's byte sum mod 256; the receiver answers `+` (accepted) or `-`
// (resend) unless no-ack mode was negotiated (QStartNoAckMode, used when the
// stub offers it: acks add a turnaround per packet). A reply may use
// run-length encoding (`x*<n>` = x repeated n-29 more times), which is decoded.
// The interrupt request is the single raw byte 0x03. Numbers in payloads are
// hex; register and memory contents are hex bytes in target (little-endian)
// order.
//
// Every call waits for its reply at most reply_timeout (DriverError::Timeout),
// except wait_stop, which takes its own timeout. An `Exx` reply to a memory
// write is DriverError::FlashFailed; to anything else ProtocolError. A bad
// checksum is NAKed and re-read up to 3 times. Not thread-safe.
//
// Typical use (QemuBoard started halted with -S):
//   auto gdb = board.connect_gdb();
//   auto rep = gdb->load_elf(ElfImage::load("smoke.elf"), profile.flash.start);
//   gdb->cont();   // the firmware runs; read its serial output
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "driver/byte_stream.h"
#include "driver/elf_image.h"

namespace hb::driver {

// Register numbers of QEMU's Cortex-M (M-profile) gdb register layout.
inline constexpr int kGdbRegSp = 13;
inline constexpr int kGdbRegLr = 14;
inline constexpr int kGdbRegPc = 15;
inline constexpr int kGdbRegXpsr = 25;

// A stop reply: T/S (target stopped with a signal), W (exited), X (killed).
struct GdbStop {
  char kind = 0;    // 'T', 'S', 'W' or 'X'
  int code = 0;     // signal number (T/S/X) or exit status (W)
  std::string raw;  // the whole reply payload
  bool exited() const { return kind == 'W' || kind == 'X'; }
};

// How load_elf leaves the CPU after writing the image.
enum class GdbStart {
  kVectorTable,  // SP, PC (Thumb bit cleared) and xPSR (T bit) set from the image's vector table
  kReset,        // `monitor system_reset`: the CPU's own reset reads the vector table
  kNone,         // registers untouched
};

struct GdbLoadReport {
  uint64_t bytes = 0;  // file bytes written (all PT_LOAD segments)
  size_t segments = 0;
  double write_seconds = 0;   // time spent in memory-write packets
  double verify_seconds = 0;  // time spent reading back (0 if not verified)
  uint32_t pc = 0, sp = 0;    // as read back from the target after the start step
  double write_mb_per_s() const { return write_seconds > 0 ? bytes / write_seconds / 1e6 : 0; }
};

struct GdbOptions {
  std::chrono::milliseconds reply_timeout{3000};
  bool allow_binary_writes = true;  // try `X` (binary) before falling back to `M` (hex)
  bool allow_no_ack = true;         // negotiate QStartNoAckMode when offered
};

class GdbRemote {
 public:
  using Options = GdbOptions;

  // Takes over a connected stream and performs the handshake (qSupported, no-ack).
  explicit GdbRemote(std::unique_ptr<ByteStream> stream, Options opts);
  explicit GdbRemote(std::unique_ptr<ByteStream> stream)
      : GdbRemote(std::move(stream), Options{}) {}

  // One connection attempt to host:port, then the handshake.
  static std::unique_ptr<GdbRemote> connect(const std::string& host, uint16_t port,
                                            std::chrono::milliseconds timeout, Options opts = {});

  // Largest packet the stub accepts (qSupported PacketSize, a hex number), bytes.
  size_t packet_size() const { return packet_size_; }
  bool no_ack() const { return no_ack_; }
  bool binary_writes() const { return x_state_ == XState::kYes; }
  // The stub's target description (qXfer:features:read:target.xml), if offered.
  const std::string& target_xml() const { return target_xml_; }

  // Sends one packet and returns the reply payload (decoded, without framing).
  std::string transact(std::string_view payload);

  // Memory. Writes are split into packets <= packet_size(); reads likewise.
  void write_memory(uint32_t addr, std::span<const uint8_t> data);
  std::vector<uint8_t> read_memory(uint32_t addr, size_t len);

  uint32_t read_register(int regnum);
  void write_register(int regnum, uint32_t value);

  // `monitor <cmd>` (qRcmd); returns the console output the stub sent.
  std::string monitor(std::string_view cmd);
  // `monitor system_reset`: the CPU restarts from its vector table.
  void reset() { monitor("system_reset"); }

  // Resumes the target (`c`). The stop reply comes later: wait_stop/interrupt.
  void cont();
  // Waits for the stop reply of a cont(): DriverError::Timeout if none in time.
  GdbStop wait_stop(std::chrono::milliseconds timeout);
  // Sends 0x03 to a running target and waits for its stop reply.
  GdbStop interrupt(std::chrono::milliseconds timeout);
  // `?`: why the target is stopped now.
  GdbStop halt_reason();

  // Writes every PT_LOAD segment at its load address, optionally reads them
  // back (verify), then starts the CPU per `start` (vector table at
  // `vector_table`, normally the profile's flash.start). Throws
  // DriverError::BadImage (no vector table in the image), FlashFailed (write
  // refused or verify mismatch), Timeout.
  GdbLoadReport load_elf(const ElfImage& image, uint32_t vector_table,
                         GdbStart start = GdbStart::kVectorTable, bool verify = true);

 private:
  enum class XState { kUnknown, kYes, kNo };

  void send_packet(std::string_view payload);
  std::string recv_packet(Clock::time_point deadline);
  int get_byte(Clock::time_point deadline);  // -1 on deadline
  GdbStop parse_stop(const std::string& reply) const;
  void write_chunk_hex(uint32_t addr, std::span<const uint8_t> data);
  // Returns the number of bytes of `data` written from its start.
  size_t write_chunk_binary(uint32_t addr, std::span<const uint8_t> data);
  [[noreturn]] void fail_reply(const std::string& what, const std::string& reply) const;

  std::unique_ptr<ByteStream> stream_;
  Options opts_;
  std::string rx_;  // received, not yet consumed
  size_t rx_pos_ = 0;
  size_t packet_size_ = 400;  // RSP default until qSupported says otherwise
  bool no_ack_ = false;
  XState x_state_ = XState::kUnknown;
  std::string target_xml_;
};

}  // namespace hb::driver

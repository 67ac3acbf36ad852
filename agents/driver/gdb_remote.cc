#include "driver/gdb_remote.h"

#include <cstdio>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr int kMaxResends = 3;
// Room kept free in a packet for the command letter, address, length and
// framing ("X20000000,ffffffff:" is 19 characters; "$", "#xx" are 3 more).
constexpr size_t kPacketOverhead = 32;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex_encode(std::span<const uint8_t> bytes) {
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

// Decodes hex pairs; false on an odd length or a non-hex digit.
bool hex_decode(std::string_view s, std::vector<uint8_t>& out) {
  if (s.size() % 2) return false;
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(uint8_t(hi << 4 | lo));
  }
  return true;
}

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "%x", v);
  return b;
}

uint8_t checksum(std::string_view s) {
  unsigned sum = 0;
  for (char c : s) sum += uint8_t(c);
  return uint8_t(sum);
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

GdbRemote::GdbRemote(std::unique_ptr<ByteStream> stream, Options opts)
    : stream_(std::move(stream)), opts_(opts) {
  if (!opts_.allow_binary_writes) x_state_ = XState::kNo;
  // qSupported reply: "PacketSize=1000;qXfer:features:read+;QStartNoAckMode+;..."
  std::string sup = transact("qSupported:multiprocess-;swbreak+;hwbreak+");
  bool offers_no_ack = false, offers_xml = false;
  size_t pos = 0;
  while (pos <= sup.size()) {
    size_t end = sup.find(';', pos);
    if (end == std::string::npos) end = sup.size();
    std::string_view feat(sup.data() + pos, end - pos);
    if (feat.starts_with("PacketSize=")) {
      size_t v = 0;
      bool ok = feat.size() > 11;
      for (char c : feat.substr(11)) {
        int d = hex_value(c);
        if (d < 0 || v > (1u << 24))
          ok = false;
        else
          v = v * 16 + size_t(d);
      }
      if (!ok || v < 64) fail_reply("bad PacketSize in qSupported", sup);
      packet_size_ = v;
    } else if (feat == "QStartNoAckMode+") {
      offers_no_ack = true;
    } else if (feat == "qXfer:features:read+") {
      offers_xml = true;
    }
    pos = end + 1;
  }
  // Reading target.xml is not optional: QEMU's stub refuses `P` (register
  // write) with an empty reply until the client has fetched the target
  // description, because the register numbering depends on it.
  if (offers_xml) {
    for (size_t off = 0; off < (1u << 20);) {
      std::string r = transact("qXfer:features:read:target.xml:" + hex32(uint32_t(off)) + "," +
                               hex32(uint32_t(packet_size_ - kPacketOverhead)));
      if (r.empty() || (r[0] != 'm' && r[0] != 'l')) fail_reply("reading target.xml failed", r);
      target_xml_.append(r, 1);
      off += r.size() - 1;
      if (r[0] == 'l' || r.size() == 1) break;
    }
  }
  if (offers_no_ack && opts_.allow_no_ack) {
    std::string r = transact("QStartNoAckMode");
    if (r == "OK") no_ack_ = true;  // the stub sends no more acks after its OK
  }
}

std::unique_ptr<GdbRemote> GdbRemote::connect(const std::string& host, uint16_t port,
                                              std::chrono::milliseconds timeout, Options opts) {
  return std::make_unique<GdbRemote>(connect_tcp_stream(host, port, timeout), opts);
}

void GdbRemote::fail_reply(const std::string& what, const std::string& reply) const {
  throw DriverError::ProtocolError("gdb " + stream_->describe() + ": " + what + " (reply '" +
                                   reply.substr(0, 80) + "')");
}

int GdbRemote::get_byte(Clock::time_point deadline) {
  if (rx_pos_ >= rx_.size()) {
    rx_.clear();
    rx_pos_ = 0;
    uint8_t chunk[8192];
    size_t n = stream_->read_some(chunk, deadline);
    if (n == 0) return -1;
    rx_.assign(reinterpret_cast<const char*>(chunk), n);
  }
  return uint8_t(rx_[rx_pos_++]);
}

void GdbRemote::send_packet(std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 4);
  frame.push_back('$');
  frame.append(payload);
  uint8_t cs = checksum(payload);
  frame.push_back('#');
  frame.push_back(kHex[cs >> 4]);
  frame.push_back(kHex[cs & 15]);
  auto deadline = Clock::now() + opts_.reply_timeout;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(frame.data()), frame.size());
  for (int attempt = 0;; ++attempt) {
    stream_->write_all(bytes, deadline);
    if (no_ack_) return;
    int c;
    do {
      c = get_byte(deadline);
      if (c < 0)
        throw DriverError::Timeout("gdb " + stream_->describe() + ": no ack for packet '" +
                                   std::string(payload.substr(0, 40)) + "'");
    } while (c != '+' && c != '-');  // anything else is noise before the ack
    if (c == '+') return;
    if (attempt + 1 >= kMaxResends)
      throw DriverError::ProtocolError("gdb " + stream_->describe() + ": packet NAKed " +
                                       std::to_string(kMaxResends) + " times");
  }
}

std::string GdbRemote::recv_packet(Clock::time_point deadline) {
  auto timeout = [&] {
    return DriverError::Timeout("gdb " + stream_->describe() + ": no reply in time");
  };
  for (int attempt = 0;; ++attempt) {
    int c;
    do {  // skip stray acks and noise up to the packet start
      c = get_byte(deadline);
      if (c < 0) throw timeout();
    } while (c != '$');
    std::string raw;
    for (;;) {
      c = get_byte(deadline);
      if (c < 0) throw timeout();
      if (c == '#') break;
      raw.push_back(char(c));
      if (raw.size() > packet_size_ + 4096 && raw.size() > (1u << 20))
        throw DriverError::ProtocolError("gdb " + stream_->describe() + ": runaway packet");
    }
    int h = get_byte(deadline), l = h < 0 ? -1 : get_byte(deadline);
    if (l < 0) throw timeout();
    int hv = hex_value(char(h)), lv = hex_value(char(l));
    bool ok = hv >= 0 && lv >= 0 && uint8_t(hv << 4 | lv) == checksum(raw);
    if (!no_ack_) {
      const uint8_t ack = ok ? '+' : '-';
      stream_->write_all({&ack, 1}, deadline);
    }
    if (!ok) {
      if (no_ack_ || attempt + 1 >= kMaxResends)
        throw DriverError::ProtocolError("gdb " + stream_->describe() +
                                         ": reply checksum mismatch");
      continue;  // the stub resends after our '-'
    }
    // Run-length decoding: "c*n" stands for c followed by (n - 29) more c.
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '*' && !out.empty() && i + 1 < raw.size()) {
        int n = uint8_t(raw[i + 1]) - 29;
        if (n > 0) out.append(size_t(n), out.back());
        ++i;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
}

std::string GdbRemote::transact(std::string_view payload) {
  send_packet(payload);
  return recv_packet(Clock::now() + opts_.reply_timeout);
}

void GdbRemote::write_chunk_hex(uint32_t addr, std::span<const uint8_t> data) {
  std::string p = "M" + hex32(addr) + "," + hex32(uint32_t(data.size())) + ":" + hex_encode(data);
  std::string r = transact(p);
  if (r != "OK")
    throw DriverError::FlashFailed("gdb: writing " + std::to_string(data.size()) + " bytes at 0x" +
                                   hex32(addr) + " refused: '" + r + "'");
}

size_t GdbRemote::write_chunk_binary(uint32_t addr, std::span<const uint8_t> data) {
  // Escaped length must fit: '#', '$', '}' and '*' become '}' + (byte ^ 0x20).
  size_t budget = packet_size_ - kPacketOverhead, n = 0, used = 0;
  std::string body;
  body.reserve(std::min(budget, data.size() * 2));
  while (n < data.size()) {
    uint8_t b = data[n];
    bool esc = b == '#' || b == '$' || b == '}' || b == '*';
    if (used + (esc ? 2 : 1) > budget) break;
    if (esc) {
      body.push_back('}');
      body.push_back(char(b ^ 0x20));
    } else {
      body.push_back(char(b));
    }
    used += esc ? 2 : 1;
    ++n;
  }
  std::string p = "X" + hex32(addr) + "," + hex32(uint32_t(n)) + ":" + body;
  std::string r = transact(p);
  if (r != "OK")
    throw DriverError::FlashFailed("gdb: writing " + std::to_string(n) + " bytes at 0x" +
                                   hex32(addr) + " refused: '" + r + "'");
  return n;
}

void GdbRemote::write_memory(uint32_t addr, std::span<const uint8_t> data) {
  if (data.empty()) return;
  if (uint64_t{addr} + data.size() > 0x100000000ull)
    throw DriverError::FlashFailed("gdb: write range wraps past 4 GiB");
  if (x_state_ == XState::kUnknown) {
    // gdb's own probe: a zero-length X; an empty reply means "not supported".
    std::string r = transact("X" + hex32(addr) + ",0:");
    x_state_ = r == "OK" ? XState::kYes : XState::kNo;
  }
  size_t done = 0;
  if (x_state_ == XState::kYes) {
    while (done < data.size())
      done += write_chunk_binary(addr + uint32_t(done), data.subspan(done));
    return;
  }
  size_t per = (packet_size_ - kPacketOverhead) / 2;
  while (done < data.size()) {
    size_t n = std::min(per, data.size() - done);
    write_chunk_hex(addr + uint32_t(done), data.subspan(done, n));
    done += n;
  }
}

std::vector<uint8_t> GdbRemote::read_memory(uint32_t addr, size_t len) {
  if (uint64_t{addr} + len > 0x100000000ull) fail_reply("read range wraps past 4 GiB", "");
  std::vector<uint8_t> out;
  out.reserve(len);
  size_t per = (packet_size_ - kPacketOverhead) / 2;
  while (out.size() < len) {
    size_t n = std::min(per, len - out.size());
    uint32_t a = addr + uint32_t(out.size());
    std::string r = transact("m" + hex32(a) + "," + hex32(uint32_t(n)));
    size_t before = out.size();
    if (r.empty() || r[0] == 'E' || !hex_decode(r, out) || out.size() - before != n) {
      out.resize(before);
      fail_reply("reading " + std::to_string(n) + " bytes at 0x" + hex32(a) + " failed", r);
    }
  }
  return out;
}

uint32_t GdbRemote::read_register(int regnum) {
  std::string r = transact("p" + hex32(uint32_t(regnum)));
  std::vector<uint8_t> b;
  if (r.size() < 8 || !hex_decode(r.substr(0, 8), b))
    fail_reply("reading register " + std::to_string(regnum) + " failed", r);
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

void GdbRemote::write_register(int regnum, uint32_t value) {
  const uint8_t le[4] = {uint8_t(value), uint8_t(value >> 8), uint8_t(value >> 16),
                         uint8_t(value >> 24)};
  std::string r = transact("P" + hex32(uint32_t(regnum)) + "=" + hex_encode(le));
  if (r != "OK") fail_reply("writing register " + std::to_string(regnum) + " failed", r);
}

std::string GdbRemote::monitor(std::string_view cmd) {
  std::string out;
  send_packet("qRcmd," + hex_encode({reinterpret_cast<const uint8_t*>(cmd.data()), cmd.size()}));
  auto deadline = Clock::now() + opts_.reply_timeout;
  for (;;) {
    std::string r = recv_packet(deadline);
    if (r == "OK") return out;
    if (!r.empty() && r[0] == 'O') {  // console output, hex-encoded; more packets follow
      std::vector<uint8_t> text;
      if (!hex_decode(std::string_view(r).substr(1), text)) fail_reply("bad monitor output", r);
      out.append(text.begin(), text.end());
      continue;
    }
    fail_reply("monitor '" + std::string(cmd) + "' failed", r);
  }
}

GdbStop GdbRemote::parse_stop(const std::string& r) const {
  GdbStop s;
  s.raw = r;
  if (r.size() < 3 || (r[0] != 'T' && r[0] != 'S' && r[0] != 'W' && r[0] != 'X') ||
      hex_value(r[1]) < 0 || hex_value(r[2]) < 0)
    fail_reply("not a stop reply", r);
  s.kind = r[0];
  s.code = hex_value(r[1]) * 16 + hex_value(r[2]);
  return s;
}

void GdbRemote::cont() { send_packet("c"); }

GdbStop GdbRemote::wait_stop(std::chrono::milliseconds timeout) {
  for (;;) {
    std::string r = recv_packet(Clock::now() + timeout);
    if (!r.empty() && r[0] == 'O' && r != "OK") continue;  // console output while running
    return parse_stop(r);
  }
}

GdbStop GdbRemote::interrupt(std::chrono::milliseconds timeout) {
  const uint8_t brk = 0x03;  // sent raw, outside any packet
  stream_->write_all({&brk, 1}, Clock::now() + opts_.reply_timeout);
  return wait_stop(timeout);
}

GdbStop GdbRemote::halt_reason() { return parse_stop(transact("?")); }

GdbLoadReport GdbRemote::load_elf(const ElfImage& image, uint32_t vector_table, GdbStart start,
                                  bool verify) {
  GdbLoadReport rep;
  uint32_t sp = 0, reset = 0;
  if (start == GdbStart::kVectorTable || start == GdbStart::kReset) {
    auto sp0 = image.read_u32(vector_table), pc0 = image.read_u32(vector_table + 4);
    if (!sp0 || !pc0)
      throw DriverError::BadImage("ELF has no vector table at 0x" + hex32(vector_table));
    if ((*pc0 & 1) == 0)
      throw DriverError::BadImage("reset vector 0x" + hex32(*pc0) + " lacks the Thumb bit");
    sp = *sp0;
    reset = *pc0 & ~1u;
  }
  auto t0 = Clock::now();
  for (const ElfSegment& s : image.segments()) {
    write_memory(s.load_addr, s.data);
    rep.bytes += s.data.size();
    ++rep.segments;
  }
  rep.write_seconds = seconds_since(t0);
  if (verify) {
    t0 = Clock::now();
    for (const ElfSegment& s : image.segments()) {
      std::vector<uint8_t> back = read_memory(s.load_addr, s.data.size());
      if (back != s.data)
        throw DriverError::FlashFailed("gdb: verify mismatch in segment at 0x" +
                                       hex32(s.load_addr) +
                                       " (target memory missing or read-only)");
    }
    rep.verify_seconds = seconds_since(t0);
  }
  if (start == GdbStart::kVectorTable) {
    write_register(kGdbRegSp, sp);
    write_register(kGdbRegPc, reset);
    write_register(kGdbRegXpsr, 0x01000000u);  // EPSR.T: Thumb state, thread mode
  } else if (start == GdbStart::kReset) {
    this->reset();
  }
  rep.pc = read_register(kGdbRegPc);
  rep.sp = read_register(kGdbRegSp);
  if (start != GdbStart::kNone && (rep.pc != reset || rep.sp != sp))
    throw DriverError::FlashFailed("gdb: after start, PC=0x" + hex32(rep.pc) + " SP=0x" +
                                   hex32(rep.sp) + ", expected PC=0x" + hex32(reset) + " SP=0x" +
                                   hex32(sp));
  return rep;
}

}  // namespace hb::driver

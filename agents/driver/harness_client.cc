#include "driver/harness_client.h"

#include <charconv>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

std::optional<uint64_t> parse_u64(const std::string& v, int base = 10) {
  uint64_t x = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x, base);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return x;
}

// A numeric value that may be "na"; anything else unparsable is a ProtocolError.
std::optional<uint64_t> number(const std::map<std::string, std::string>& kv, const std::string& key,
                               const char* cmd, bool required = false) {
  auto it = kv.find(key);
  if (it == kv.end()) {
    if (required) throw DriverError::ProtocolError(std::string(cmd) + ": no m-hb-" + key);
    return std::nullopt;
  }
  if (it->second == "na") return std::nullopt;
  auto v = parse_u64(it->second);
  if (!v)
    throw DriverError::ProtocolError(std::string(cmd) + ": m-hb-" + key + "=" + it->second +
                                     " is not a number");
  return v;
}

std::string text(const std::map<std::string, std::string>& kv, const std::string& key) {
  auto it = kv.find(key);
  return it == kv.end() ? std::string() : it->second;
}

}  // namespace

std::map<std::string, std::string> hb_key_values(const DutResponse& r) {
  std::map<std::string, std::string> kv;
  for (const std::string& l : r.lines) {
    if (!l.starts_with("m-hb-")) continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos) continue;
    kv[l.substr(5, eq - 5)] = l.substr(eq + 1);
  }
  return kv;
}

uint32_t crc32_ieee(std::span<const uint8_t> bytes, uint32_t crc) {
  crc = ~crc;
  for (uint8_t b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

HbInfo HarnessClient::info() {
  auto kv = hb_key_values(command("hb-info"));
  HbInfo i;
  i.proto = text(kv, "proto");
  if (i.proto.empty()) throw DriverError::ProtocolError("hb-info: no m-hb-proto");
  if (!i.proto.starts_with("1."))
    throw DriverError::ProtocolError("hb-info: protocol " + i.proto + ", this host speaks 1.x");
  i.firmware = text(kv, "firmware");
  i.runtime = text(kv, "runtime");
  i.board = text(kv, "board");
  i.core = text(kv, "core");
  i.timer = text(kv, "timer");
  i.mode = text(kv, "mode");
  i.plan = text(kv, "plan");
  i.clock_hz = number(kv, "clock-hz", "hb-info");
  i.timer_hz = number(kv, "timer-hz", "hb-info");
  i.arena_capacity = number(kv, "arena-capacity", "hb-info");
  i.input_capacity = number(kv, "input-capacity", "hb-info");
  i.plan_input_bytes = number(kv, "plan-input-bytes", "hb-info");
  i.plan_bytes = number(kv, "plan-bytes", "hb-info");
  i.plan_arena = number(kv, "plan-arena", "hb-info");
  i.plan_ops = number(kv, "plan-ops", "hb-info");
  i.plan_model = text(kv, "plan-model");
  i.plan_sha256 = text(kv, "plan-sha256");
  i.all = std::move(kv);
  return i;
}

HbLatency HarnessClient::latency() {
  auto kv = hb_key_values(command("hb-lat"));
  HbLatency l;
  l.count = number(kv, "lat-count", "hb-lat", true);
  l.min = number(kv, "lat-min", "hb-lat");
  l.median = number(kv, "lat-median", "hb-lat");
  l.max = number(kv, "lat-max", "hb-lat");
  l.total = number(kv, "lat-total", "hb-lat");
  l.kept = number(kv, "lat-kept", "hb-lat");
  l.timer_hz = number(kv, "lat-timer-hz", "hb-lat");
  l.timer = text(kv, "lat-timer");
  return l;
}

HbLayers HarnessClient::layers() {
  DutResponse r = command("hb-layers");
  auto kv = hb_key_values(r);
  HbLayers out;
  for (const std::string& line : r.lines) {
    auto p = bracket_payload(line, "m-hb-layer=");
    if (!p) continue;
    // [op index, op name, .tflite operator index, ticks, MACs]
    std::vector<std::string> f;
    size_t pos = 0;
    for (;;) {
      size_t c = p->find(',', pos);
      f.push_back(p->substr(pos, c == std::string::npos ? std::string::npos : c - pos));
      if (c == std::string::npos) break;
      pos = c + 1;
    }
    auto idx = f.size() == 5 ? parse_u64(f[0]) : std::nullopt;
    int64_t tfl = 0;
    bool tfl_ok = f.size() == 5 &&
                  std::from_chars(f[2].data(), f[2].data() + f[2].size(), tfl).ec == std::errc();
    if (!idx || !tfl_ok || f[1].empty() || (f[3] != "na" && !parse_u64(f[3])) ||
        (f[4] != "na" && !parse_u64(f[4])))
      throw DriverError::ProtocolError("hb-layers: bad line '" + line + "'");
    HbLayer l;
    l.index = uint32_t(*idx);
    l.op = f[1];
    l.tflite_index = tfl;
    l.ticks = f[3] == "na" ? std::nullopt : parse_u64(f[3]);
    l.macs = f[4] == "na" ? std::nullopt : parse_u64(f[4]);
    out.layers.push_back(std::move(l));
  }
  auto count = number(kv, "layers-count", "hb-layers", true);
  if (count && *count != out.layers.size())
    throw DriverError::ProtocolError("hb-layers: count " + std::to_string(*count) + " but " +
                                     std::to_string(out.layers.size()) + " layer lines");
  out.total_ticks = number(kv, "layers-total", "hb-layers");
  out.timer_hz = number(kv, "layers-timer-hz", "hb-layers");
  return out;
}

std::map<std::string, std::optional<uint64_t>> HarnessClient::memory() {
  auto kv = hb_key_values(command("hb-mem"));
  std::map<std::string, std::optional<uint64_t>> m;
  for (const auto& [k, v] : kv)
    if (k.starts_with("mem-")) m[k.substr(4)] = number(kv, k, "hb-mem");
  if (m.empty()) throw DriverError::ProtocolError("hb-mem: no m-hb-mem-* line");
  return m;
}

HbOutput HarnessClient::output(uint32_t index) {
  DutResponse r = command("hb-out " + std::to_string(index));
  auto kv = hb_key_values(r);
  HbOutput o;
  o.index = uint32_t(*number(kv, "out-index", "hb-out", true));
  o.dtype = text(kv, "out-dtype");
  uint64_t bytes = *number(kv, "out-bytes", "hb-out", true);
  auto scale = parse_u64(text(kv, "out-scale-bits"), 16);
  auto crc = parse_u64(text(kv, "out-crc32"), 16);
  int64_t zp = 0;
  std::string zps = text(kv, "out-zero-point");
  if (!scale || !crc || zps.empty() ||
      std::from_chars(zps.data(), zps.data() + zps.size(), zp).ec != std::errc())
    throw DriverError::ProtocolError("hb-out: missing or bad scale-bits/crc32/zero-point");
  o.scale_bits = uint32_t(*scale);
  o.zero_point = zp;
  for (const std::string& l : r.lines) {  // data lines repeat the key, so read them in order
    if (!l.starts_with("m-hb-out-data=")) continue;
    std::string_view hex = std::string_view(l).substr(14);
    if (hex.size() % 2) throw DriverError::ProtocolError("hb-out: odd hex digit count");
    for (size_t i = 0; i < hex.size(); i += 2) {
      auto b = parse_u64(std::string(hex.substr(i, 2)), 16);
      if (!b)
        throw DriverError::ProtocolError("hb-out: bad hex '" + std::string(hex.substr(i, 2)) + "'");
      o.data.push_back(uint8_t(*b));
    }
  }
  if (o.data.size() != bytes)
    throw DriverError::ProtocolError("hb-out: " + std::to_string(o.data.size()) + " data bytes, " +
                                     "announced " + std::to_string(bytes));
  if (crc32_ieee(o.data) != *crc) throw DriverError::ProtocolError("hb-out: CRC-32 mismatch");
  return o;
}

double HarnessClient::load_input_binary(std::span<const uint8_t> bytes) {
  if (bytes.empty()) throw DriverError::ProtocolError("hb-bin of 0 bytes");
  auto t0 = Clock::now();
  std::string cmd = "hb-bin " + std::to_string(bytes.size());
  link_.write(cmd + "%", opts_.command_timeout);
  // The DUT answers m-hb-bin-ready=N (no m-ready) or an error followed by m-ready.
  std::string ready = "m-hb-bin-ready=" + std::to_string(bytes.size());
  DutResponse pre;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t0 + opts_.command_timeout -
                                                                      Clock::now());
    auto line = left.count() > 0 ? link_.read_line(left) : std::nullopt;
    if (!line) throw DriverError::BoardHung("'" + cmd + "': no " + ready + " in time");
    if (*line == ready) break;
    if (*line == "m-ready") {
      std::string err = pre.errors.empty() ? "no " + ready : pre.errors.front();
      throw DriverError::DeviceRejected("'" + cmd + "': e-[" + err + "]");
    }
    if (line->starts_with("e-")) pre.errors.push_back(bracket_payload(*line, "e-").value_or(*line));
    pre.lines.push_back(*line);
  }
  uint32_t crc = crc32_ieee(bytes);
  const uint8_t trailer[4] = {uint8_t(crc), uint8_t(crc >> 8), uint8_t(crc >> 16),
                              uint8_t(crc >> 24)};
  // Host->target UART speed bounds the time: give each byte 1 ms on top of the command timeout.
  auto budget = opts_.command_timeout + std::chrono::milliseconds(bytes.size());
  link_.write({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, budget);
  link_.write({reinterpret_cast<const char*>(trailer), 4}, opts_.command_timeout);
  DutResponse r = collect_response("'" + cmd + "' data", Clock::now(), budget);
  if (!r.errors.empty())
    throw DriverError::DeviceRejected("'" + cmd + "': e-[" + r.errors.front() + "]");
  if (!r.find("m-load-done")) throw DriverError::ProtocolError("'" + cmd + "': no m-load-done");
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace hb::driver

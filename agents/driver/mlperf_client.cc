#include "driver/mlperf_client.h"

#include <charconv>
#include <cmath>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

using std::chrono::milliseconds;

std::string last_lines(const DutResponse& r, size_t n = 3) {
  std::string s;
  size_t from = r.lines.size() > n ? r.lines.size() - n : 0;
  for (size_t i = from; i < r.lines.size(); ++i) s += (s.empty() ? "'" : ", '") + r.lines[i] + "'";
  return s.empty() ? "nothing" : s;
}

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

std::optional<std::string> DutResponse::find(std::string_view prefix) const {
  for (const std::string& l : lines)
    if (std::string_view(l).starts_with(prefix)) return l;
  return std::nullopt;
}

std::optional<uint64_t> InferResult::elapsed_us() const {
  if (!start_us || !end_us) return std::nullopt;
  if (*end_us >= *start_us) return *end_us - *start_us;
  // A DUT with a 32-bit µs counter wraps every 71.6 minutes.
  if (*start_us <= 0xffffffffull && *end_us <= 0xffffffffull)
    return (*end_us + 0x100000000ull) - *start_us;
  return std::nullopt;
}

std::optional<double> InferResult::us_per_inference() const {
  auto e = elapsed_us();
  if (!e || iterations == 0) return std::nullopt;
  return double(*e) / iterations;
}

std::optional<std::string> bracket_payload(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size() + 2 || !line.starts_with(prefix) || line[prefix.size()] != '[' ||
      line.back() != ']')
    return std::nullopt;
  return std::string(line.substr(prefix.size() + 1, line.size() - prefix.size() - 2));
}

std::optional<uint64_t> parse_lap_us(std::string_view line) {
  constexpr std::string_view kPrefix = "m-lap-us-";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  std::string_view d = line.substr(kPrefix.size());
  if (d.empty() || d.size() > 20) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
  if (ec != std::errc() || end != d.data() + d.size()) return std::nullopt;
  return v;
}

std::optional<std::vector<float>> parse_results(std::string_view line) {
  auto payload = bracket_payload(line, "m-results-");
  if (!payload) return std::nullopt;
  std::vector<float> out;
  std::string_view p = *payload;
  if (p.empty()) return out;
  size_t pos = 0;
  for (;;) {
    size_t comma = p.find(',', pos);
    std::string_view item = p.substr(pos, comma == std::string_view::npos ? p.npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return std::nullopt;
    float v = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size() || !std::isfinite(v))
      return std::nullopt;
    out.push_back(v);
    if (comma == std::string_view::npos) return out;
    pos = comma + 1;
  }
}

MlperfClient::MlperfClient(SerialLink& link, MlperfOptions opts) : link_(link), opts_(opts) {
  if (opts_.db_chunk_bytes == 0 || opts_.db_chunk_bytes > 38)  // "db " + 2*38 hex <= 80 chars
    throw DriverError::ProtocolError("db_chunk_bytes must be 1..38");
}

DutResponse MlperfClient::collect_response(std::string_view what, Clock::time_point t0,
                                           milliseconds timeout) {
  SerialLink& link = link_;
  const MlperfOptions& opts = opts_;
  DutResponse r;
  auto deadline = t0 + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    std::optional<std::string> line;
    if (left.count() > 0) line = link.read_line(left);
    if (!line)
      throw DriverError::BoardHung("no m-ready within " + std::to_string(timeout.count()) +
                                   " ms after " + std::string(what) + " on " + link.describe() +
                                   "; last lines: " + last_lines(r));
    if (*line == "m-ready") {
      r.seconds = since(t0);
      return r;
    }
    if (r.lines.size() >= opts.max_response_lines)
      throw DriverError::ProtocolError(std::string(what) + ": more than " +
                                       std::to_string(opts.max_response_lines) +
                                       " lines without m-ready");
    if (line->starts_with("e-"))
      r.errors.push_back(bracket_payload(*line, "e-").value_or(line->substr(2)));
    else if (!line->starts_with("m-"))
      r.other.push_back(*line);
    r.lines.push_back(std::move(*line));
  }
}

DutBoot MlperfClient::wait_boot(milliseconds timeout) {
  DutBoot b;
  b.raw = collect_response("boot", Clock::now(), timeout);
  if (auto m = b.raw.find("m-timestamp-mode-")) b.timestamp_mode = m->substr(17);
  for (const std::string& l : b.raw.lines)
    if (auto us = parse_lap_us(l)) b.timestamp_us = us;
  if (!b.raw.find("m-init-done"))
    throw DriverError::ProtocolError("boot banner without m-init-done; got " + last_lines(b.raw));
  return b;
}

DutResponse MlperfClient::command_raw(std::string_view cmd, milliseconds timeout) {
  if (cmd.size() > 80 || cmd.find('%') != std::string_view::npos)
    throw DriverError::ProtocolError("command too long or containing '%': " + std::string(cmd));
  auto t0 = Clock::now();
  link_.write(std::string(cmd) + "%", timeout);
  return collect_response("'" + std::string(cmd) + "'", t0, timeout);
}

DutResponse MlperfClient::command(std::string_view cmd) {
  DutResponse r = command_raw(cmd, opts_.command_timeout);
  if (!r.errors.empty())
    throw DriverError::DeviceRejected("'" + std::string(cmd) + "': e-[" + r.errors.front() + "]");
  return r;
}

std::string MlperfClient::name() {
  DutResponse r = command("name");
  for (const std::string& l : r.lines)
    if (auto p = bracket_payload(l, "m-name-dut-")) return *p;
  throw DriverError::ProtocolError("'name': no m-name-dut-[...] line; got " + last_lines(r));
}

DutProfile MlperfClient::profile() {
  DutResponse r = command("profile");
  DutProfile p;
  bool found = false;
  for (const std::string& l : r.lines) {
    if (auto f = bracket_payload(l, "m-profile-")) p.firmware = *f, found = true;
    if (auto m = bracket_payload(l, "m-model-")) p.model = *m;
  }
  if (!found)
    throw DriverError::ProtocolError("'profile': no m-profile-[...]; got " + last_lines(r));
  return p;
}

uint64_t MlperfClient::timestamp_us() {
  DutResponse r = command("timestamp");
  for (const std::string& l : r.lines)
    if (auto us = parse_lap_us(l)) return *us;
  throw DriverError::ProtocolError("'timestamp': no m-lap-us-N (energy mode?); got " +
                                   last_lines(r));
}

double MlperfClient::load_input(std::span<const uint8_t> bytes) {
  if (bytes.empty()) throw DriverError::ProtocolError("db load of 0 bytes (the DUT refuses it)");
  auto t0 = Clock::now();
  DutResponse r = command("db load " + std::to_string(bytes.size()));
  std::string expect = "Expecting " + std::to_string(bytes.size()) + " bytes";
  bool ok = false;
  for (const std::string& l : r.lines)
    if (bracket_payload(l, "m-") == expect) ok = true;
  if (!ok)
    throw DriverError::ProtocolError("'db load': no m-[" + expect + "]; got " + last_lines(r));
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t off = 0; off < bytes.size(); off += opts_.db_chunk_bytes) {
    size_t n = std::min(opts_.db_chunk_bytes, bytes.size() - off);
    std::string cmd = "db ";
    for (size_t i = 0; i < n; ++i) {
      cmd.push_back(kHex[bytes[off + i] >> 4]);
      cmd.push_back(kHex[bytes[off + i] & 15]);
    }
    r = command(cmd);
    bool last = off + n == bytes.size();
    if (last && !r.find("m-load-done"))
      throw DriverError::ProtocolError("input upload: no m-load-done after the last chunk; got " +
                                       last_lines(r));
    if (!last && r.find("m-load-done"))
      throw DriverError::ProtocolError("input upload: m-load-done after " +
                                       std::to_string(off + n) + " of " +
                                       std::to_string(bytes.size()) + " bytes");
  }
  return since(t0);
}

InferResult MlperfClient::infer(uint32_t n, uint32_t warmups, milliseconds timeout) {
  if (n == 0) throw DriverError::ProtocolError("infer needs N > 0");
  std::string cmd = "infer " + std::to_string(n) + " " + std::to_string(warmups);
  InferResult res;
  res.iterations = n;
  res.warmups = warmups;
  res.raw = command_raw(cmd, timeout);
  if (!res.raw.errors.empty())
    throw DriverError::DeviceRejected("'" + cmd + "': e-[" + res.raw.errors.front() + "]");
  bool started = false, done = false, have_results = false;
  for (const std::string& l : res.raw.lines) {
    if (l == "m-infer-start-" + std::to_string(n))
      started = true;
    else if (l == "m-infer-done")
      done = true;
    else if (auto us = parse_lap_us(l); us && started && !done) {
      if (!res.start_us)
        res.start_us = us;
      else if (!res.end_us)
        res.end_us = us;
    } else if (l.starts_with("m-results-")) {
      auto v = parse_results(l);
      if (!v)
        throw DriverError::ProtocolError("'" + cmd + "': unparsable results line '" + l + "'");
      res.results = std::move(*v);
      have_results = true;
    }
  }
  if (!started || !done)
    throw DriverError::ProtocolError("'" + cmd + "': missing m-infer-start-" + std::to_string(n) +
                                     " or m-infer-done; got " + last_lines(res.raw));
  if (res.start_us.has_value() != res.end_us.has_value())
    throw DriverError::ProtocolError("'" + cmd + "': one timestamp instead of two");
  if (!have_results) throw DriverError::ProtocolError("'" + cmd + "': no m-results-[...] line");
  return res;
}

std::vector<float> MlperfClient::results() {
  DutResponse r = command("results");
  for (const std::string& l : r.lines)
    if (l.starts_with("m-results-")) {
      if (auto v = parse_results(l)) return *v;
      throw DriverError::ProtocolError("'results': unparsable line '" + l + "'");
    }
  throw DriverError::ProtocolError("'results': no m-results-[...] line; got " + last_lines(r));
}

}  // namespace hb::driver

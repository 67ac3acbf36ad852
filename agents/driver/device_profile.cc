#include "driver/device_profile.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

using nlohmann::json;

// Field accessors that name the offending field in their error.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw DriverError::BadProfile(origin_ + ": " + field + ": " + what);
  }

  const json& member(const json& obj, const std::string& field, const char* key) const {
    if (!obj.is_object()) fail(field, "not an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(field + "." + key, "missing");
    return *it;
  }

  std::string string(const json& obj, const std::string& field, const char* key,
                     bool allow_empty = false) const {
    const json& v = member(obj, field, key);
    if (!v.is_string()) fail(field + "." + key, "not a string");
    std::string s = v.get<std::string>();
    if (s.empty() && !allow_empty) fail(field + "." + key, "empty");
    return s;
  }

  uint64_t integer(const json& obj, const std::string& field, const char* key, uint64_t min,
                   uint64_t max) const {
    const json& v = member(obj, field, key);
    if (!v.is_number_integer()) fail(field + "." + key, "not an integer");
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u < min || u > max) fail(field + "." + key, "out of range: " + std::to_string(u));
      return u;
    }
    int64_t s = v.get<int64_t>();
    if (s < 0 || uint64_t(s) < min || uint64_t(s) > max)
      fail(field + "." + key, "out of range: " + std::to_string(s));
    return uint64_t(s);
  }

  bool boolean(const json& obj, const std::string& field, const char* key) const {
    const json& v = member(obj, field, key);
    if (!v.is_boolean()) fail(field + "." + key, "not a boolean");
    return v.get<bool>();
  }

  // Region: {"start": "0x%08x" (lower-case hex string), "size": bytes}.
  MemoryRegion region(const json& obj, const std::string& field, const char* key) const {
    const json& r = member(obj, field, key);
    std::string name = field + "." + key;
    std::string s = string(r, name, "start");
    if (s.size() != 10 || s[0] != '0' || s[1] != 'x')
      fail(name + ".start", "not 0x + 8 hex digits");
    uint32_t start = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      char c = s[i];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (d < 0) fail(name + ".start", "not lower-case hex: " + s);
      start = start << 4 | uint32_t(d);
    }
    uint64_t size = integer(r, name, "size", 1, 0xffffffffull);
    if (uint64_t{start} + size > 0x100000000ull) fail(name, "extends past 4 GiB");
    return MemoryRegion{start, uint32_t(size)};
  }

 private:
  std::string origin_;
};

}  // namespace

DeviceProfile parse_device_profile(const json& j, const std::string& origin) {
  Reader r(origin);
  if (!j.is_object()) r.fail("(root)", "not an object");
  DeviceProfile p;
  p.id = r.string(j, "", "id");
  for (char c : p.id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      r.fail(".id", "must match [a-z0-9-]+: " + p.id);
  p.name = r.string(j, "", "name");
  p.core = r.string(r.member(j, "", "core"), ".core", "name");
  p.clock_hz = uint32_t(r.integer(j, "", "clock_hz", 1, 0xffffffffull));
  const json& mem = r.member(j, "", "memory");
  p.flash = r.region(mem, ".memory", "flash");
  p.ram = r.region(mem, ".memory", "ram");
  p.model_partition = r.region(j, "", "model_partition");
  p.arena_bytes = uint32_t(r.integer(j, "", "arena_bytes", 1, 0xffffffffull));
  if (p.arena_bytes > p.ram.size) r.fail(".arena_bytes", "larger than memory.ram.size");
  p.uart_baud = uint32_t(r.integer(r.member(j, "", "uart"), ".uart", "baud", 1200, 20000000));
  const json& timer = r.member(j, "", "timer");
  p.timer_source = r.string(timer, ".timer", "source");
  if (p.timer_source != "SYSTICK" && p.timer_source != "DWT_CYCCNT")
    r.fail(".timer.source", "must be SYSTICK or DWT_CYCCNT: " + p.timer_source);
  p.timer_hz = uint32_t(r.integer(timer, ".timer", "hz", 1, 0xffffffffull));
  p.emulated = r.boolean(j, "", "emulated");
  p.has_timestamp_gpio = !r.member(j, "", "timestamp_gpio").is_null();

  const json& probe = r.member(j, "", "probe");
  auto qemu_it = j.find("qemu");
  if (p.emulated) {
    if (qemu_it == j.end()) r.fail(".qemu", "missing (required when emulated)");
    if (!probe.is_null()) r.fail(".probe", "must be null when emulated");
    if (p.has_timestamp_gpio) r.fail(".timestamp_gpio", "must be null when emulated");
    QemuMachine q;
    q.machine = r.string(*qemu_it, ".qemu", "machine");
    q.cpu = r.string(*qemu_it, ".qemu", "cpu");
    q.icount_shift = int(r.integer(*qemu_it, ".qemu", "icount_shift", 0, 10));
    q.systick_hz = uint32_t(r.integer(*qemu_it, ".qemu", "systick_hz", 1, 0xffffffffull));
    p.qemu = q;
  } else {
    if (qemu_it != j.end()) r.fail(".qemu", "present on a board that is not emulated");
    if (!probe.is_object()) r.fail(".probe", "must be an object for a real board");
    ProbeInfo pi;
    pi.pyocd_target = r.string(probe, ".probe", "pyocd_target");
    pi.openocd_interface = r.string(probe, ".probe", "openocd_interface");
    pi.openocd_target = r.string(probe, ".probe", "openocd_target");
    p.probe = pi;
  }
  return p;
}

DeviceProfile parse_device_profile_text(const std::string& text, const std::string& origin) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw DriverError::BadProfile(origin + ": not valid JSON");
  return parse_device_profile(j, origin);
}

DeviceProfile load_device_profile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DriverError::BadProfile(path.string() + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  DeviceProfile p = parse_device_profile_text(ss.str(), path.string());
  // The schema ties the id to the file name; a copy under another name is a
  // deployment mistake that would silently mix boards up.
  if (path.extension() == ".json" && path.stem().string() != p.id)
    throw DriverError::BadProfile(path.string() + ": .id '" + p.id + "' does not match file name");
  return p;
}

}  // namespace hb::driver

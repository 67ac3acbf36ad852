// device_profile.h: a board's device profile (device-profiles/<id>.json) as data.
//
// The profile is labgrid's "resource": a passive description of a board (memory
// map, UART, timer, how to emulate it). Drivers (QemuBoard, SerialLink, ...)
// act on it; nothing here talks to hardware. The JSON format is specified by
// schemas/device-profile.schema.json; this loader reads the fields the driver
// layer uses, checks them (types, ranges, the emulated/qemu/probe rules of the
// schema, regions that fit in 32 bits) and ignores descriptive extras (power
// figures, notes). Any violation is DriverError::BadProfile naming the file
// and the field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace hb::driver {

// A range of target addresses. start and size in bytes; start + size <= 2^32.
struct MemoryRegion {
  uint32_t start = 0;
  uint32_t size = 0;

  uint64_t end() const { return uint64_t{start} + size; }  // one past the last byte
  bool contains(uint64_t addr, uint64_t len) const { return addr >= start && addr + len <= end(); }
};

// How to run the board under qemu-system-arm (emulated boards only).
struct QemuMachine {
  std::string machine;      // -M value, e.g. "mps2-an386"
  std::string cpu;          // -cpu value, e.g. "cortex-m4"
  int icount_shift = 0;     // -icount shift=N: each instruction advances virtual time 2^N ns
  uint32_t systick_hz = 0;  // SysTick clock the model uses, Hz
};

// Debug probe names for real boards (flashing is done by a later flasher driver).
struct ProbeInfo {
  std::string pyocd_target;
  std::string openocd_interface;
  std::string openocd_target;
};

struct DeviceProfile {
  std::string id;                // board id = file name = firmware board folder
  std::string name;              // human-readable
  std::string core;              // "cortex-m4", ...
  uint32_t clock_hz = 0;         // core clock after hb_board_init
  MemoryRegion flash;            // code memory (vector table at flash.start)
  MemoryRegion ram;              // data RAM
  MemoryRegion model_partition;  // where plan bytes live
  uint32_t arena_bytes = 0;
  uint32_t uart_baud = 0;    // baud of the harness UART (real serial ports)
  std::string timer_source;  // "SYSTICK" or "DWT_CYCCNT"
  uint32_t timer_hz = 0;
  bool emulated = false;
  std::optional<QemuMachine> qemu;  // set iff emulated
  std::optional<ProbeInfo> probe;   // set iff !emulated
  bool has_timestamp_gpio = false;  // energy mode possible
};

// Parses and validates a profile. `origin` names the source in error messages.
// Throws DriverError::BadProfile.
DeviceProfile parse_device_profile(const nlohmann::json& j, const std::string& origin);
DeviceProfile parse_device_profile_text(const std::string& json_text, const std::string& origin);

// Reads and validates device-profiles/<id>.json (or any path). Throws
// DriverError::BadProfile (also for an unreadable file: a missing profile is a
// deployment problem, not the job's).
DeviceProfile load_device_profile(const std::filesystem::path& path);

}  // namespace hb::driver

// flasher.h: flasher backends for real boards (labgrid's "driver" for a
// debug probe: the DeviceProfile's probe section is the resource, a Flasher
// acts on it).
//
// A Flasher writes a firmware image or a plan into a board's flash through an
// external tool (pyOCD or OpenOCD), then resets the board so it runs. Every
// tool run is a child process in its own process group, bounded by a timeout
// (SIGKILL to the whole group on expiry), with stdout+stderr captured into the
// error message (last kOutputTailBytes bytes).
//
// Usage:
//   auto f = make_flasher(profile, "0672FF485550755187121723", FlasherKind::kAuto);
//   f->flash(build / "harness.elf");   // program + verify + reset
//   f->write_plan(plan_bytes);         // plan .bin at the model partition, reset
//
// Errors (DriverError, all infrastructure unless noted):
//   FlashFailed: the tool exited non-zero or could not be started, or no tool
//                is installed (message: the command line, exit status, output);
//   Timeout:     the tool did not finish within its timeout (it was killed);
//   BadProfile:  the profile has no probe section (an emulated board);
//   BadImage (job error): the image is unreadable, or the plan does not fit
//                the model partition.
// Not thread-safe; one flasher per probe, and never two tools on one probe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "driver/device_profile.h"
#include "driver/host_tools.h"  // find_in_path

namespace hb::driver {

struct FlasherOptions {
  std::chrono::milliseconds flash_timeout{120000};  // one program+verify+reset run
  std::chrono::milliseconds reset_timeout{30000};   // one reset run
};

// One external command's outcome.
struct ToolRun {
  int exit_status = -1;  // exit code, 128+signal if killed by a signal
  bool timed_out = false;
  std::string output;  // stdout+stderr interleaved, last kOutputTailBytes bytes
  double seconds = 0;
};

inline constexpr size_t kOutputTailBytes = 8192;

// Runs argv[0] (looked up in PATH unless it contains '/') with stdin from
// /dev/null, waits at most `timeout`, then SIGKILLs its process group. Throws
// DriverError::FlashFailed only if the program cannot be found or started.
ToolRun run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

class Flasher {
 public:
  explicit Flasher(DeviceProfile profile, std::string probe_uid, FlasherOptions opts);
  virtual ~Flasher() = default;
  Flasher(const Flasher&) = delete;
  Flasher& operator=(const Flasher&) = delete;

  // Programs `image` and verifies it, then resets the board (it runs).
  // An ELF (detected by its magic, not its name) is placed by its program
  // headers and `address` must be empty; a raw binary goes at `address`
  // (default: the profile's flash start).
  void flash(const std::filesystem::path& image, std::optional<uint32_t> address = std::nullopt);

  // Writes `plan` as a .bin at the model partition's start (a temporary file,
  // removed afterwards), then resets. BadImage if it does not fit the partition.
  void write_plan(std::span<const uint8_t> plan);

  // Resets the board and lets it run.
  void reset();

  // The exact command lines (argv, argv[0] is the tool name), for tests and logs.
  virtual std::vector<std::string> flash_command(const std::filesystem::path& image, bool is_elf,
                                                 uint32_t address) const = 0;
  virtual std::vector<std::string> reset_command() const = 0;
  virtual std::string name() const = 0;  // "pyocd", "pyocd-flashtool", "openocd"

  const DeviceProfile& profile() const { return profile_; }
  const std::string& probe_uid() const { return uid_; }
  // Names the physical board behind this flasher (tool, target, probe uid),
  // for the record of what is flashed on it (below).
  std::string probe_key() const;

 protected:
  DeviceProfile profile_;
  std::string uid_;  // probe serial number / unique id; empty: the only probe attached
  FlasherOptions opts_;

 private:
  void run_checked(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                   const char* what);
};

// pyOCD. kModern: `pyocd load|reset` (PyPI pyocd >= 0.29); kLegacy: Debian's
// pyocd 0.13 (`pyocd-flashtool`, `pyocd-tool reset`).
enum class PyocdTool { kModern, kLegacy };

// Which pyOCD is installed: `pyocd` in PATH -> kModern, else `pyocd-flashtool`
// -> kLegacy, else nullopt.
std::optional<PyocdTool> detect_pyocd_tool();

class PyocdFlasher : public Flasher {
 public:
  // BadProfile if the profile has no probe or no pyocd_target.
  PyocdFlasher(DeviceProfile profile, std::string probe_uid, PyocdTool tool,
               FlasherOptions opts = {});
  std::vector<std::string> flash_command(const std::filesystem::path& image, bool is_elf,
                                         uint32_t address) const override;
  std::vector<std::string> reset_command() const override;
  std::string name() const override;
  PyocdTool tool() const { return tool_; }

 private:
  PyocdTool tool_;
};

class OpenocdFlasher : public Flasher {
 public:
  // BadProfile if the profile has no probe or no openocd interface/target.
  OpenocdFlasher(DeviceProfile profile, std::string probe_uid, FlasherOptions opts = {},
                 std::string openocd_binary = "openocd");
  std::vector<std::string> flash_command(const std::filesystem::path& image, bool is_elf,
                                         uint32_t address) const override;
  std::vector<std::string> reset_command() const override;
  std::string name() const override { return "openocd"; }

 private:
  std::string binary_;
  std::vector<std::string> prologue() const;  // -f interface -f target [-c adapter serial]
};

// What this process last flashed through a probe (probe_key() above): an
// image key chosen by the caller (e.g. the harness file's path, size and
// mtime), "" when unknown (nothing yet, or a flash that may have failed
// half-way). Lets a session skip re-flashing an unchanged harness. Thread-safe.
std::string flashed_image(const std::string& probe_key);
void note_flashed_image(const std::string& probe_key, const std::string& image_key);

enum class FlasherKind { kAuto, kPyocd, kOpenocd };

// Builds the flasher for a real board's probe. kAuto: pyOCD if installed
// (modern preferred, then the Debian tool), else OpenOCD if installed.
// kPyocd / kOpenocd: that backend (FlashFailed if the tool is not installed).
// BadProfile for a board without a probe section.
std::unique_ptr<Flasher> make_flasher(const DeviceProfile& profile, const std::string& probe_uid,
                                      FlasherKind preference = FlasherKind::kAuto,
                                      FlasherOptions opts = {});

}  // namespace hb::driver

// firmware_session.h: the "strategy" for a user-supplied firmware image (an
// ELF that speaks the MLPerf Tiny DUT protocol, docs/mlperf-tiny-protocol.md)
// on a board. Unlike BoardSession, nothing of ours runs on the
// board: the firmware carries its own model, and we only speak the standard
// protocol to it.
//
//   off -> checked (ElfImage: ARM, every PT_LOAD inside the profile's flash,
//   RAM or model partition) -> booted (qemu started halted, image written
//   through the gdb stub, SP/PC from its vector table, CPU continued, boot
//   banner up to m-ready read) -> driven through client() (name, profile,
//   db load, infer N W) -> off (stop() / destructor: process and ports gone).
//
// Real boards (a probe section in the profile, a serial port in the
// options): the serial port is opened, the image flashed with pyOCD or
// OpenOCD (driver/flasher.h; it resets the board), the banner read.
//
// Timing: the DUT's own m-lap-us timestamps, which under -icount
// (sleep=off) are emulated time, not wall time. When the ELF exports
// hb_mark_begin/hb_mark_end (our harness does) and a plugin path is given,
// the QEMU instruction-count plugin also counts the instructions between
// them; other firmwares get no instruction count.
//
// Errors: DriverError. BadImage (job error) for an ELF that is malformed or
// does not fit the board; BoardHung when the banner does not come within
// boot_timeout; everything else as MlperfClient/QemuBoard throw it.
// Not thread-safe; one session per board.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "driver/device_profile.h"
#include "driver/elf_image.h"
#include "driver/flasher.h"
#include "driver/icount_file.h"
#include "driver/mlperf_client.h"
#include "driver/qemu_board.h"

namespace hb::driver {

// Why `image` cannot be loaded on the board, one sentence per segment naming
// its address range and the regions it must lie in. Empty = it fits.
std::vector<std::string> firmware_fit_problems(const DeviceProfile& profile, const ElfImage& image);

// Bytes of the input tensor the reference MLPerf Tiny firmware expects for a
// model tag (m-model-[...]): kws01 490 (int8 features), vww01 27648 (96x96x3
// uint8), ic01 3072 (32x32x3 uint8), ad01 2560 (640 float32). nullopt for an
// unknown or empty tag.
std::optional<size_t> mlperf_input_bytes(std::string_view model_tag);

// The input uploaded for a model tag: the golden/README.md LCG stream (seed 1)
// of mlperf_input_bytes(tag) bytes; for ad01 (float32) 640 floats
// (lcg_byte - 128) / 128, little-endian, so that no NaN/Inf reaches the DUT.
// Empty for an unknown tag.
std::vector<uint8_t> mlperf_default_input(std::string_view model_tag);

struct FirmwareSessionOptions {
  std::string qemu_binary = "qemu-system-arm";
  std::filesystem::path icount_plugin;  // used only if the ELF has hb_mark_begin/hb_mark_end
  std::chrono::milliseconds boot_timeout{10000};     // qemu start + gdb load + banner
  std::chrono::milliseconds command_timeout{10000};  // every command except infer
  // Real boards only: the probe's unique id, the DUT UART's host device, the tool.
  std::string probe_uid;
  std::string serial_port;
  FlasherKind flasher = FlasherKind::kAuto;
  FlasherOptions flasher_options;
  // TESTS ONLY: appended to qemu's command line (e.g. a -device loader that
  // preloads a plan for our own harness). The job path leaves it empty.
  std::vector<std::string> extra_qemu_args;
};

class FirmwareSession {
 public:
  // Parses and checks the image against the profile (BadImage naming the
  // problem); reads its symbols if it has any. Starts nothing yet.
  FirmwareSession(DeviceProfile profile, std::span<const uint8_t> elf_bytes,
                  FirmwareSessionOptions opts);
  ~FirmwareSession();
  FirmwareSession(const FirmwareSession&) = delete;
  FirmwareSession& operator=(const FirmwareSession&) = delete;

  // Starts qemu halted, loads the image, continues, reads the boot banner.
  // BoardHung if the banner does not end with m-ready within boot_timeout.
  DutBoot boot();

  // True if the ELF exports hb_mark_begin and hb_mark_end and a plugin is configured.
  bool counts_instructions() const {
    return mark_begin_ && mark_end_ && !opts_.icount_plugin.empty();
  }
  // Instruction counts of the plugin's closed regions so far, in order.
  std::vector<uint64_t> icount_regions() const;

  MlperfClient& client();  // after boot
  QemuBoard& board();      // after boot; emulated boards only
  int pid() const;         // the emulator's pid while booted; -1 for a real board
  const ElfImage& image() const { return image_; }
  double boot_seconds() const { return boot_seconds_; }

  void stop();  // ends the emulator now (also done by the destructor)

 private:
  DeviceProfile profile_;
  FirmwareSessionOptions opts_;
  ElfImage image_;
  std::optional<uint32_t> mark_begin_, mark_end_;
  IcountFile icount_;               // the instruction-count plugin's output
  std::vector<uint8_t> elf_bytes_;  // real boards: flashed from a temporary file
  std::unique_ptr<QemuBoard> board_;
  std::unique_ptr<SerialLink> port_;  // real boards
  std::unique_ptr<MlperfClient> client_;
  void boot_real();
  double boot_seconds_ = 0;
};

}  // namespace hb::driver

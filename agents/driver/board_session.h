// board_session.h: the "strategy" that walks one board through a benchmark
// (labgrid's split: the profile is the resource, QemuBoard / GdbRemote /
// Flasher / HarnessClient are drivers, this is the strategy).
//
// Emulated boards:
//   off -> booted (qemu started halted, plan written into the model partition
//   through the gdb stub, CPU continued, boot banner read, hb-info says
//   plan=ok) -> input uploaded (hb-bin or db hex) -> inferred (infer N W) ->
//   collected (hb-lat, hb-layers, hb-mem, hb-out, the plugin's instruction
//   count) -> off (QemuBoard's destructor: process and ports released).
//
// Real boards (the profile has a probe section, the options name its serial
// port): off -> the serial port opened (so that no boot output is lost) ->
// the harness ELF flashed with pyOCD or OpenOCD (driver/flasher.h; skipped
// when this process already flashed the same harness file through the same
// probe) -> the plan written into the model partition's flash, board reset
// -> boot banner, hb-info -> the same commands as above. There is no
// instruction count: latency is the board's own timer (hb-lat).
//
// Plans live in the board's model partition and are read in place by the
// harness (firmware-harness/harness/harness.h); writing them with gdb memory
// writes before the CPU starts costs milliseconds, where the emulated UART
// would take ~22 KiB/s (docs/qemu.md).
//
// Instruction counts come from the QEMU plugin (firmware-harness/qemu-plugin/
// hb_icount.c) watching hb_mark_begin/hb_mark_end, whose addresses are read
// from the harness ELF's symbol table. The harness opens one region per
// `infer` around exactly the N timed inferences (plus the per-inference
// protocol bookkeeping, a few dozen instructions each).
//
// Errors: DriverError, typed (job: DeviceRejected, BadImage; everything else
// infrastructure). A board that stops answering is BoardHung after the
// command's timeout. Not thread-safe; one session per board.
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
#include "driver/flasher.h"
#include "driver/harness_client.h"
#include "driver/icount_file.h"
#include "driver/qemu_board.h"

namespace hb::driver {

// What the plan header says (raw, not validated: the board validates too).
struct PlanSummary {
  uint32_t total_size = 0;  // bytes
  uint32_t arena_size = 0;  // bytes
  uint32_t flags = 0;
  uint32_t n_inputs = 0, n_outputs = 0;
  uint64_t input_bytes = 0;  // sum of the graph inputs' bytes (0 if the tables are unreadable)
  std::string sha256_hex;    // model_sha256, 64 hex digits
};

// Reads the header (and the input tensor records, bounds-checked). Throws
// DriverError::BadImage if the bytes are too short to hold a header.
PlanSummary summarize_plan(std::span<const uint8_t> plan);

// Why a plan cannot run on a board, one sentence each naming the shortfall in
// bytes ("plan needs an arena of 65280 bytes; microbit offers 8192
// (arena_bytes): 57088 bytes short"). Empty = it fits. input_capacity is the
// harness's input buffer, bytes, when known.
std::vector<std::string> plan_fit_problems(const DeviceProfile& profile, const PlanSummary& plan,
                                           std::optional<uint64_t> input_capacity = std::nullopt);

// The bytes the host reference runtime (hb_runtime, the same C sources as the
// firmware) produces for the plan and input: every output, in order. Throws
// DriverError::BadImage if the host refuses the plan (hb_plan_init status named).
std::vector<std::vector<uint8_t>> host_reference_outputs(std::span<const uint8_t> plan,
                                                         std::span<const uint8_t> input);

// The golden/README.md generator: x = seed; x = (1103515245 x + 12345) mod 2^31;
// byte = (x >> 16) & 255, for n bytes. seed 1 = the `lcg` case.
std::vector<uint8_t> lcg_bytes(size_t n, uint32_t seed = 1);

enum class InputTransfer { kBinary, kHex };  // hb-bin N, or db load + 31-byte db chunks

struct BoardSessionOptions {
  std::filesystem::path harness_elf;    // <fw build>/<board>/harness.elf
  std::filesystem::path icount_plugin;  // libhb_icount.so; empty: no instruction count
  std::string qemu_binary = "qemu-system-arm";
  std::chrono::milliseconds boot_timeout{10000};     // qemu start + boot banner
  std::chrono::milliseconds command_timeout{10000};  // every command except infer (hb-layers
                                                     // runs one inference)
  // Real boards only: the probe's unique id ("" = the only probe attached),
  // the harness UART's host device (e.g. /dev/ttyACM0), the flash tool.
  std::string probe_uid;
  std::string serial_port;
  FlasherKind flasher = FlasherKind::kAuto;
  FlasherOptions flasher_options;
};

// One infer window and everything collected after it.
struct BoardRunResult {
  HbInfo info;                                            // hb-info after boot
  InferResult infer;                                      // infer N W
  HbLatency latency;                                      // hb-lat
  std::optional<HbLayers> layers;                         // hb-layers (if requested)
  std::map<std::string, std::optional<uint64_t>> memory;  // hb-mem
  std::vector<HbOutput> outputs;                          // hb-out 0..n_outputs-1
  std::optional<uint64_t> region_insns;  // plugin: instructions in the infer region
  double input_seconds = 0;              // upload time
  InputTransfer input_transfer = InputTransfer::kBinary;
  double boot_seconds = 0;  // qemu spawn .. m-ready of the banner

  // Plugin instructions / N (nullopt without the plugin).
  std::optional<double> insns_per_inference() const;
};

class BoardSession {
 public:
  // Checks the ELF is readable (and, for a real board, that a serial port is
  // named: BadProfile otherwise); starts nothing yet.
  BoardSession(DeviceProfile profile, BoardSessionOptions opts);
  ~BoardSession();
  BoardSession(const BoardSession&) = delete;
  BoardSession& operator=(const BoardSession&) = delete;

  // Starts qemu (halted), writes `plan` at the model partition's start,
  // continues, reads the boot banner and hb-info. Throws DeviceRejected when
  // the board reports a plan status other than ok (a corrupt plan:
  // "board refused the plan: HB_ERR_BAD_CRC"), unless allow_bad_plan.
  HbInfo boot(std::span<const uint8_t> plan, bool allow_bad_plan = false);

  // Uploads the input; returns seconds. DeviceRejected if it exceeds the
  // harness's input buffer (hb-info input-capacity), naming the shortfall.
  double upload_input(std::span<const uint8_t> input, InputTransfer how);

  // The whole walk: boot, upload, infer runs/warmup, collect. infer_timeout
  // bounds the infer command (BoardHung past it).
  BoardRunResult run(std::span<const uint8_t> plan, std::span<const uint8_t> input, uint32_t runs,
                     uint32_t warmup, std::chrono::milliseconds infer_timeout,
                     InputTransfer how = InputTransfer::kBinary, bool layers = true);

  // Instruction counts of the plugin's closed regions so far, in order.
  std::vector<uint64_t> icount_regions() const;

  HarnessClient& client();  // after boot
  QemuBoard& board();       // after boot; emulated boards only
  bool emulated() const { return profile_.emulated; }
  // The emulator's pid while booted (a caller may kill it to abort a blocking
  // step); -1 for a real board or before boot.
  int pid() const;
  const DeviceProfile& profile() const { return profile_; }
  uint32_t mark_begin() const { return mark_begin_; }
  uint32_t mark_end() const { return mark_end_; }
  double boot_seconds() const { return boot_seconds_; }

  // Ends the emulator now (also done by the destructor).
  void stop();

 private:
  DeviceProfile profile_;
  BoardSessionOptions opts_;
  uint32_t mark_begin_ = 0, mark_end_ = 0;
  IcountFile icount_;  // the instruction-count plugin's output
  std::unique_ptr<QemuBoard> board_;
  std::unique_ptr<SerialLink> port_;  // real boards
  std::unique_ptr<HarnessClient> client_;
  double boot_seconds_ = 0;

  void boot_emulated(std::span<const uint8_t> plan);
  void boot_real(std::span<const uint8_t> plan);
};

}  // namespace hb::driver

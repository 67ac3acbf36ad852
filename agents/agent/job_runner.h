// job_runner.h: one benchmark job on one board, start to finish, without any
// networking: model bytes in, result JSON (schemas/api/result.schema.json)
// out, or a typed JobFailure. The Agent (agent.h) wraps it with the daemon
// protocol; a test can call it directly.
//
// The walk (labgrid's "strategy" over the driver's BoardSession):
//   compile the .tflite to a plan (rounding from the job) -> check it fits the
//   board (arena, model partition, harness input buffer) -> compute the
//   expected outputs with the host runtime -> boot the board with the plan
//   (emulated: QEMU + gdb stub; real: plan and, if changed, harness flashed
//   through the probe, serial port opened first) -> upload the input
//   (golden/README.md LCG stream, seed 1: the golden
//   `lcg` case) -> `windows` x (infer runs warmup, hb-lat, plugin instruction
//   count) -> hb-layers (one profiled inference), hb-mem, hb-out -> stop the
//   emulator -> compare the outputs with the host runtime's, byte for byte.
// Firmware jobs (is_firmware: the artifact is an ELF speaking the MLPerf
// Tiny DUT protocol) take another walk
// (driver/firmware_session.h): check the ELF against the profile's memory
// (job error) -> boot it (no banner in time: infrastructure, "board did not
// boot") -> name, profile -> upload the LCG input sized for the reported model
// tag -> `windows` x infer runs warmup, latency from the DUT's m-lap-us
// timestamps (emulated: at the profile clock) -> output_check "not applicable".
// A failed output comparison is still a result (output_check.passed false),
// not a failure: the numbers are real, and the user must see the mismatch.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/device_profile.h"

namespace hb::agent {

// The three failure types of the agent protocol (schemas/api/agent-failure).
enum class FailureType { kInfrastructure, kJob, kTimeout };
const char* to_string(FailureType t);

class JobFailure : public std::runtime_error {
 public:
  // infrastructure: the board, emulator or host failed; retried elsewhere.
  static JobFailure Infrastructure(const std::string& m) {
    return {FailureType::kInfrastructure, m};
  }
  // job: the submitted model/firmware is at fault; never retried.
  static JobFailure Job(const std::string& m) { return {FailureType::kJob, m}; }
  // timeout: the job ran past its timeout_ms.
  static JobFailure Timeout(const std::string& m) { return {FailureType::kTimeout, m}; }
  // The job was cancelled (or the agent is stopping): nothing is reported.
  static JobFailure Cancelled(const std::string& m) { return {FailureType::kJob, m, true}; }

  FailureType type() const { return type_; }
  bool cancelled() const { return cancelled_; }

 private:
  JobFailure(FailureType t, const std::string& m, bool cancelled = false)
      : std::runtime_error(m), type_(t), cancelled_(cancelled) {}
  FailureType type_;
  bool cancelled_;
};

struct JobRequest {
  int64_t job_id = 0;
  std::vector<uint8_t> artifact;  // .tflite bytes (or firmware ELF when is_firmware)
  bool is_firmware = false;
  std::string model_id;  // sha256, for the report
  uint32_t runs = 10, warmup = 1, windows = 1;
  std::string rounding = "double";             // "double" | "single"
  std::chrono::milliseconds timeout{1800000};  // the job's whole budget (assignment timeout_ms)
  bool collect_layers = true;
};

struct BoardEnvironment {
  std::string board_id;  // the daemon's id for the board
  hb::driver::DeviceProfile profile;
  std::filesystem::path profile_path;   // for the power model (energy estimate)
  std::filesystem::path firmware_dir;   // <dir>/<profile id>/harness.elf
  std::filesystem::path icount_plugin;  // empty: no instruction count
  std::string qemu_binary = "qemu-system-arm";
  std::string probe_serial, serial_port;  // real boards
  // TESTS ONLY: extra qemu arguments for firmware jobs (e.g. a -device loader
  // preloading a plan so our own harness can stand in for a user firmware).
  std::vector<std::string> firmware_test_qemu_args;
};

// Callbacks into the caller; called from the runner's thread.
class JobHooks {
 public:
  virtual ~JobHooks() = default;
  virtual void progress(const std::string& state, const std::string& message) = 0;
  virtual void log(const std::string& line) = 0;
  // Polled between steps: true -> the runner stops with JobFailure::Cancelled.
  virtual bool cancelled() = 0;
  // The emulator is up (pid) / about to be stopped: between the two the
  // caller may kill pid to abort a blocking step (the runner then fails with
  // a driver error, and reports Cancelled if cancelled() says so).
  virtual void board_started(int pid) = 0;
  virtual void board_stopping() = 0;
};

// Runs the job; returns the result object. Throws JobFailure.
nlohmann::json run_job(const JobRequest& job, const BoardEnvironment& env, JobHooks& hooks);

}  // namespace hb::agent

// agent.h: the hilbench agent: runs benchmark jobs from hilbenchd on the
// boards attached to one host.
//
// Protocol (schemas/openapi.yaml, "agent" routes; JSON in schemas/api/agent-*):
//   register (POST /agent/register) its boards; then, concurrently,
//   - the poll loop: GET /agent/jobs?agent_id=&wait= (long poll) -> an
//     assignment for one of its boards, handed to that board's worker;
//   - the heartbeat loop: POST /agent/heartbeat every heartbeat_interval; the
//     reply lists jobs that were cancelled, timed out or taken back: their
//     board is stopped at once (the emulator is killed);
//   - one worker thread per board: fetches the model (GET artifact_url),
//     compiles it to a plan, checks the plan fits the board (else a job
//     error), reports progress flashing -> running, boots the emulated board,
//     uploads the input (the golden LCG stream, seed 1), runs `windows` infer
//     windows of runs + warmup, collects latency, layers, memory and outputs,
//     checks the outputs byte for byte against the host runtime (the same C
//     sources as the firmware), streams log lines, and reports the result
//     (schemas/api/result.schema.json) or a typed failure.
// Failures are typed in one place (Agent::classify, agent.cc):
// DriverError::is_infrastructure() -> "infrastructure" (retried elsewhere by
// the daemon), model compile errors / plans that do not fit / boards that
// refuse the plan -> "job" (never retried), the job's own timeout_ms
// exceeded -> "timeout".
//
// Connectivity: when the daemon cannot be reached, the poll loop retries with
// exponential backoff (backoff_initial doubling up to backoff_max). A 404 for
// the agent (the daemon restarted and forgot it) makes the agent register
// again and abandon local work the daemon no longer knows. Reports of a
// finished job are retried with the same backoff while the daemon is down.
//
// Real (non-emulated) boards are flashed through their probe (pyOCD or
// OpenOCD) and driven over their serial port (driver/board_session.h).
//
// Thread-safety: start()/stop()/run() from one controlling thread; status()
// from any thread. Logging: spdlog logger "hb-agent", every line prefixed
// with agent=, and board=/job= where they apply.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/http_client.h"

namespace hb::agent {

// One board attached to this agent (boards.json, "boards" array).
struct BoardConfig {
  std::string profile_id;                   // device-profiles/<id>.json
  std::string probe_serial;                 // real boards: the debug probe's serial
  std::string serial_port;                  // real boards: the harness UART, e.g. /dev/ttyACM0
  std::map<std::string, std::string> tags;  // extra scheduling tags (core/emulated are added)
};

// Parses {"boards": [{"profile_id": ..., "probe_serial"?, "serial_port"?, "tags"?}]}
// (or a bare array). Throws std::runtime_error naming the bad field.
std::vector<BoardConfig> parse_board_config(const nlohmann::json& j);

struct AgentOptions {
  std::string server;    // daemon base URL, "http://127.0.0.1:8080"
  std::string token;     // bearer token with role agent
  std::string agent_id;  // 1..64 characters, no '/'
  std::vector<BoardConfig> boards;
  std::filesystem::path firmware_dir;  // <fw build>: <board>/harness.elf, qemu-plugin/
  std::filesystem::path profiles_dir;  // device-profiles/
  std::filesystem::path
      icount_plugin;  // empty: <firmware_dir>/qemu-plugin/libhb_icount.so if present
  std::string qemu_binary = "qemu-system-arm";
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::seconds poll_wait{20};  // long-poll wait the daemon is asked for
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  bool collect_layers = true;  // hb-layers after the last window (one profiled inference)
};

// What one board is doing, for tests and status pages.
struct BoardStatus {
  std::string board_id;  // as the daemon names it: <agent>/<profile>[/<probe serial>]
  int64_t job_id = 0;    // 0 = idle
  int qemu_pid = -1;     // the running emulator, -1 if none
  uint64_t jobs_done = 0, jobs_failed = 0, jobs_abandoned = 0;
};

class Agent {
 public:
  // Validates the options and loads every board's device profile; throws
  // std::runtime_error naming the problem. Starts nothing.
  explicit Agent(AgentOptions opts);
  ~Agent();  // stop()
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Runs until stop(): blocks the calling thread.
  void run();
  // run() on a thread of its own.
  void start();
  // Asks every loop to end, kills running emulators (their jobs are not
  // reported: the daemon hands them back), and joins. Idempotent.
  void request_stop();  // without joining
  void stop();

  std::vector<BoardStatus> status() const;
  uint64_t registrations() const { return registrations_.load(); }  // successful registers
  const std::string& agent_id() const { return opts_.agent_id; }

 private:
  struct Worker;
  void poll_loop();
  void heartbeat_loop();
  void worker_loop(Worker& w);
  bool register_boards();  // false when stopping
  void abandon_all(const std::string& why);
  void cancel_job(int64_t job_id, const std::string& why);
  void sleep_for(std::chrono::milliseconds d);  // returns early on stop

  AgentOptions opts_;
  HttpClient http_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> need_register_{true};
  std::atomic<uint64_t> registrations_{0};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::thread run_thread_;
  std::thread heartbeat_thread_;
  bool running_ = false;
};

}  // namespace hb::agent

// hbs/types.h: the service's domain records, shared by the store, the
// scheduler, the HTTP API and the agents. Plain values; JSON mapping lives in
// server/src/api/json_mapping.cc. Times are milliseconds since the Unix epoch
// (int64); sizes are bytes; latency figures carry their own units.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hbs {

enum class JobState { kQueued, kAssigned, kFlashing, kRunning, kDone, kFailed, kCancelled };
// Why a job failed. Infrastructure failures (probe, flash, hung board, lost
// agent) are retried on another board; job errors (bad model) never are.
enum class FailureType { kNone, kInfrastructure, kJob, kTimeout };
enum class BoardState { kIdle, kBusy, kOffline };
enum class BoardHealth { kGood, kBad, kUnknown, kMaintenance };

const char* to_string(JobState s);     // "queued", "assigned", ...
const char* to_string(FailureType f);  // "none", "infrastructure", "job", "timeout"
const char* to_string(BoardState s);   // "idle", "busy", "offline"
const char* to_string(BoardHealth h);  // "good", "bad", "unknown", "maintenance"
std::optional<JobState> job_state_from(const std::string& s);
std::optional<BoardHealth> board_health_from(const std::string& s);
// Added by S1 (the store reads these columns back): inverses of to_string.
std::optional<FailureType> failure_type_from(const std::string& s);
std::optional<BoardState> board_state_from(const std::string& s);
bool is_terminal(JobState s);  // done, failed, cancelled

// Which boards a job may run on: an exact profile id, and/or tags that must
// all match (e.g. {"core": "cortex-m4"}). Empty selector = any board.
struct BoardSelector {
  std::string profile;                      // device profile id, or ""
  std::map<std::string, std::string> tags;  // key=value, all required
};

// CI labels a job carries, for queries, baselines and the dashboard.
struct Labels {
  std::string repo, branch, commit, ci_url;
};

struct JobSpec {
  std::string model_id;     // sha256 of an uploaded .tflite, or ""
  std::string firmware_id;  // sha256 of an uploaded firmware ELF speaking MLPerf Tiny, or ""
  BoardSelector selector;
  int32_t runs = 10;                // timed inferences per window (infer N)
  int32_t warmup = 1;               // untimed inferences per window (infer _ W)
  int32_t windows = 1;              // repeated windows
  int32_t priority = 0;             // higher runs first
  std::string rounding = "double";  // "double" (TFLM) or "single"
  Labels labels;
};

struct Job {
  int64_t id = 0;
  JobSpec spec;
  JobState state = JobState::kQueued;
  FailureType failure = FailureType::kNone;
  std::string message;                       // what a person should know (errors, progress)
  int32_t attempts = 0;                      // assignments so far
  std::string board_id;                      // current or last board
  std::vector<std::string> excluded_boards;  // boards that failed it (infrastructure)
  int64_t created_ms = 0, updated_ms = 0, started_ms = 0, finished_ms = 0;
};

struct Board {
  std::string id;                           // unique: "<agent>/<profile>[/<probe serial>]"
  std::string profile_id;                   // device-profiles/<id>.json
  std::string agent_id;                     // the agent that owns it
  std::map<std::string, std::string> tags;  // core, emulated, mcu, ... (from the profile)
  BoardState state = BoardState::kIdle;
  BoardHealth health = BoardHealth::kUnknown;
  int64_t current_job = 0;  // 0 = none
  int32_t consecutive_infra_failures = 0;
  int64_t last_health_check_ms = 0;
  std::string health_message;
  std::string probe_serial;
};

struct ModelRecord {
  std::string id;             // sha256 of the .tflite bytes (hex)
  std::string name;           // uploaded file name (informational)
  int64_t size = 0;           // bytes
  nlohmann::json inspection;  // the compiler's report (ops, MACs, arena, unsupported)
  int64_t created_ms = 0;
};

// A finished job's measurements. `data` follows schemas/api/result.schema.json
// (latency windows, per-layer, memory, energy with method, output check,
// board identity, versions); the indexed fields are copies for queries.
struct Result {
  int64_t job_id = 0;
  std::string model_id, board_id, profile_id, branch, commit;
  double latency_median_us = 0;  // emulated boards: instruction-count time at profile clock
  nlohmann::json data;
  int64_t created_ms = 0;
};

struct JobFilter {
  std::optional<JobState> state;
  std::string model_id, board_id, branch, commit, repo;
  std::string profile;             // device profile id (results: the board's; jobs: the selector's)
  int32_t limit = 50, offset = 0;  // paging, newest first
};

}  // namespace hbs

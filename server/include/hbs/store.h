// hbs/store.h: where every job, board, model, result and token lives.
//
// The production implementation is SqliteStore (server/src/store/): one
// SQLite file in WAL mode with foreign keys, versioned migrations compiled
// into the binary, every state change in one transaction, so kill -9 at any
// moment loses no committed result. Tests may use a SqliteStore on a temp
// file or ":memory:".
//
// Thread-safety: every method is safe to call from any thread (the
// implementation serialises on one connection and mutex).
// Errors: StoreError (below) for I/O and corruption; "not found" is an empty
// optional, never an exception; a lost compare-and-set returns false.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hbs/types.h"

namespace hbs {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Unset optionals leave the column as it is. The {} initialisers (added by
// S1) let callers write JobUpdate{JobState::kRunning} without -Wextra's
// missing-field-initializers warning.
struct JobUpdate {
  JobState state;
  std::optional<FailureType> failure{};
  std::optional<std::string> message{};
  std::optional<std::string> board_id{};
  std::optional<int32_t> attempts{};
  std::optional<std::vector<std::string>> excluded_boards{};
  std::optional<int64_t> started_ms{}, finished_ms{};
};

struct Counts {
  int64_t queued = 0;
  std::map<std::string, int64_t> jobs_by_state;     // "done" -> n
  std::map<std::string, int64_t> boards_by_state;   // "idle" -> n
  std::map<std::string, int64_t> boards_by_health;  // "good" -> n
};

// --- CI gate: baselines and gate verdicts (cli/gate_cmd.h, schemas/api/baseline*.json) ---
//
// A baseline row is one accepted figure: the value of one metric
// ("latency_us", "instructions", "arena_bytes", "ram_bytes", "flash_bytes",
// "energy_uj"; hbs/result_metrics.h) measured by one job, for a model and a
// board type (profile), optionally for one physical board. Its key is
// (model_key, profile, board_id or "" for the board type, metric); accepting
// a new row for a key deactivates the older rows of that key, which stay as
// history. `model_key` is the model's stable name (the file name, or the name
// in .hilbench.yml), since a changed model has a new sha256 `model_id`.
struct Baseline {
  int64_t id = 0;
  std::string model_key;  // stable name: what a gate looks baselines up by
  std::string model_id;   // sha256 of the model (or firmware) the job ran
  std::string profile;    // device profile id (board type)
  std::string board_id;   // "" = the whole board type
  std::string metric;     // see hbs/result_metrics.h
  double value = 0;       // the metric's unit (us, instructions, bytes, uJ)
  int64_t job_id = 0;     // the accepted job (its result holds the raw samples)
  std::string branch, commit, reason;
  int64_t created_ms = 0;
  bool active = true;  // false once a newer row for the same key was accepted
};

struct BaselineFilter {
  std::string model;    // matches model_key or model_id; "" = any
  std::string profile;  // "" = any
  std::string metric;   // "" = any
  bool active_only = false;
  int32_t limit = 500;  // newest first
};

// One metric of a gate verdict. baseline/delta/threshold are absent when no
// baseline exists for the metric.
struct GateMetric {
  std::string metric;
  std::optional<double> baseline;
  double candidate = 0;
  std::optional<double> delta;      // candidate - baseline, in the metric's unit
  std::optional<double> threshold;  // the largest delta that still passes
  std::string verdict;              // "pass", "regression", "no_baseline"
  std::string detail;               // statistics for noisy boards, or ""
};

// A verdict the CLI reached (POST /api/v1/gates); the service only records it.
struct GateRecord {
  int64_t id = 0;
  int64_t job_id = 0;           // the candidate's job
  int64_t baseline_job_id = 0;  // 0 = no baseline
  std::string model_key, model_id, profile;
  std::string verdict;  // "pass", "regression", "error"
  std::string branch, commit;
  std::vector<GateMetric> metrics;
  int64_t created_ms = 0;
};

struct GateFilter {
  std::string model;    // matches model_key or model_id; "" = any
  std::string profile;  // "" = any
  std::string branch;   // "" = any
  int32_t limit = 100;  // newest first
};

class Store {
 public:
  virtual ~Store() = default;

  // Models (id = sha256; re-uploading the same bytes is idempotent).
  virtual void put_model(const ModelRecord& m) = 0;
  virtual std::optional<ModelRecord> get_model(const std::string& id) = 0;
  virtual std::vector<ModelRecord> list_models(int32_t limit, int32_t offset) = 0;

  // Jobs.
  virtual Job create_job(const JobSpec& spec, int64_t now_ms) = 0;
  virtual std::optional<Job> get_job(int64_t id) = 0;
  virtual std::vector<Job> list_jobs(const JobFilter& f) = 0;
  virtual std::vector<Job> queued_jobs() = 0;  // every queued job, any order
  // Moves a job from `expected` to u.state with the other fields, in one
  // transaction; false if the job is not in `expected` (lost race).
  virtual bool update_job(int64_t id, JobState expected, const JobUpdate& u, int64_t now_ms) = 0;
  virtual void append_log(int64_t job_id, const std::string& line, int64_t now_ms) = 0;
  virtual std::vector<std::string> job_log(int64_t job_id) = 0;
  // At start-up: jobs left assigned/flashing/running by a dead daemon go back
  // to queued (message says so). Returns how many.
  virtual int requeue_in_flight(int64_t now_ms) = 0;

  // Boards.
  virtual void upsert_board(const Board& b) = 0;  // register or refresh (keeps health)
  virtual std::optional<Board> get_board(const std::string& id) = 0;
  virtual std::vector<Board> list_boards() = 0;
  virtual void set_board_state(const std::string& id, BoardState s, int64_t current_job) = 0;
  virtual void set_board_health(const std::string& id, BoardHealth h, const std::string& message,
                                int32_t consecutive_infra_failures, int64_t now_ms) = 0;

  // Results: stored with the job's transition to done, atomically.
  virtual bool finish_job_with_result(int64_t job_id, JobState expected, const Result& r,
                                      int64_t now_ms) = 0;
  virtual std::optional<Result> get_result(int64_t job_id) = 0;
  virtual std::vector<Result> query_results(const JobFilter& f) = 0;

  // Bearer tokens, stored as sha256 hashes. create returns the plaintext once.
  virtual std::string create_token(const std::string& name, const std::string& role,
                                   int64_t now_ms) = 0;
  virtual std::optional<std::string> token_role(const std::string& plaintext) = 0;

  virtual Counts counts() = 0;

  // CI gate. add_baselines inserts every row (id, created_ms = now, active)
  // and deactivates the older active rows with the same key, all in one
  // transaction; it returns the rows as stored.
  virtual std::vector<Baseline> add_baselines(const std::vector<Baseline>& rows,
                                              int64_t now_ms) = 0;
  virtual std::vector<Baseline> list_baselines(const BaselineFilter& f) = 0;
  // Inserts the gate and its metrics in one transaction; returns it with id.
  virtual GateRecord add_gate(const GateRecord& g, int64_t now_ms) = 0;
  virtual std::vector<GateRecord> list_gates(const GateFilter& f) = 0;
};

// Opens (creating and migrating as needed) the SQLite store at `path`.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

// Content-addressed files on disk (models, plans, firmware, logs):
// <root>/<first 2 hex>/<sha256>. Writes go to a temp file then rename, so a
// crash never leaves a partial artifact under its final name.
class ArtifactStore {
 public:
  explicit ArtifactStore(std::string root);
  std::string put(const std::string& bytes);  // returns sha256 hex
  std::optional<std::string> get(const std::string& sha256) const;
  std::string path_of(const std::string& sha256) const;
  bool has(const std::string& sha256) const;

 private:
  std::string root_;
};

}  // namespace hbs

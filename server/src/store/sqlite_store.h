// sqlite_store.h: the production Store (hbs/store.h) on one SQLite file.
//
// Durability: WAL journal, foreign_keys=ON, busy_timeout 5 s, and by default
// synchronous=FULL. Why FULL: a transaction is durable once it is in the WAL,
// and with synchronous=NORMAL the WAL is only fsynced at checkpoints. NORMAL
// already survives kill -9 of the daemon (the committed pages sit in the OS
// page cache, which outlives the process) and never corrupts the file, but a
// power cut or kernel panic can roll back the last transactions: a result that
// cost minutes of board time, already reported to CI as stored, would vanish.
// FULL adds one fsync of the WAL per commit; the service commits a few times
// per job (assign, flash, run, finish), i.e. a few per second at most, so the
// cost (~0.1-10 ms a commit, disk-dependent) is irrelevant next to a
// benchmark run. Sync::kNormal is there for tests and benchmarks.
//
// Concurrency: one connection, serialised by mu_; every method takes mu_ for
// its whole duration, so the prepared statements are never shared between
// threads. A second process on the same file is safe (SQLite file locks plus
// busy_timeout), e.g. sqlite3 backups or a read-only inspector.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "hbs/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hbs::store {

class SqliteStore final : public Store {
 public:
  enum class Sync { kNormal, kFull };

  // Opens or creates `path` (":memory:" for a private in-memory database) and
  // migrates it. Throws StoreError if it cannot be opened, is not a database,
  // or has a schema newer than this binary.
  explicit SqliteStore(const std::string& path, Sync sync = Sync::kFull);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void put_model(const ModelRecord& m) override;
  std::optional<ModelRecord> get_model(const std::string& id) override;
  std::vector<ModelRecord> list_models(int32_t limit, int32_t offset) override;

  Job create_job(const JobSpec& spec, int64_t now_ms) override;
  std::optional<Job> get_job(int64_t id) override;
  std::vector<Job> list_jobs(const JobFilter& f) override;
  std::vector<Job> queued_jobs() override;
  bool update_job(int64_t id, JobState expected, const JobUpdate& u, int64_t now_ms) override;
  // Throws StoreError if the job does not exist (foreign key).
  void append_log(int64_t job_id, const std::string& line, int64_t now_ms) override;
  std::vector<std::string> job_log(int64_t job_id) override;
  // Also, in the same transaction, sets every busy board back to idle with
  // current_job 0: the jobs they held are queued again, and the agents report
  // their real state when they reconnect.
  int requeue_in_flight(int64_t now_ms) override;

  // Insert, or on an existing id refresh profile, agent, tags, state,
  // current_job and probe serial while keeping health, health_message,
  // consecutive_infra_failures and last_health_check_ms.
  void upsert_board(const Board& b) override;
  std::optional<Board> get_board(const std::string& id) override;
  std::vector<Board> list_boards() override;  // ordered by id
  // Both do nothing for an unknown board id.
  void set_board_state(const std::string& id, BoardState s, int64_t current_job) override;
  void set_board_health(const std::string& id, BoardHealth h, const std::string& message,
                        int32_t consecutive_infra_failures, int64_t now_ms) override;

  // Moves job_id from `expected` to done (finished_ms = now) and inserts `r`
  // (its job_id is taken from the argument; created_ms = now if r.created_ms
  // is 0) in one transaction. False, and nothing written, if the job is not in
  // `expected`.
  bool finish_job_with_result(int64_t job_id, JobState expected, const Result& r,
                              int64_t now_ms) override;
  std::optional<Result> get_result(int64_t job_id) override;
  // Newest first. f.state other than done/unset matches nothing; f.repo is
  // matched through the job.
  std::vector<Result> query_results(const JobFilter& f) override;

  // The plaintext is 64 lower-case hex characters (32 bytes of /dev/urandom);
  // only its sha256 is stored. token_role compares the hash against every
  // stored hash in constant time and without early exit.
  std::string create_token(const std::string& name, const std::string& role,
                           int64_t now_ms) override;
  std::optional<std::string> token_role(const std::string& plaintext) override;

  Counts counts() override;

  // CI gate (sqlite_store_baselines.cc).
  std::vector<Baseline> add_baselines(const std::vector<Baseline>& rows, int64_t now_ms) override;
  // Newest first (created_ms, then id).
  std::vector<Baseline> list_baselines(const BaselineFilter& f) override;
  // Throws StoreError if g.job_id is not a job (foreign key).
  GateRecord add_gate(const GateRecord& g, int64_t now_ms) override;
  std::vector<GateRecord> list_gates(const GateFilter& f) override;

  // PRAGMA integrity_check's first line: "ok" for a healthy file.
  std::string integrity_check();

 private:
  // The cached prepared statement for `sql` (prepared on first use).
  // REQUIRES: mu_ held
  sqlite3_stmt* prepare(const char* sql);
  // REQUIRES: mu_ held
  void exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_ = nullptr;                                      // GUARDED_BY(mu_)
  std::unordered_map<std::string, sqlite3_stmt*> statements_;  // GUARDED_BY(mu_)
};

}  // namespace hbs::store

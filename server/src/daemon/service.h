// daemon/service.h: the production JobService (api/service_api.h): one
// process, one scheduler thread, state in the Store.
//
// The scheduler thread runs tick() every `tick` and whenever something
// changes (a job submitted, a board freed, an agent registered). A tick:
//   1. agent liveness: an agent silent (no heartbeat, no poll) for longer than
//      `agent_timeout` is offline, its boards go offline; once it has been
//      offline for `requeue_delay`, its in-flight jobs count as an
//      infrastructure failure of their board (so they are retried elsewhere);
//   2. job timeouts: a job in flight longer than `job_timeout` fails (type
//      timeout, not retried: a model that hangs would hang again);
//   3. assignment: hbs::assign() over queued jobs, boards and online agents;
//      each assignment is applied with Store::update_job compare-and-set and
//      queued for the board's agent, whose long poll wakes.
// Failures: infrastructure -> the board joins the job's excluded_boards and
// the job is queued again, up to `max_attempts` assignments, then failed; the
// board's consecutive infrastructure failures +1, and at `quarantine_after`
// its health goes bad (never scheduled) until an admin restores it. A job
// error fails the job and is never retried; the board counts as working.
//
// Health checks (when opts.health_model names a golden .tflite): each tick,
// every idle board on an online agent whose health is good or unknown and
// that has no health check pending gets one when its health is unknown (just
// registered, or restored by an admin) or its last check is older than
// health_check_interval. A health check is an ordinary job with
// labels.repo = kHealthRepo, labels.branch = the board id (that pins it: the
// scheduler's assign() never sees it) and priority kHealthPriority. Its result
// decides the board's health: output_check.passed must be true and, once the
// board has health_min_history earlier passing checks, latency.median_us must
// lie within +-health_band of the median of the last health_history of them.
// Anything else (bad output, out of band, job error, infrastructure failure,
// timeout) -> health bad with a message saying why; bad and maintenance boards
// are not checked until an admin restores them (restore -> unknown -> check).
// Agent state (who is online, undelivered assignments) is in memory: after a
// restart the daemon requeues in-flight jobs (Store::requeue_in_flight),
// marks every board offline, and agents come back by registering again.
// Thread-safety: all public methods may be called concurrently; state
// changes are serialised on one mutex (a long poll waits without it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api/service_api.h"
#include "hbs/store.h"

namespace hbs::daemon {

struct ServiceOptions {
  std::chrono::milliseconds tick{1000};
  std::chrono::milliseconds agent_timeout{30000};  // e.g. 3 missed 10 s heartbeats
  std::chrono::milliseconds requeue_delay{60000};  // offline agent's jobs requeued after
  std::chrono::milliseconds job_timeout{30 * 60 * 1000};
  int max_attempts = 3;      // assignments of one job before infrastructure failure is final
  int quarantine_after = 3;  // consecutive infrastructure failures -> health bad
  // Health checks: path of the golden .tflite, or "" (checks off).
  std::string health_model;
  std::chrono::milliseconds health_check_interval{3600 * 1000};
  double health_band = 0.10;   // allowed relative deviation from the history median
  int health_history = 5;      // passing checks the median is taken over
  int health_min_history = 3;  // passing checks needed before the band applies
};

// Labels of health-check jobs (users can filter on repo=hilbench-health).
inline constexpr const char* kHealthRepo = "hilbench-health";
inline constexpr int32_t kHealthPriority = 1000000;

class Service : public api::JobService {
 public:
  using Clock = std::function<int64_t()>;  // ms since the epoch
  Service(Store& store, ArtifactStore& artifacts, ServiceOptions opts, Clock clock = {});
  ~Service() override;

  // Requeues work left in flight by a previous run, marks boards offline,
  // starts the scheduler thread.
  void start();
  // Long polls return at once, no new assignments. Called when HTTP drains.
  void begin_shutdown();
  // Stops the scheduler thread and hands back in-flight work (queued again,
  // so the next start runs it). Idempotent.
  void stop();
  // One scheduler pass (the thread calls it; tests may too).
  void tick();

  Job submit_job(const JobSpec& spec) override;
  Job cancel_job(int64_t job_id) override;
  Board set_maintenance(const std::string& board_id, bool on) override;
  std::vector<Board> register_agent(const std::string& agent_id,
                                    const std::vector<api::AgentBoard>& boards) override;
  std::vector<int64_t> heartbeat(const std::string& agent_id) override;
  std::optional<api::AgentAssignment> poll(const std::string& agent_id,
                                           std::chrono::milliseconds wait) override;
  void report_progress(const std::string& agent_id, int64_t job_id, JobState state,
                       const std::string& message) override;
  void append_log(const std::string& agent_id, int64_t job_id,
                  const std::vector<std::string>& lines) override;
  Job report_result(const std::string& agent_id, int64_t job_id,
                    const nlohmann::json& result) override;
  Job report_failure(const std::string& agent_id, int64_t job_id, FailureType type,
                     const std::string& message) override;
  api::ServiceMetrics metrics() override;

 private:
  struct Agent {
    int64_t last_seen_ms = 0;
    int64_t offline_since_ms = 0;  // 0 = online
    bool requeued = false;         // its in-flight jobs were handed back
    uint64_t session = 0;          // bumped by each registration
  };

  // REQUIRES: mu_ held (for all below).
  void touch_agent(const std::string& agent_id, int64_t now);
  Job owned_in_flight_job(const std::string& agent_id, int64_t job_id);
  void free_board(const std::string& board_id, int64_t job_id);
  void board_worked(const std::string& board_id, int64_t now);
  Job infrastructure_failure(const Job& job, const std::string& message, int64_t now);
  void observe_duration(const Job& j, int64_t now);
  void check_liveness(int64_t now);
  void check_timeouts(int64_t now);
  void assign_jobs(int64_t now);
  // Health checks (see the top of this file).
  bool health_enabled() const { return !health_model_id_.empty(); }
  static bool is_health_job(const Job& j) { return j.spec.labels.repo == kHealthRepo; }
  void schedule_health_checks(int64_t now);
  // Assigns queued health checks to their pinned boards; returns the boards
  // taken, which the general scheduler must not see as idle.
  std::set<std::string> assign_health_checks(std::vector<Job>& queued,
                                             const std::vector<Board>& boards, int64_t now);
  void dispatch(const Job& job, const Board& board, int64_t now);
  // Verdict on a finished health check: "" = pass, else why it failed.
  std::string health_verdict(const Job& j, const nlohmann::json& result, double median_us);
  void health_failed(const Job& j, const std::string& why, int64_t now);
  std::set<std::string> online_agents() const;

  Store& store_;
  ArtifactStore& artifacts_;
  ServiceOptions opts_;
  Clock clock_;

  std::mutex mu_;
  std::condition_variable poll_cv_;      // an assignment was queued, or shutdown
  std::condition_variable kick_cv_;      // wake the scheduler thread
  bool kicked_ = false;                  // GUARDED_BY(mu_)
  bool shutting_down_ = false;           // GUARDED_BY(mu_)
  bool stopped_ = false;                 // GUARDED_BY(mu_)
  std::map<std::string, Agent> agents_;  // GUARDED_BY(mu_)
  std::map<std::string, std::deque<api::AgentAssignment>> pending_;  // GUARDED_BY(mu_)
  std::map<std::string, std::vector<int64_t>> revoked_;              // GUARDED_BY(mu_)
  std::vector<uint64_t> duration_hist_;                              // GUARDED_BY(mu_)
  double duration_sum_s_ = 0;                                        // GUARDED_BY(mu_)
  uint64_t duration_count_ = 0;                                      // GUARDED_BY(mu_)
  std::string health_model_id_;  // sha256 of the golden model, "" = checks off
  std::thread thread_;
};

}  // namespace hbs::daemon

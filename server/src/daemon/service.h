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
};

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
  std::thread thread_;
};

}  // namespace hbs::daemon

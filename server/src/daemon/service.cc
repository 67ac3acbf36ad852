// daemon/service.cc: see service.h.
#include "daemon/service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/api_error.h"
#include "api/json_mapping.h"
#include "hbc/error.h"
#include "hbs/result_metrics.h"
#include "hbs/scheduler.h"

namespace hbs::daemon {

using api::ApiError;

namespace {

std::shared_ptr<spdlog::logger> named_log(const char* name) {
  auto existing = spdlog::get(name);
  return existing ? existing : spdlog::default_logger()->clone(name);
}
std::shared_ptr<spdlog::logger> sched_log() {
  static auto l = named_log("scheduler");
  return l;
}
std::shared_ptr<spdlog::logger> agent_log() {
  static auto l = named_log("agent");
  return l;
}

// Upper bounds of the job duration histogram, seconds.
const std::vector<double> kDurationBuckets = {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

bool in_flight(JobState s) {
  return s == JobState::kAssigned || s == JobState::kFlashing || s == JobState::kRunning;
}

int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

Service::Service(Store& store, ArtifactStore& artifacts, ServiceOptions opts, Clock clock)
    : store_(store),
      artifacts_(artifacts),
      opts_(opts),
      clock_(clock ? std::move(clock) : Clock(system_ms)),
      duration_hist_(kDurationBuckets.size(), 0) {}

Service::~Service() { stop(); }

void Service::start() {
  const int64_t now = clock_();
  if (opts_.health_model.empty()) {
    sched_log()->info("board health checks off: no health_model configured");
  } else {
    std::ifstream f(opts_.health_model, std::ios::binary);
    std::ostringstream bytes;
    bytes << f.rdbuf();
    // Inspected like an upload, so that the model is a complete record
    // (users may upload the same file: it is then already stored).
    nlohmann::json inspection;
    std::string why;
    if (!f || bytes.str().empty()) {
      why = "cannot read it";
    } else {
      try {
        const std::string& b = bytes.str();
        const hbc::Model model = hbc::read_tflite(std::vector<uint8_t>(b.begin(), b.end()));
        const hbc::InspectReport report = hbc::inspect_model(model, {});
        if (!report.unsupported.empty()) why = "it has unsupported operators";
        inspection = api::inspection_json(report);
      } catch (const hbc::CompileError& e) {
        why = e.what();
      }
    }
    if (!why.empty()) {
      sched_log()->warn("board health checks off: health_model {}: {}", opts_.health_model, why);
    } else {
      ModelRecord m;
      m.id = artifacts_.put(bytes.str());
      m.name = std::filesystem::path(opts_.health_model).filename().string();
      m.size = static_cast<int64_t>(bytes.str().size());
      m.inspection = inspection;
      m.created_ms = now;
      if (!store_.get_model(m.id)) store_.put_model(m);
      health_model_id_ = m.id;
      sched_log()->info("board health checks on: model {} every {} s", m.name,
                        opts_.health_check_interval.count() / 1000);
    }
  }
  const int n = store_.requeue_in_flight(now);
  if (n) sched_log()->warn("requeued {} job(s) left in flight by the previous run", n);
  // Agents are known only once they register again.
  for (const Board& b : store_.list_boards())
    if (b.state != BoardState::kOffline) store_.set_board_state(b.id, BoardState::kOffline, 0);
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> l(mu_);
    while (!stopped_) {
      kick_cv_.wait_for(l, opts_.tick, [this] { return kicked_ || stopped_; });
      if (stopped_) break;
      kicked_ = false;
      l.unlock();
      try {
        tick();
      } catch (const std::exception& e) {
        sched_log()->error("tick failed: {}", e.what());
      }
      l.lock();
    }
  });
}

void Service::begin_shutdown() {
  std::lock_guard<std::mutex> l(mu_);
  shutting_down_ = true;
  poll_cv_.notify_all();
}

void Service::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopped_) return;
    stopped_ = shutting_down_ = true;
    kick_cv_.notify_all();
    poll_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  try {
    const int n = store_.requeue_in_flight(clock_());
    if (n) sched_log()->info("shutdown: handed back {} in-flight job(s) to the queue", n);
  } catch (const std::exception& e) {
    sched_log()->error("shutdown: could not requeue in-flight jobs: {}", e.what());
  }
}

// ---------------------------------------------------------------------------

void Service::tick() {
  std::lock_guard<std::mutex> l(mu_);
  if (shutting_down_) return;
  const int64_t now = clock_();
  check_liveness(now);
  check_timeouts(now);
  schedule_health_checks(now);
  assign_jobs(now);
}

std::set<std::string> Service::online_agents() const {
  std::set<std::string> out;
  for (const auto& [id, a] : agents_)
    if (!a.offline_since_ms) out.insert(id);
  return out;
}

void Service::check_liveness(int64_t now) {
  for (auto& [id, a] : agents_) {
    if (!a.offline_since_ms && now - a.last_seen_ms > opts_.agent_timeout.count()) {
      a.offline_since_ms = now;
      a.requeued = false;
      agent_log()->warn("agent {} offline: no heartbeat for {} ms", id, now - a.last_seen_ms);
      for (const Board& b : store_.list_boards())
        if (b.agent_id == id) store_.set_board_state(b.id, BoardState::kOffline, b.current_job);
      pending_.erase(id);
    }
    if (a.offline_since_ms && !a.requeued &&
        now - a.offline_since_ms >= opts_.requeue_delay.count()) {
      a.requeued = true;
      for (const Board& b : store_.list_boards()) {
        if (b.agent_id != id || !b.current_job) continue;
        auto j = store_.get_job(b.current_job);
        store_.set_board_state(b.id, BoardState::kOffline, 0);
        if (j && in_flight(j->state))
          infrastructure_failure(
              *j, "agent " + id + " lost while the job was " + to_string(j->state), now);
      }
    }
  }
}

void Service::check_timeouts(int64_t now) {
  for (JobState s : {JobState::kAssigned, JobState::kFlashing, JobState::kRunning}) {
    JobFilter f;
    f.state = s;
    f.limit = 1000;
    for (const Job& j : store_.list_jobs(f)) {
      if (!j.started_ms || now - j.started_ms <= opts_.job_timeout.count()) continue;
      JobUpdate u{JobState::kFailed};
      u.failure = FailureType::kTimeout;
      u.message = "timed out after " + std::to_string(opts_.job_timeout.count() / 1000) +
                  " s (was " + to_string(s) + ")";
      u.finished_ms = now;
      if (!store_.update_job(j.id, s, u, now)) continue;
      sched_log()->warn("job {} on board {}: {}", j.id, j.board_id, *u.message);
      store_.append_log(j.id, "[hilbench] " + *u.message, now);
      if (auto b = store_.get_board(j.board_id)) revoked_[b->agent_id].push_back(j.id);
      free_board(j.board_id, j.id);
      observe_duration(j, now);
      if (is_health_job(j)) health_failed(j, *u.message, now);
    }
  }
}

void Service::assign_jobs(int64_t now) {
  std::vector<Job> queued = store_.queued_jobs();
  if (queued.empty()) return;
  std::vector<Board> boards = store_.list_boards();
  // Health checks first: pinned, never seen by assign().
  const std::set<std::string> taken = assign_health_checks(queued, boards, now);
  for (Board& b : boards)
    if (taken.count(b.id)) b.state = BoardState::kBusy;
  for (const Assignment& a : assign(queued, boards, online_agents())) {
    auto job =
        std::find_if(queued.begin(), queued.end(), [&](const Job& j) { return j.id == a.job_id; });
    auto board = std::find_if(boards.begin(), boards.end(),
                              [&](const Board& b) { return b.id == a.board_id; });
    if (job == queued.end() || board == boards.end()) continue;
    dispatch(*job, *board, now);
  }
  poll_cv_.notify_all();
}

void Service::dispatch(const Job& job, const Board& board, int64_t now) {
  JobUpdate u{JobState::kAssigned};
  u.board_id = board.id;
  u.attempts = job.attempts + 1;
  u.started_ms = now;
  u.message = "assigned to board " + board.id;
  if (!store_.update_job(job.id, JobState::kQueued, u, now)) return;  // cancelled meanwhile
  store_.set_board_state(board.id, BoardState::kBusy, job.id);
  store_.append_log(
      job.id,
      "[hilbench] attempt " + std::to_string(*u.attempts) + ": assigned to board " + board.id, now);
  api::AgentAssignment as;
  as.job_id = job.id;
  as.board_id = board.id;
  as.profile_id = board.profile_id;
  as.spec = job.spec;
  as.attempt = *u.attempts;
  as.timeout_ms = opts_.job_timeout.count();
  pending_[board.agent_id].push_back(std::move(as));
  sched_log()->info("job {} -> board {} (attempt {})", job.id, board.id, *u.attempts);
}

// ---------------------------------------------------------------------------
// Health checks.

void Service::schedule_health_checks(int64_t now) {
  if (!health_enabled()) return;
  std::set<std::string> pending;  // boards with a health check not yet finished
  JobFilter f;
  f.repo = kHealthRepo;
  f.limit = 1000;
  for (JobState s :
       {JobState::kQueued, JobState::kAssigned, JobState::kFlashing, JobState::kRunning}) {
    f.state = s;
    for (const Job& j : store_.list_jobs(f)) pending.insert(j.spec.labels.branch);
  }
  const std::set<std::string> online = online_agents();
  for (const Board& b : store_.list_boards()) {
    if (b.state != BoardState::kIdle || !online.count(b.agent_id) || pending.count(b.id)) continue;
    const bool due = b.health == BoardHealth::kUnknown ||
                     (b.health == BoardHealth::kGood &&
                      now - b.last_health_check_ms >= opts_.health_check_interval.count());
    if (!due) continue;
    JobSpec spec;
    spec.model_id = health_model_id_;
    spec.selector.profile = b.profile_id;
    spec.priority = kHealthPriority;
    spec.labels.repo = kHealthRepo;
    spec.labels.branch = b.id;  // the pin
    const Job j = store_.create_job(spec, now);
    store_.append_log(j.id, "[hilbench] health check of board " + b.id, now);
    sched_log()->info("board {}: health check queued (job {})", b.id, j.id);
  }
}

std::set<std::string> Service::assign_health_checks(std::vector<Job>& queued,
                                                    const std::vector<Board>& boards, int64_t now) {
  std::set<std::string> taken;
  const std::set<std::string> online = online_agents();
  std::vector<Job> rest;
  for (const Job& j : queued) {
    if (!is_health_job(j)) {
      rest.push_back(j);
      continue;
    }
    auto b = std::find_if(boards.begin(), boards.end(),
                          [&](const Board& x) { return x.id == j.spec.labels.branch; });
    // A quarantined board waits for an admin; its check runs after restore.
    if (b == boards.end() || taken.count(b->id) || b->state != BoardState::kIdle ||
        !online.count(b->agent_id) || b->health == BoardHealth::kBad ||
        b->health == BoardHealth::kMaintenance)
      continue;
    taken.insert(b->id);
    dispatch(j, *b, now);
  }
  queued.swap(rest);
  return taken;
}

std::string Service::health_verdict(const Job& j, const nlohmann::json& result, double median_us) {
  const auto oc = result.find("output_check");
  if (oc == result.end() || !oc->is_object() || !oc->contains("passed") ||
      !(*oc)["passed"].is_boolean())
    return "the result has no output_check.passed";
  if (!(*oc)["passed"].get<bool>()) {
    std::string why = "output check failed (outputs differ from the golden model's)";
    if (oc->contains("message") && (*oc)["message"].is_string())
      why += ": " + (*oc)["message"].get<std::string>();
    return why;
  }
  if (!(median_us > 0)) return "the result has no latency.median_us";
  // Earlier passing checks of this board, newest first, timed the same way (a
  // new agent that measures on another basis starts a new history).
  const std::string method = hbs::metrics::latency_method(result);
  JobFilter f;
  f.board_id = j.board_id;
  f.repo = kHealthRepo;
  f.limit = 200;
  std::vector<double> history;
  for (const Result& h : store_.query_results(f)) {
    const auto hc = h.data.find("health_check");
    if (hc == h.data.end() || !hc->is_object() || !hc->value("passed", false)) continue;
    if (hbs::metrics::latency_method(h.data) != method) continue;
    history.push_back(h.latency_median_us);
    if (static_cast<int>(history.size()) >= opts_.health_history) break;
  }
  if (static_cast<int>(history.size()) < opts_.health_min_history) return "";
  const double ref = median_of(history);
  if (std::abs(median_us - ref) > opts_.health_band * ref) {
    char buf[200];
    snprintf(buf, sizeof buf,
             "median latency %.1f us is outside %.1f us +-%.0f%% (median of the last %zu "
             "passing health checks)",
             median_us, ref, opts_.health_band * 100, history.size());
    return buf;
  }
  return "";
}

void Service::health_failed(const Job& j, const std::string& why, int64_t now) {
  auto b = store_.get_board(j.board_id);
  if (!b || b->health == BoardHealth::kMaintenance) return;
  sched_log()->error("board {} quarantined: health check (job {}) failed: {}", b->id, j.id, why);
  store_.set_board_health(b->id, BoardHealth::kBad,
                          "health check (job " + std::to_string(j.id) + ") failed: " + why,
                          b->consecutive_infra_failures, now);
}

// ---------------------------------------------------------------------------

void Service::free_board(const std::string& board_id, int64_t job_id) {
  auto b = store_.get_board(board_id);
  if (!b || b->current_job != job_id) return;
  store_.set_board_state(
      board_id, b->state == BoardState::kOffline ? BoardState::kOffline : BoardState::kIdle, 0);
  kicked_ = true;
  kick_cv_.notify_all();
}

void Service::board_worked(const std::string& board_id, int64_t now) {
  auto b = store_.get_board(board_id);
  if (!b || b->health == BoardHealth::kMaintenance || b->health == BoardHealth::kBad) return;
  if (b->health != BoardHealth::kGood || b->consecutive_infra_failures)
    store_.set_board_health(board_id, BoardHealth::kGood, "", 0, now);
}

Job Service::infrastructure_failure(const Job& job, const std::string& message, int64_t now) {
  if (is_health_job(job)) {  // pinned: never retried elsewhere
    JobUpdate u{JobState::kFailed};
    u.failure = FailureType::kInfrastructure;
    u.message = "health check failed: infrastructure failure: " + message;
    u.finished_ms = now;
    if (!store_.update_job(job.id, job.state, u, now))
      throw ApiError::Conflict("job " + std::to_string(job.id) + " changed state meanwhile");
    store_.append_log(job.id, "[hilbench] " + *u.message, now);
    health_failed(job, "infrastructure failure: " + message, now);
    free_board(job.board_id, job.id);
    observe_duration(job, now);
    return *store_.get_job(job.id);
  }
  // The board first: it may be quarantined.
  if (auto b = store_.get_board(job.board_id)) {
    const int32_t n = b->consecutive_infra_failures + 1;
    BoardHealth h = b->health;
    std::string why = b->health_message;
    if (n >= opts_.quarantine_after && h != BoardHealth::kMaintenance) {
      if (h != BoardHealth::kBad)
        sched_log()->error("board {} quarantined after {} consecutive infrastructure failures",
                           b->id, n);
      h = BoardHealth::kBad;
      why = "quarantined after " + std::to_string(n) +
            " consecutive infrastructure failures; last: " + message;
    }
    store_.set_board_health(b->id, h, why, n, now);
    free_board(b->id, job.id);
  }
  std::vector<std::string> excluded = job.excluded_boards;
  if (!job.board_id.empty() &&
      std::find(excluded.begin(), excluded.end(), job.board_id) == excluded.end())
    excluded.push_back(job.board_id);
  JobUpdate u{JobState::kQueued};
  u.failure = FailureType::kInfrastructure;
  u.excluded_boards = excluded;
  if (job.attempts >= opts_.max_attempts) {
    u.state = JobState::kFailed;
    u.finished_ms = now;
    u.message = "infrastructure failure on " + std::to_string(job.attempts) +
                " attempt(s), giving up; last on board " + job.board_id + ": " + message;
  } else {
    u.failure = FailureType::kNone;
    u.message =
        "retrying after an infrastructure failure on board " + job.board_id + ": " + message;
  }
  if (!store_.update_job(job.id, job.state, u, now))
    throw ApiError::Conflict("job " + std::to_string(job.id) + " changed state meanwhile");
  sched_log()->warn("job {} on board {}: {}", job.id, job.board_id, *u.message);
  store_.append_log(job.id, "[hilbench] " + *u.message, now);
  if (u.state == JobState::kFailed) observe_duration(job, now);
  kicked_ = true;
  kick_cv_.notify_all();
  return *store_.get_job(job.id);
}

void Service::observe_duration(const Job& j, int64_t now) {
  if (!j.started_ms) return;
  const double s = static_cast<double>(now - j.started_ms) / 1000.0;
  for (size_t i = 0; i < kDurationBuckets.size(); ++i)
    if (s <= kDurationBuckets[i]) ++duration_hist_[i];
  duration_sum_s_ += s;
  ++duration_count_;
}

void Service::touch_agent(const std::string& agent_id, int64_t now) {
  auto it = agents_.find(agent_id);
  if (it == agents_.end())
    throw ApiError::NotFound("agent " + agent_id + " is not registered (POST /agent/register)");
  Agent& a = it->second;
  a.last_seen_ms = now;
  if (a.offline_since_ms) {
    agent_log()->info("agent {} back online", agent_id);
    a.offline_since_ms = 0;
    for (const Board& b : store_.list_boards()) {
      if (b.agent_id != agent_id || b.state != BoardState::kOffline) continue;
      store_.set_board_state(b.id, b.current_job ? BoardState::kBusy : BoardState::kIdle,
                             b.current_job);
    }
    kicked_ = true;
    kick_cv_.notify_all();
  }
}

// The job must be in flight on one of this agent's boards.
Job Service::owned_in_flight_job(const std::string& agent_id, int64_t job_id) {
  touch_agent(agent_id, clock_());
  auto j = store_.get_job(job_id);
  if (!j) throw ApiError::NotFound("no job " + std::to_string(job_id));
  auto b = store_.get_board(j->board_id);
  if (!b || b->agent_id != agent_id)
    throw ApiError::Conflict("job " + std::to_string(job_id) + " is not assigned to agent " +
                             agent_id);
  if (!in_flight(j->state))
    throw ApiError::Conflict(
        "job " + std::to_string(job_id) + " is " + to_string(j->state) +
        (j->state == JobState::kQueued ? " (taken back from this agent)" : "") +
        "; stop working on it");
  return *j;
}

// ---------------------------------------------------------------------------

Job Service::submit_job(const JobSpec& spec) {
  std::lock_guard<std::mutex> l(mu_);
  if (shutting_down_) throw ApiError::Unavailable("the daemon is shutting down");
  if (!spec.model_id.empty() && !store_.get_model(spec.model_id))
    throw ApiError::Unprocessable("unknown model_id " + spec.model_id +
                                  " (upload it with POST /api/v1/models)");
  if (!spec.firmware_id.empty() && !artifacts_.has(spec.firmware_id))
    throw ApiError::Unprocessable("unknown firmware_id " + spec.firmware_id +
                                  " (upload it with POST /api/v1/firmware)");
  const std::vector<Board> boards = store_.list_boards();
  const bool any = std::any_of(boards.begin(), boards.end(),
                               [&](const Board& b) { return matches(spec.selector, b); });
  if (!any) {
    std::set<std::string> profiles;
    for (const Board& b : boards) profiles.insert(b.profile_id);
    std::string known;
    for (const auto& p : profiles) known += (known.empty() ? "" : ", ") + p;
    throw ApiError::Unprocessable("no board matches selector '" + api::describe(spec.selector) +
                                  "' (registered profiles: " + (known.empty() ? "none" : known) +
                                  ")");
  }
  const int64_t now = clock_();
  const Job j = store_.create_job(spec, now);
  store_.append_log(j.id, "[hilbench] queued for " + api::describe(spec.selector), now);
  kicked_ = true;
  kick_cv_.notify_all();
  return j;
}

Job Service::cancel_job(int64_t job_id) {
  std::lock_guard<std::mutex> l(mu_);
  const int64_t now = clock_();
  for (int tries = 0; tries < 5; ++tries) {
    auto j = store_.get_job(job_id);
    if (!j) throw ApiError::NotFound("no job " + std::to_string(job_id));
    if (is_terminal(j->state))
      throw ApiError::Conflict("job " + std::to_string(job_id) + " is already " +
                               to_string(j->state));
    JobUpdate u{JobState::kCancelled};
    u.message = "cancelled by user";
    u.finished_ms = now;
    if (!store_.update_job(job_id, j->state, u, now)) continue;
    store_.append_log(job_id, "[hilbench] cancelled by user", now);
    if (in_flight(j->state)) {
      if (auto b = store_.get_board(j->board_id)) revoked_[b->agent_id].push_back(job_id);
      free_board(j->board_id, job_id);
    }
    return *store_.get_job(job_id);
  }
  throw ApiError::Conflict("job " + std::to_string(job_id) + " keeps changing; try again");
}

Board Service::set_maintenance(const std::string& board_id, bool on) {
  std::lock_guard<std::mutex> l(mu_);
  auto b = store_.get_board(board_id);
  if (!b) throw ApiError::NotFound("no board " + board_id);
  const int64_t now = clock_();
  if (on)
    store_.set_board_health(board_id, BoardHealth::kMaintenance, "maintenance (admin)",
                            b->consecutive_infra_failures, now);
  else if (health_enabled())  // the health check scheduled by the next tick decides
    store_.set_board_health(board_id, BoardHealth::kUnknown,
                            "restored (admin); health check pending", 0, now);
  else
    store_.set_board_health(board_id, BoardHealth::kGood, "restored (admin)", 0, now);
  sched_log()->info("board {}: {}", board_id, on ? "maintenance" : "restored");
  kicked_ = true;
  kick_cv_.notify_all();
  return *store_.get_board(board_id);
}

std::vector<Board> Service::register_agent(const std::string& agent_id,
                                           const std::vector<api::AgentBoard>& boards) {
  std::lock_guard<std::mutex> l(mu_);
  if (agent_id.size() > 64 || agent_id.find('/') != std::string::npos)
    throw ApiError::BadRequest("agent_id: at most 64 characters, no '/'");
  const int64_t now = clock_();
  std::set<std::string> ids;
  std::vector<Board> out;
  for (const api::AgentBoard& ab : boards) {
    Board b;
    b.id = agent_id + "/" + ab.profile_id + (ab.probe_serial.empty() ? "" : "/" + ab.probe_serial);
    if (!ids.insert(b.id).second)
      throw ApiError::BadRequest("boards: board " + b.id + " listed twice");
    b.profile_id = ab.profile_id;
    b.agent_id = agent_id;
    b.tags = ab.tags;
    b.probe_serial = ab.probe_serial;
    b.state = BoardState::kIdle;
    // A re-registering agent has restarted: whatever it was running is lost.
    if (auto old = store_.get_board(b.id); old && old->current_job) {
      if (auto j = store_.get_job(old->current_job); j && in_flight(j->state))
        infrastructure_failure(*j, "agent " + agent_id + " restarted", now);
    }
    store_.upsert_board(b);
    out.push_back(*store_.get_board(b.id));
  }
  // Boards the agent no longer reports.
  for (const Board& b : store_.list_boards())
    if (b.agent_id == agent_id && !ids.count(b.id) && b.state != BoardState::kOffline)
      store_.set_board_state(b.id, BoardState::kOffline, 0);
  // A new session: long polls of the previous process (whose connections the
  // server may not yet know to be dead) must not take this one's assignments.
  Agent& a = agents_[agent_id];
  a = Agent{.session = a.session + 1};
  a.last_seen_ms = now;
  poll_cv_.notify_all();
  pending_.erase(agent_id);
  agent_log()->info("agent {} registered {} board(s)", agent_id, out.size());
  kicked_ = true;
  kick_cv_.notify_all();
  return out;
}

std::vector<int64_t> Service::heartbeat(const std::string& agent_id) {
  std::lock_guard<std::mutex> l(mu_);
  touch_agent(agent_id, clock_());
  std::vector<int64_t> out;
  out.swap(revoked_[agent_id]);
  return out;
}

std::optional<api::AgentAssignment> Service::poll(const std::string& agent_id,
                                                  std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> l(mu_);
  touch_agent(agent_id, clock_());
  const uint64_t session = agents_[agent_id].session;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (shutting_down_ || agents_[agent_id].session != session) return std::nullopt;
    auto& q = pending_[agent_id];
    while (!q.empty()) {
      api::AgentAssignment a = std::move(q.front());
      q.pop_front();
      auto j = store_.get_job(a.job_id);  // still ours? (not cancelled meanwhile)
      if (j && j->state == JobState::kAssigned && j->board_id == a.board_id) {
        agent_log()->info("job {} delivered to agent {} for board {}", a.job_id, agent_id,
                          a.board_id);
        return a;
      }
    }
    if (poll_cv_.wait_until(l, deadline) == std::cv_status::timeout) {
      // One last look: an assignment may have raced the deadline.
      if (!pending_[agent_id].empty() && !shutting_down_ && agents_[agent_id].session == session)
        continue;
      touch_agent(agent_id, clock_());
      return std::nullopt;
    }
  }
}

void Service::report_progress(const std::string& agent_id, int64_t job_id, JobState state,
                              const std::string& message) {
  std::lock_guard<std::mutex> l(mu_);
  const Job j = owned_in_flight_job(agent_id, job_id);
  const int64_t now = clock_();
  if (j.state != state) {
    if (j.state == JobState::kRunning && state == JobState::kFlashing)
      throw ApiError::Conflict("job " + std::to_string(job_id) + " is already running");
    JobUpdate u{state};
    if (!message.empty()) u.message = message;
    if (!store_.update_job(job_id, j.state, u, now))
      throw ApiError::Conflict("job " + std::to_string(job_id) + " changed state meanwhile");
  }
  store_.append_log(
      job_id, std::string("[agent] ") + to_string(state) + (message.empty() ? "" : ": " + message),
      now);
  agent_log()->info("job {} on board {}: {}", job_id, j.board_id, to_string(state));
}

void Service::append_log(const std::string& agent_id, int64_t job_id,
                         const std::vector<std::string>& lines) {
  std::lock_guard<std::mutex> l(mu_);
  if (lines.size() > 10000) throw ApiError::PayloadTooLarge("at most 10000 log lines per call");
  const Job j = owned_in_flight_job(agent_id, job_id);
  const int64_t now = clock_();
  for (const auto& line : lines) store_.append_log(j.id, line.substr(0, 8192), now);
}

Job Service::report_result(const std::string& agent_id, int64_t job_id,
                           const nlohmann::json& result) {
  std::lock_guard<std::mutex> l(mu_);
  const Job j = owned_in_flight_job(agent_id, job_id);
  const int64_t now = clock_();
  Result r;
  r.job_id = job_id;
  r.model_id = j.spec.model_id.empty() ? j.spec.firmware_id : j.spec.model_id;
  r.board_id = j.board_id;
  if (auto b = store_.get_board(j.board_id)) r.profile_id = b->profile_id;
  r.branch = j.spec.labels.branch;
  r.commit = j.spec.labels.commit;
  if (result.contains("latency") && result["latency"].is_object() &&
      result["latency"].contains("median_us") && result["latency"]["median_us"].is_number())
    r.latency_median_us = result["latency"]["median_us"].get<double>();
  r.data = result;
  r.created_ms = now;
  std::string health_why;
  if (is_health_job(j)) {
    health_why = health_verdict(j, result, r.latency_median_us);
    r.data["health_check"] = {{"passed", health_why.empty()}, {"message", health_why}};
  }
  if (!store_.finish_job_with_result(job_id, j.state, r, now))
    throw ApiError::Conflict("job " + std::to_string(job_id) + " changed state meanwhile");
  store_.append_log(job_id, "[hilbench] done", now);
  if (!is_health_job(j)) {
    board_worked(j.board_id, now);
  } else if (!health_why.empty()) {
    store_.append_log(job_id, "[hilbench] health check failed: " + health_why, now);
    health_failed(j, health_why, now);
  } else if (auto b = store_.get_board(j.board_id);
             b && b->health != BoardHealth::kMaintenance && b->health != BoardHealth::kBad) {
    char buf[120];
    snprintf(buf, sizeof buf, "health check (job %lld) passed: median %.1f us",
             static_cast<long long>(job_id), r.latency_median_us);
    store_.append_log(job_id, std::string("[hilbench] ") + buf, now);
    store_.set_board_health(j.board_id, BoardHealth::kGood, buf, 0, now);
  }
  free_board(j.board_id, job_id);
  observe_duration(j, now);
  agent_log()->info("job {} on board {}: done, median {} us", job_id, j.board_id,
                    r.latency_median_us);
  return *store_.get_job(job_id);
}

Job Service::report_failure(const std::string& agent_id, int64_t job_id, FailureType type,
                            const std::string& message) {
  std::lock_guard<std::mutex> l(mu_);
  const Job j = owned_in_flight_job(agent_id, job_id);
  const int64_t now = clock_();
  agent_log()->warn("job {} on board {}: {} failure: {}", job_id, j.board_id, to_string(type),
                    message);
  if (type == FailureType::kInfrastructure && !is_health_job(j))
    return infrastructure_failure(j, message, now);
  JobUpdate u{JobState::kFailed};
  u.failure = type;
  u.message = message.empty() ? std::string(to_string(type)) + " failure" : message;
  u.finished_ms = now;
  if (!store_.update_job(job_id, j.state, u, now))
    throw ApiError::Conflict("job " + std::to_string(job_id) + " changed state meanwhile");
  store_.append_log(job_id,
                    "[hilbench] failed (" + std::string(to_string(type)) + "): " + *u.message, now);
  if (is_health_job(j))  // any failure of the golden model is the board's
    health_failed(j, std::string(to_string(type)) + " failure: " + *u.message, now);
  else if (type == FailureType::kJob)
    board_worked(j.board_id, now);
  free_board(j.board_id, job_id);
  observe_duration(j, now);
  return *store_.get_job(job_id);
}

api::ServiceMetrics Service::metrics() {
  std::lock_guard<std::mutex> l(mu_);
  api::ServiceMetrics m;
  m.duration_buckets_s = kDurationBuckets;
  m.duration_counts = duration_hist_;
  m.duration_sum_s = duration_sum_s_;
  m.duration_count = duration_count_;
  m.agents_online = static_cast<int>(online_agents().size());
  return m;
}

}  // namespace hbs::daemon

// agent.cc: see agent.h.
#include "agent/agent.h"

#include <pthread.h>
#include <signal.h>

#include <deque>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/job_runner.h"
#include "driver/device_profile.h"
#include "driver/driver_error.h"

namespace hb::agent {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    if (auto existing = spdlog::get("hb-agent")) return existing;
    try {
      return spdlog::stderr_color_mt("hb-agent");
    } catch (const spdlog::spdlog_ex&) {  // registered meanwhile
      return spdlog::get("hb-agent");
    }
  }();
  return l;
}

std::string url_escape(const std::string& s) {
  std::string out;
  char b[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

}  // namespace

std::vector<BoardConfig> parse_board_config(const json& j) {
  const json* arr = &j;
  if (j.is_object()) {
    if (!j.contains("boards")) throw std::runtime_error("board config: missing \"boards\" array");
    arr = &j["boards"];
  }
  if (!arr->is_array()) throw std::runtime_error("board config: \"boards\" must be an array");
  std::vector<BoardConfig> out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& b = (*arr)[i];
    const std::string at = "boards[" + std::to_string(i) + "]";
    if (!b.is_object()) throw std::runtime_error(at + ": must be an object");
    BoardConfig c;
    for (auto it = b.begin(); it != b.end(); ++it) {
      const std::string& k = it.key();
      if (k == "profile_id" || k == "probe_serial" || k == "serial_port") {
        if (!it.value().is_string()) throw std::runtime_error(at + "." + k + ": must be a string");
        const std::string v = it.value();
        (k == "profile_id"     ? c.profile_id
         : k == "probe_serial" ? c.probe_serial
                               : c.serial_port) = v;
      } else if (k == "tags") {
        if (!it.value().is_object()) throw std::runtime_error(at + ".tags: must be an object");
        for (auto t = it.value().begin(); t != it.value().end(); ++t) {
          if (!t.value().is_string())
            throw std::runtime_error(at + ".tags." + t.key() + ": must be a string");
          c.tags[t.key()] = t.value();
        }
      } else {
        throw std::runtime_error(at + "." + k + ": unknown key");
      }
    }
    if (c.profile_id.empty()) throw std::runtime_error(at + ".profile_id: required");
    if (c.probe_serial.find('/') != std::string::npos)
      throw std::runtime_error(at + ".probe_serial: must not contain '/'");
    out.push_back(std::move(c));
  }
  return out;
}

// One board: its environment, its thread, and the job it is running.
struct Agent::Worker {
  BoardConfig cfg;
  BoardEnvironment env;  // env.board_id is set at registration
  std::thread thread;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<json> queue;                        // GUARDED_BY(mu): assignments not started yet
  int64_t current = 0;                           // GUARDED_BY(mu): running job id, 0 = idle
  bool cancel_current = false;                   // GUARDED_BY(mu)
  int pid = -1;                                  // GUARDED_BY(mu): the emulator of the running job
  uint64_t done = 0, failed = 0, abandoned = 0;  // GUARDED_BY(mu)

  // REQUIRES: mu held. Kills the emulator of the running job, if any: the
  // blocked driver call then fails, and the runner sees cancelled().
  void kill_board() {
    if (pid > 0) ::kill(pid, SIGKILL);
  }
};

Agent::Agent(AgentOptions opts) : opts_(std::move(opts)), http_(opts_.server) {
  logger();
  if (opts_.agent_id.empty() || opts_.agent_id.size() > 64 ||
      opts_.agent_id.find('/') != std::string::npos)
    throw std::runtime_error("agent id must be 1..64 characters without '/'");
  if (opts_.token.empty()) throw std::runtime_error("an agent token is required");
  if (opts_.boards.empty()) throw std::runtime_error("no boards configured");
  http_.set_bearer_token(opts_.token);
  fs::path plugin = opts_.icount_plugin;
  if (plugin.empty()) plugin = opts_.firmware_dir / "qemu-plugin" / "libhb_icount.so";
  for (const BoardConfig& b : opts_.boards) {
    auto w = std::make_unique<Worker>();
    w->cfg = b;
    w->env.profile_path = opts_.profiles_dir / (b.profile_id + ".json");
    try {
      w->env.profile = hb::driver::load_device_profile(w->env.profile_path);
    } catch (const hb::driver::DriverError& e) {
      throw std::runtime_error("board " + b.profile_id + ": " + e.what() +
                               " (is --profiles pointing at device-profiles/?)");
    }
    w->env.firmware_dir = opts_.firmware_dir;
    w->env.icount_plugin = fs::exists(plugin) ? plugin : fs::path();
    w->env.qemu_binary = opts_.qemu_binary;
    w->env.probe_serial = b.probe_serial;
    w->env.serial_port = b.serial_port;
    w->env.board_id =
        opts_.agent_id + "/" + b.profile_id + (b.probe_serial.empty() ? "" : "/" + b.probe_serial);
    workers_.push_back(std::move(w));
  }
}

Agent::~Agent() { stop(); }

void Agent::start() {
  if (run_thread_.joinable()) return;
  run_thread_ = std::thread([this] { run(); });
}

void Agent::request_stop() {
  {
    std::lock_guard<std::mutex> l(sleep_mu_);
    stop_ = true;
  }
  sleep_cv_.notify_all();
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> l(w->mu);
    w->queue.clear();
    if (w->current) {
      w->cancel_current = true;
      w->kill_board();
    }
    w->cv.notify_all();
  }
}

void Agent::stop() {
  request_stop();
  if (run_thread_.joinable()) run_thread_.join();
}

void Agent::sleep_for(milliseconds d) {
  std::unique_lock<std::mutex> l(sleep_mu_);
  sleep_cv_.wait_for(l, d, [this] { return stop_.load(); });
}

std::vector<BoardStatus> Agent::status() const {
  std::vector<BoardStatus> out;
  for (const auto& w : workers_) {
    std::lock_guard<std::mutex> l(w->mu);
    out.push_back({w->env.board_id, w->current, w->pid, w->done, w->failed, w->abandoned});
  }
  return out;
}

void Agent::run() {
  logger()->info("agent={}: starting with {} board(s), daemon {}", opts_.agent_id, workers_.size(),
                 http_.base_url());
  for (auto& w : workers_) w->thread = std::thread([this, &w] { worker_loop(*w); });
  heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
  poll_loop();
  request_stop();
  heartbeat_thread_.join();
  for (auto& w : workers_) w->thread.join();
  logger()->info("agent={}: stopped", opts_.agent_id);
}

bool Agent::register_boards() {
  json boards = json::array();
  for (const auto& w : workers_) {
    json tags = json::object();
    tags["core"] = w->env.profile.core;
    tags["emulated"] = w->env.profile.emulated ? "true" : "false";
    for (const auto& [k, v] : w->cfg.tags) tags[k] = v;
    json b = {{"profile_id", w->cfg.profile_id}, {"tags", tags}};
    if (!w->cfg.probe_serial.empty()) b["probe_serial"] = w->cfg.probe_serial;
    boards.push_back(b);
  }
  milliseconds backoff = opts_.backoff_initial;
  while (!stop_) {
    try {
      HttpClient::Call c;
      c.cancel = &stop_;
      c.timeout = milliseconds(15000);
      const json r = http_
                         .post_json("/api/v1/agent/register",
                                    {{"agent_id", opts_.agent_id}, {"boards", boards}}, c)
                         .json();
      const json& got = r.at("boards");
      for (size_t i = 0; i < workers_.size() && i < got.size(); ++i) {
        std::lock_guard<std::mutex> l(workers_[i]->mu);
        workers_[i]->env.board_id = got[i].at("id").get<std::string>();
      }
      need_register_ = false;
      ++registrations_;
      logger()->info("agent={}: registered {} board(s) with {}", opts_.agent_id, got.size(),
                     http_.base_url());
      return true;
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::Kind::kCancelled) return false;
      if (e.kind() == HttpError::Kind::kStatus && e.status() < 500) {
        // The daemon refused us (bad token, bad board list): keep trying
        // slowly, a person has to fix the configuration.
        logger()->error("agent={}: registration refused: {}", opts_.agent_id, e.what());
        backoff = opts_.backoff_max;
      } else {
        logger()->warn("agent={}: cannot register ({}); retrying in {} ms", opts_.agent_id,
                       e.what(), backoff.count());
      }
    } catch (const std::exception& e) {
      logger()->error("agent={}: bad registration reply: {}", opts_.agent_id, e.what());
    }
    sleep_for(backoff);
    backoff = std::min(backoff * 2, opts_.backoff_max);
  }
  return false;
}

void Agent::abandon_all(const std::string& why) {
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> l(w->mu);
    w->abandoned += w->queue.size();
    w->queue.clear();
    if (w->current) {
      logger()->warn("agent={} board={} job={}: abandoned: {}", opts_.agent_id, w->env.board_id,
                     w->current, why);
      w->cancel_current = true;
      w->kill_board();
    }
  }
}

void Agent::cancel_job(int64_t job_id, const std::string& why) {
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> l(w->mu);
    for (auto it = w->queue.begin(); it != w->queue.end(); ++it) {
      if (it->value("job_id", int64_t{0}) == job_id) {
        w->queue.erase(it);
        ++w->abandoned;
        logger()->info("agent={} board={} job={}: dropped before it started: {}", opts_.agent_id,
                       w->env.board_id, job_id, why);
        return;
      }
    }
    if (w->current == job_id && !w->cancel_current) {
      logger()->info("agent={} board={} job={}: stopping the board: {}", opts_.agent_id,
                     w->env.board_id, job_id, why);
      w->cancel_current = true;
      w->kill_board();
      return;
    }
  }
}

void Agent::heartbeat_loop() {
  while (!stop_) {
    sleep_for(opts_.heartbeat_interval);
    if (stop_) break;
    if (need_register_) continue;
    try {
      HttpClient::Call c;
      c.cancel = &stop_;
      c.timeout = milliseconds(10000);
      const json r =
          http_.post_json("/api/v1/agent/heartbeat", {{"agent_id", opts_.agent_id}}, c).json();
      for (const auto& id : r.value("cancelled_jobs", json::array()))
        if (id.is_number_integer())
          cancel_job(id.get<int64_t>(), "cancelled, timed out or taken back by the daemon");
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::Kind::kStatus && e.status() == 404) {
        need_register_ = true;  // the poll loop registers again
      } else if (e.kind() != HttpError::Kind::kCancelled) {
        logger()->debug("agent={}: heartbeat failed: {}", opts_.agent_id, e.what());
      }
    } catch (const std::exception& e) {
      logger()->warn("agent={}: bad heartbeat reply: {}", opts_.agent_id, e.what());
    }
  }
}

void Agent::poll_loop() {
  milliseconds backoff = opts_.backoff_initial;
  bool was_down = false;
  while (!stop_) {
    if (need_register_) {
      if (registrations_ > 0)
        abandon_all("the daemon no longer knows this agent (restarted?); registering again");
      if (!register_boards()) break;
      backoff = opts_.backoff_initial;
    }
    try {
      HttpClient::Call c;
      c.cancel = &stop_;
      c.timeout = opts_.poll_wait + milliseconds(15000);
      const HttpResponse r = http_.get("/api/v1/agent/jobs?agent_id=" + url_escape(opts_.agent_id) +
                                           "&wait=" + std::to_string(opts_.poll_wait.count()),
                                       c);
      if (was_down)
        logger()->info("agent={}: daemon {} reachable again", opts_.agent_id, http_.base_url());
      was_down = false;
      backoff = opts_.backoff_initial;
      if (r.status == 204) continue;
      const json a = r.json();
      const std::string board = a.value("board_id", "");
      const int64_t job = a.value("job_id", int64_t{0});
      Worker* target = nullptr;
      for (auto& w : workers_) {
        std::lock_guard<std::mutex> l(w->mu);
        if (w->env.board_id == board) target = w.get();
      }
      if (!target) {
        logger()->error("agent={} job={}: assigned to board {} which this agent does not have",
                        opts_.agent_id, job, board);
        try {
          http_.post_json("/api/v1/agent/jobs/" + std::to_string(job) + "/failure",
                          {{"agent_id", opts_.agent_id},
                           {"type", "infrastructure"},
                           {"message", "agent " + opts_.agent_id + " has no board " + board +
                                           " (its configuration changed); registering again"}});
        } catch (const HttpError&) {
        }
        need_register_ = true;
        continue;
      }
      logger()->info("agent={} board={} job={}: assigned (attempt {})", opts_.agent_id, board, job,
                     a.value("attempt", 0));
      std::lock_guard<std::mutex> l(target->mu);
      target->queue.push_back(a);
      target->cv.notify_all();
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::Kind::kCancelled || stop_) break;
      if (e.kind() == HttpError::Kind::kStatus && e.status() == 404) {
        need_register_ = true;
        continue;
      }
      if (!was_down || backoff == opts_.backoff_max)
        logger()->warn("agent={}: daemon unreachable or refusing ({}); retrying in {} ms",
                       opts_.agent_id, e.what(), backoff.count());
      was_down = true;
      sleep_for(backoff);
      backoff = std::min(backoff * 2, opts_.backoff_max);
    } catch (const std::exception& e) {
      logger()->error("agent={}: bad poll reply: {}", opts_.agent_id, e.what());
      sleep_for(backoff);
    }
  }
}

namespace {

// The runner's callbacks for one job on one worker: reports go to the
// daemon; a 404/409 on a report means the job was cancelled or taken back.
class WorkerHooks : public JobHooks {
 public:
  WorkerHooks(const HttpClient& http, const std::string& agent_id, const std::string& board_id,
              int64_t job, std::mutex& mu, bool& cancel, int& pid, const std::atomic<bool>& stop)
      : http_(http),
        agent_(agent_id),
        board_(board_id),
        job_(job),
        mu_(mu),
        cancel_(cancel),
        pid_(pid),
        stop_(stop) {}

  void progress(const std::string& state, const std::string& message) override {
    logger()->info("agent={} board={} job={}: {}: {}", agent_, board_, job_, state, message);
    send("/progress", {{"agent_id", agent_}, {"state", state}, {"message", message}});
  }
  void log(const std::string& line) override {
    logger()->info("agent={} board={} job={}: {}", agent_, board_, job_, line);
    send("/log", {{"agent_id", agent_}, {"lines", json::array({line})}});
  }
  bool cancelled() override {
    std::lock_guard<std::mutex> l(mu_);
    return cancel_ || stop_;
  }
  void board_started(int pid) override {
    std::lock_guard<std::mutex> l(mu_);
    pid_ = pid;
    if ((cancel_ || stop_) && pid > 0) ::kill(pid, SIGKILL);
  }
  void board_stopping() override {
    std::lock_guard<std::mutex> l(mu_);
    pid_ = -1;
  }

 private:
  void send(const std::string& what, const json& body) {
    try {
      HttpClient::Call c;
      c.timeout = milliseconds(10000);
      http_.post_json("/api/v1/agent/jobs/" + std::to_string(job_) + what, body, c);
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::Kind::kStatus && (e.status() == 404 || e.status() == 409)) {
        logger()->info("agent={} board={} job={}: the daemon says stop: {}", agent_, board_, job_,
                       e.what());
        std::lock_guard<std::mutex> l(mu_);
        cancel_ = true;
        if (pid_ > 0) ::kill(pid_, SIGKILL);
      } else {
        // Progress and log lines are best effort; the result is retried.
        logger()->warn("agent={} board={} job={}: {} not delivered: {}", agent_, board_, job_, what,
                       e.what());
      }
    }
  }

  const HttpClient& http_;
  std::string agent_, board_;
  int64_t job_;
  std::mutex& mu_;
  bool& cancel_;
  int& pid_;
  const std::atomic<bool>& stop_;
};

}  // namespace

void Agent::worker_loop(Worker& w) {
  for (;;) {
    json a;
    std::string board_id;
    {
      std::unique_lock<std::mutex> l(w.mu);
      w.cv.wait(l, [&] { return stop_ || !w.queue.empty(); });
      if (stop_) return;
      a = std::move(w.queue.front());
      w.queue.pop_front();
      w.current = a.value("job_id", int64_t{0});
      w.cancel_current = false;
      board_id = w.env.board_id;
    }
    const int64_t job_id = w.current;
    const std::string tag =
        "agent=" + opts_.agent_id + " board=" + board_id + " job=" + std::to_string(job_id);
    WorkerHooks hooks(http_, opts_.agent_id, board_id, job_id, w.mu, w.cancel_current, w.pid,
                      stop_);
    const auto t0 = std::chrono::steady_clock::now();

    std::optional<json> result;
    std::optional<JobFailure> failure;
    try {
      JobRequest req;
      req.job_id = job_id;
      req.runs = a.value("runs", 10u);
      req.warmup = a.value("warmup", 1u);
      req.windows = a.value("windows", 1u);
      req.rounding = a.value("rounding", "double");
      req.timeout = milliseconds(a.value("timeout_ms", int64_t{1800000}));
      req.is_firmware = a.contains("firmware_id") && a["firmware_id"].is_string();
      if (a.contains("model_id") && a["model_id"].is_string()) req.model_id = a["model_id"];
      req.collect_layers = opts_.collect_layers;
      const std::string url = a.value("artifact_url", "");
      // The artifact: retried while the daemon is unreachable.
      milliseconds backoff = opts_.backoff_initial;
      for (int attempt = 0;; ++attempt) {
        try {
          HttpClient::Call c;
          c.cancel = &stop_;
          c.timeout = milliseconds(120000);
          const std::string body = http_.get(url, c).body;
          req.artifact.assign(body.begin(), body.end());
          break;
        } catch (const HttpError& e) {
          if (e.kind() == HttpError::Kind::kCancelled) throw JobFailure::Cancelled("stopping");
          if (!e.unreachable() || attempt >= 4)
            throw JobFailure::Infrastructure("cannot download the job's artifact " + url + ": " +
                                             e.what());
          sleep_for(backoff);
          backoff = std::min(backoff * 2, opts_.backoff_max);
        }
      }
      hooks.log("artifact " + url + ": " + std::to_string(req.artifact.size()) + " bytes");
      BoardEnvironment env;
      {
        std::lock_guard<std::mutex> l(w.mu);
        env = w.env;
      }
      result = run_job(req, env, hooks);
    } catch (const JobFailure& f) {
      failure = f;
    } catch (const std::exception& e) {  // a bug or the host: not the user's fault
      failure = JobFailure::Infrastructure(std::string("agent error: ") + e.what());
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    bool cancelled = hooks.cancelled() || (failure && failure->cancelled());
    if (cancelled) {
      logger()->info("{}: stopped without a report (cancelled, taken back or agent stopping)", tag);
    } else {
      const std::string path =
          "/api/v1/agent/jobs/" + std::to_string(job_id) + (result ? "/result" : "/failure");
      json body = {{"agent_id", opts_.agent_id}};
      if (result) {
        (*result)["timing"]["agent_seconds"] = wall;
        body["result"] = *result;
        logger()->info("{}: done in {:.2f} s (board {:.2f} s); output check {}", tag, wall,
                       (*result)["timing"].value("board_seconds", 0.0),
                       (*result)["output_check"].value("check", "?"));
      } else {
        body["type"] = to_string(failure->type());
        body["message"] = failure->what();
        logger()->warn("{}: failed ({}): {}", tag, to_string(failure->type()), failure->what());
      }
      // The report is what the job was for: retried while the daemon is down.
      milliseconds backoff = opts_.backoff_initial;
      while (!stop_) {
        try {
          HttpClient::Call c;
          c.timeout = milliseconds(30000);
          http_.post_json(path, body, c);
          break;
        } catch (const HttpError& e) {
          if (!e.unreachable()) {
            logger()->warn("{}: report refused: {}", tag, e.what());
            cancelled = true;
            break;
          }
          logger()->warn("{}: report not delivered ({}); retrying in {} ms", tag, e.what(),
                         backoff.count());
          sleep_for(backoff);
          backoff = std::min(backoff * 2, opts_.backoff_max);
        }
      }
    }
    std::lock_guard<std::mutex> l(w.mu);
    if (cancelled)
      ++w.abandoned;
    else if (result)
      ++w.done;
    else
      ++w.failed;
    w.current = 0;
    w.cancel_current = false;
    w.pid = -1;
  }
}

}  // namespace hb::agent

// daemon/daemon.cc: see daemon.h.
#include "daemon/daemon.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace hbs::daemon {

using nlohmann::json;

std::pair<std::string, uint16_t> parse_listen(const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::runtime_error("listen: expected host:port, got '" + s + "'");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = s.substr(colon + 1);
  size_t used = 0;
  long p = -1;
  try {
    p = std::stol(port, &used);
  } catch (const std::exception&) {
  }
  if (used != port.size() || p < 0 || p > 65535)
    throw std::runtime_error("listen: bad port in '" + s + "'");
  return {host, static_cast<uint16_t>(p)};
}

void apply_config_json(const json& j, DaemonConfig& c) {
  if (!j.is_object()) throw std::runtime_error("config: must be a JSON object");
  auto num = [&](const std::string& k, double lo, double hi) {
    const json& v = j.at(k);
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
      throw std::runtime_error("config: " + k + " must be a number in [" + std::to_string(lo) +
                               ", " + std::to_string(hi) + "]");
    return v.get<double>();
  };
  auto ms = [&](const std::string& k) {
    return std::chrono::milliseconds(static_cast<int64_t>(num(k, 0.001, 86400 * 7) * 1000));
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    auto str = [&] {
      if (!v.is_string()) throw std::runtime_error("config: " + k + " must be a string");
      return v.get<std::string>();
    };
    if (k == "listen")
      c.listen = str();
    else if (k == "db")
      c.db = str();
    else if (k == "artifacts")
      c.artifacts = str();
    else if (k == "web")
      c.web = str();
    else if (k == "log_level")
      c.log_level = str();
    else if (k == "body_limit_mib")
      c.http.body_limit = static_cast<size_t>(num(k, 0.001, 4096) * 1024 * 1024);
    else if (k == "read_timeout_s")
      c.http.read_timeout = ms(k);
    else if (k == "write_timeout_s")
      c.http.write_timeout = ms(k);
    else if (k == "drain_timeout_s")
      c.http.drain_timeout = ms(k);
    else if (k == "worker_threads")
      c.http.worker_threads = static_cast<int>(num(k, 1, 256));
    else if (k == "auth_reads") {
      if (!v.is_boolean()) throw std::runtime_error("config: auth_reads must be true or false");
      c.api.auth_reads = v.get<bool>();
    } else if (k == "max_poll_wait_s")
      c.api.max_poll_wait = std::chrono::seconds(static_cast<int64_t>(num(k, 0, 600)));
    else if (k == "tick_s")
      c.service.tick = ms(k);
    else if (k == "agent_timeout_s")
      c.service.agent_timeout = ms(k);
    else if (k == "requeue_delay_s")
      c.service.requeue_delay = ms(k);
    else if (k == "job_timeout_s")
      c.service.job_timeout = ms(k);
    else if (k == "max_attempts")
      c.service.max_attempts = static_cast<int>(num(k, 1, 100));
    else if (k == "quarantine_after")
      c.service.quarantine_after = static_cast<int>(num(k, 1, 100));
    else if (k == "local_agent") {
      if (!v.is_boolean()) throw std::runtime_error("config: local_agent must be true or false");
      c.local_agent = v.get<bool>();
    } else if (k == "local_boards") {
      if (!v.is_array()) throw std::runtime_error("config: local_boards must be an array");
      c.local_boards.clear();
      for (const json& b : v) {
        if (!b.is_string() || b.get<std::string>().empty())
          throw std::runtime_error("config: local_boards must hold profile ids (strings)");
        c.local_boards.push_back(b.get<std::string>());
      }
    } else if (k == "local_firmware")
      c.local_firmware = str();
    else if (k == "local_profiles")
      c.local_profiles = str();
    else if (k == "health_model")
      c.health_model = str();
    else if (k == "health_check_interval_s")
      c.service.health_check_interval = ms(k);
    else
      throw std::runtime_error("config: unknown key '" + k + "'");
  }
}

std::string default_health_model() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* shared = std::getenv("HB_SHARED_DIR"); shared && *shared) {
    const fs::path p = fs::path(shared) / "models" / "ad01_int8.tflite";
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  // server/src/daemon/daemon.cc -> the repository root.
  const fs::path repo = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  const fs::path p = repo.parent_path() / "shared" / "models" / "ad01_int8.tflite";
  return repo.is_absolute() && fs::is_regular_file(p, ec) ? p.string() : "";
}

void setup_logging(const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  spdlog::set_level(lvl);
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  for (const char* name : {"http", "api", "scheduler", "agent", "store"}) {
    if (spdlog::get(name)) continue;
    auto l = std::make_shared<spdlog::logger>(name, sink);
    l->set_level(lvl);
    spdlog::register_logger(l);
  }
  // After registering: set_pattern applies to every registered logger.
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
}

Daemon::Daemon(DaemonConfig cfg) : cfg_(std::move(cfg)) {
  auto [host, port] = parse_listen(cfg_.listen);
  cfg_.http.address = host;
  cfg_.http.port = port;
  cfg_.api.web_dir = cfg_.web;
  std::filesystem::create_directories(cfg_.artifacts);
  cfg_.service.health_model =
      cfg_.health_model == "auto" ? default_health_model() : cfg_.health_model;
  store_ = open_sqlite_store(cfg_.db);
  artifacts_ = std::make_unique<ArtifactStore>(cfg_.artifacts);
  service_ = std::make_unique<Service>(*store_, *artifacts_, cfg_.service);
  api_ = std::make_unique<api::Api>(*store_, *artifacts_, *service_, cfg_.api);
  http_ = std::make_unique<api::HttpServer>(cfg_.http, api_->handler());
}

Daemon::~Daemon() { shutdown(); }

void Daemon::start() {
  service_->start();
  try {
    http_->start();
  } catch (...) {
    service_->stop();
    throw;
  }
  started_ = true;
}

std::string Daemon::create_agent_token(const std::string& name) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return store_->create_token(name, "agent", now);
}

std::string Daemon::self_url() const {
  std::string host = cfg_.http.address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(http_->port());
}

void Daemon::shutdown() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  http_->stop([this] { service_->begin_shutdown(); });
  service_->stop();
}

}  // namespace hbs::daemon

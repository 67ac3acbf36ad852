// daemon/daemon.h: hilbenchd put together: Store + ArtifactStore + Service +
// Api + HttpServer, from one DaemonConfig. hilbenchd_main.cc and the API
// tests both start the service through this class.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/routes.h"
#include "daemon/service.h"
#include "hbs/store.h"

namespace hbs::daemon {

// The JSON config file has the same keys (all optional), e.g.
//   {"listen": "0.0.0.0:8080", "db": "/var/lib/hilbench/hb.db",
//    "artifacts": "/var/lib/hilbench/artifacts", "web": "/usr/share/hilbench/web",
//    "body_limit_mib": 8, "read_timeout_s": 15, "auth_reads": false,
//    "agent_timeout_s": 30, "requeue_delay_s": 60, "job_timeout_s": 1800,
//    "max_attempts": 3, "quarantine_after": 3, "worker_threads": 8,
//    "drain_timeout_s": 10, "log_level": "info",
//    "local_agent": true, "local_boards": ["mps2-an386", "mps3-an547"],
//    "local_firmware": "build/firmware", "local_profiles": "device-profiles",
//    "health_model": "auto", "health_check_interval_s": 3600}
// health_model: the golden .tflite of board health checks (service.h); "auto"
// = $HB_SHARED_DIR/models/ad01_int8.tflite or <repo>/../shared/models/... if
// it exists; "" = checks off. The struct's default is "" so that tests
// building a Daemon see only their own jobs; hilbenchd sets "auto" before
// reading the config file, so health checks are on by default.
struct DaemonConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 = any
  std::string db = "hilbench.db";
  std::string artifacts = "artifacts";
  std::string web;  // dashboard files, or "" (none)
  std::string log_level = "info";
  api::HttpServerOptions http;  // address/port filled from `listen`
  api::ApiOptions api;
  ServiceOptions service;
  // Local mode: hilbenchd_main.cc runs an in-process agent (agents/agent/,
  // the same class as hilbench-agent) against the daemon's own loopback
  // address with these emulated boards, so a new user needs no agent set-up.
  // Two boards by default: one emulator per core of a small machine.
  bool local_agent = true;
  std::vector<std::string> local_boards = {"mps2-an386", "mps3-an547"};
  std::string local_firmware;  // <fw build> with <board>/harness.elf; "" = found next to the binary
  std::string local_profiles;  // device-profiles/; "" = found next to the binary
  std::string health_model;    // see above; resolved into service.health_model
};

// The "auto" health model: $HB_SHARED_DIR/models/ad01_int8.tflite, else
// <repo>/../shared/models/ad01_int8.tflite (repo located from this source
// file's path), or "" if neither exists.
std::string default_health_model();

// Applies the keys of `j` over `cfg`. Throws std::runtime_error naming an
// unknown key or a value of the wrong type.
void apply_config_json(const nlohmann::json& j, DaemonConfig& cfg);
// "host:port" -> (host, port). Throws std::runtime_error.
std::pair<std::string, uint16_t> parse_listen(const std::string& s);

// Sets up spdlog: one logger per component ("http", "api", "scheduler",
// "agent", "store"), pattern with time, level, logger name.
void setup_logging(const std::string& level);

class Daemon {
 public:
  explicit Daemon(DaemonConfig cfg);  // opens the store (creating it); throws
  ~Daemon();                          // shutdown() if needed
  void start();                       // service thread + HTTP listener
  uint16_t port() const { return http_->port(); }
  // Graceful: stop accepting, wake long polls, finish in-flight requests
  // (bounded by drain_timeout), stop the scheduler and hand back running work.
  void shutdown();

  // A new token with role agent (for the in-process agent; only its hash is
  // stored, as for every token).
  std::string create_agent_token(const std::string& name);
  // http://<loopback or listen address>:<port>, for an in-process client.
  std::string self_url() const;

  Store& store() { return *store_; }
  Service& service() { return *service_; }

 private:
  DaemonConfig cfg_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ArtifactStore> artifacts_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::HttpServer> http_;
  bool started_ = false, stopped_ = false;
};

}  // namespace hbs::daemon

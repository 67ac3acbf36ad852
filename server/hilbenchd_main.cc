// hilbenchd: the hilbench service daemon.
//
//   hilbenchd [serve] [--config FILE] [--listen HOST:PORT] [--db PATH]
//             [--artifacts DIR] [--web DIR] [--log-level LEVEL] [--no-local-agent]
//   hilbenchd token create NAME --role admin|user|agent --db PATH
//
// Flags override the JSON config file (keys in server/src/daemon/daemon.h).
// Local mode (default, "local_agent": true): an in-process agent runs the
// emulated boards of "local_boards" against the daemon's own address, with a
// token created at start, so a new user can submit jobs with no agent set-up.
// It is skipped, with a warning, when no harness firmware is found.
// SIGTERM/SIGINT: stop the local agent (its emulators are killed, nothing is
// reported), stop accepting, let in-flight requests finish (bounded), hand
// running jobs back to the queue, close the store; exit 0.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/agent.h"
#include "daemon/daemon.h"
#include "driver/host_tools.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  hilbenchd [serve] [--config FILE] [--listen HOST:PORT] [--db PATH]\n"
    "            [--artifacts DIR] [--web DIR] [--log-level trace|debug|info|warn|error]\n"
    "            [--no-local-agent]\n"
    "  hilbenchd token create NAME --role admin|user|agent --db PATH\n";

int usage_error(const std::string& msg) {
  std::cerr << "hilbenchd: " << msg << "\n" << kUsage;
  return 2;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int token_create(const std::vector<std::string>& args) {
  std::string name, role, db;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--role" || a == "--db") && i + 1 < args.size()) {
      (a == "--role" ? role : db) = args[++i];
    } else if (!a.empty() && a[0] != '-' && name.empty()) {
      name = a;
    } else {
      return usage_error("token create: unexpected argument '" + a + "'");
    }
  }
  if (name.empty()) return usage_error("token create: NAME is required");
  if (role != "admin" && role != "user" && role != "agent")
    return usage_error("token create: --role must be admin, user or agent");
  if (db.empty()) return usage_error("token create: --db is required");
  auto store = hbs::open_sqlite_store(db);
  // The plaintext is shown once; only its hash is stored.
  std::cout << store->create_token(name, role, now_ms()) << "\n";
  return 0;
}

// Local mode: the in-process agent, or nullptr (disabled, or nothing to run).
std::unique_ptr<hb::agent::Agent> start_local_agent(const hbs::daemon::DaemonConfig& cfg,
                                                    hbs::daemon::Daemon& d) {
  if (!cfg.local_agent || cfg.local_boards.empty()) return nullptr;
  const auto fw =
      hb::driver::locate(cfg.local_firmware, "HB_FW_BUILD_DIR", {"firmware", "build/firmware"});
  const auto profiles =
      hb::driver::locate(cfg.local_profiles, "HB_PROFILES_DIR", {"device-profiles"});
  if (!fw || !profiles) {
    spdlog::warn(
        "local agent off: {} not found (set \"local_firmware\"/\"local_profiles\" in the "
        "config, or HB_FW_BUILD_DIR/HB_PROFILES_DIR); connect a hilbench-agent instead",
        !fw ? "harness firmware" : "device-profiles");
    return nullptr;
  }
  hb::agent::AgentOptions o;
  o.server = d.self_url();
  o.token = d.create_agent_token("local-agent");
  o.agent_id = "local";
  for (const auto& id : cfg.local_boards) o.boards.push_back({id, "", "", {{"local", "true"}}});
  o.firmware_dir = *fw;
  o.profiles_dir = *profiles;
  if (const char* q = std::getenv("HB_QEMU"); q && *q) o.qemu_binary = q;
  auto agent = std::make_unique<hb::agent::Agent>(o);
  agent->start();
  spdlog::info("local agent 'local' started: {} board(s), firmware {}", o.boards.size(),
               fw->string());
  return agent;
}

int serve(const std::vector<std::string>& args) {
  hbs::daemon::DaemonConfig cfg;
  cfg.health_model = "auto";  // board health checks on unless the config says ""
  std::string config_file;
  bool no_local_agent = false;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (a == "--no-local-agent") {
      no_local_agent = true;
      continue;
    }
    if (i + 1 >= args.size()) return usage_error("missing value for " + a);
    if (a == "--config")
      config_file = args[++i];
    else if (a == "--listen" || a == "--db" || a == "--artifacts" || a == "--web" ||
             a == "--log-level")
      overrides.emplace_back(a, args[++i]);
    else
      return usage_error("unknown option " + a);
  }
  if (!config_file.empty()) {
    std::ifstream f(config_file);
    if (!f) return usage_error("cannot read config file " + config_file);
    const auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_discarded()) return usage_error(config_file + ": not valid JSON");
    hbs::daemon::apply_config_json(j, cfg);
  }
  for (const auto& [k, v] : overrides) {
    if (k == "--listen") cfg.listen = v;
    if (k == "--db") cfg.db = v;
    if (k == "--artifacts") cfg.artifacts = v;
    if (k == "--web") cfg.web = v;
    if (k == "--log-level") cfg.log_level = v;
  }
  if (no_local_agent) cfg.local_agent = false;
  hbs::daemon::setup_logging(cfg.log_level);

  // Block the signals before any thread starts, so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  hbs::daemon::Daemon d(cfg);
  d.start();
  spdlog::info("hilbenchd serving on port {} (db {}, artifacts {})", d.port(), cfg.db,
               cfg.artifacts);
  std::unique_ptr<hb::agent::Agent> local;
  try {
    local = start_local_agent(cfg, d);
  } catch (const std::exception& e) {
    spdlog::error("local agent off: {}", e.what());
  }
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {}: shutting down", sig);
  // The agent first: its emulators die and it reports nothing, then the
  // daemon hands the jobs they were running back to the queue.
  if (local) local->request_stop();
  d.shutdown();
  if (local) local->stop();
  spdlog::info("bye");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && args[0] == "token") {
      if (args.size() < 2 || args[1] != "create") return usage_error("token: expected 'create'");
      return token_create({args.begin() + 2, args.end()});
    }
    if (!args.empty() && args[0] == "serve") args.erase(args.begin());
    return serve(args);
  } catch (const std::exception& e) {
    std::cerr << "hilbenchd: " << e.what() << "\n";
    return 1;
  }
}

// hilbenchd: the hilbench service daemon.
//
//   hilbenchd [serve] [--config FILE] [--listen HOST:PORT] [--db PATH]
//             [--artifacts DIR] [--web DIR] [--log-level LEVEL]
//   hilbenchd token create NAME --role admin|user|agent --db PATH
//
// Flags override the JSON config file (keys in server/src/daemon/daemon.h).
// SIGTERM/SIGINT: stop accepting, let in-flight requests finish (bounded),
// hand running jobs back to the queue, close the store; exit 0.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/daemon.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  hilbenchd [serve] [--config FILE] [--listen HOST:PORT] [--db PATH]\n"
    "            [--artifacts DIR] [--web DIR] [--log-level trace|debug|info|warn|error]\n"
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

int serve(const std::vector<std::string>& args) {
  hbs::daemon::DaemonConfig cfg;
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
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
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {}: shutting down", sig);
  d.shutdown();
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

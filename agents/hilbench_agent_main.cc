// hilbench-agent: runs hilbench jobs on the boards attached to this host.
//
//   hilbench-agent run --server URL --token TOKEN --id NAME --config boards.json
//                      [--firmware DIR] [--profiles DIR] [--qemu BIN]
//                      [--heartbeat-s S] [--log-level LEVEL]
//   hilbench-agent discover [--profiles DIR]
//
// boards.json: {"boards": [{"profile_id": "mps2-an386"},
//                          {"profile_id": "nucleo-l4r5zi", "probe_serial": "0669FF...",
//                           "serial_port": "/dev/ttyACM0", "tags": {"lab": "desk-2"}}]}
// `discover` lists serial ports and debug probes and prints such a template.
// SIGTERM/SIGINT: stop polling, kill running emulators (the daemon hands
// their jobs to another board), exit 0.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "agent/agent.h"
#include "driver/device_profile.h"
#include "driver/driver_error.h"
#include "driver/host_tools.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kUsage =
    "usage:\n"
    "  hilbench-agent run --server URL --token TOKEN --id NAME --config boards.json\n"
    "                     [--firmware DIR] [--profiles DIR] [--qemu BIN] [--heartbeat-s S]\n"
    "                     [--log-level trace|debug|info|warn|error]\n"
    "  hilbench-agent discover [--profiles DIR]\n"
    "The token may also come from $HILBENCH_AGENT_TOKEN (keeps it out of `ps`).\n";

int usage_error(const std::string& m) {
  std::cerr << "hilbench-agent: " << m << "\n" << kUsage;
  return 2;
}

int discover(const std::vector<std::string>& args) {
  std::string profiles_arg;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--profiles" && i + 1 < args.size())
      profiles_arg = args[++i];
    else
      return usage_error("discover: unexpected argument '" + args[i] + "'");
  }
  const json host = hb::driver::probe_report();
  const json& ports = host["serial_ports"];
  std::cerr << "serial ports: ";
  if (ports.empty()) std::cerr << "none (no /dev/ttyACM*, /dev/ttyUSB*)";
  for (size_t i = 0; i < ports.size(); ++i)
    std::cerr << (i ? ", " : "") << ports[i].get<std::string>();
  std::cerr << "\n";
  if (host["pyocd"]["installed"].get<bool>()) {
    const std::string tool = host["pyocd"]["tool"];
    const std::string list = host["pyocd"]["list"];
    std::cerr << "probes (" << (tool == "pyocd" ? "pyocd list" : "pyocd-flashtool --list") << "):\n"
              << list << (list.empty() || list.back() != '\n' ? "\n" : "");
  } else {
    std::cerr << "probes: pyocd not installed (pip install pyocd): no probe scan\n";
  }
  if (host["openocd"]["installed"].get<bool>()) {
    std::cerr << "openocd: installed (" << host["openocd"]["version"].get<std::string>()
              << "); it cannot list probes without an interface config\n";
  } else {
    std::cerr << "openocd: not installed\n";
  }
  // The template: every emulated profile (they need nothing attached), and a
  // placeholder real board per serial port.
  json boards = json::array();
  const fs::path dir = hb::driver::locate(profiles_arg, "HB_PROFILES_DIR", {"device-profiles"})
                           .value_or("device-profiles");
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string real_example;
  for (const auto& f : files) {
    try {
      const auto p = hb::driver::load_device_profile(f);
      if (p.emulated)
        boards.push_back({{"profile_id", p.id}});
      else if (real_example.empty())
        real_example = p.id;
    } catch (const hb::driver::DriverError&) {
    }
  }
  for (const auto& port : ports) {
    boards.push_back({{"profile_id", real_example.empty() ? "PROFILE" : real_example},
                      {"probe_serial", "PROBE-SERIAL (from the probe list above)"},
                      {"serial_port", port}});
  }
  if (files.empty())
    std::cerr << "warning: no device profiles in " << dir.string() << " (--profiles DIR)\n";
  std::cerr << "board config template (edit, save as boards.json; real boards are flashed with "
               "pyocd, or openocd when pyocd is missing, and driven over serial_port):\n";
  std::cout << json{{"boards", boards}}.dump(2) << "\n";
  return 0;
}

int run(const std::vector<std::string>& args) {
  hb::agent::AgentOptions o;
  std::string config, firmware, profiles, level = "info";
  if (const char* t = std::getenv("HILBENCH_AGENT_TOKEN")) o.token = t;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= args.size()) return usage_error("missing value for " + a);
    const std::string v = args[++i];
    if (a == "--server")
      o.server = v;
    else if (a == "--token")
      o.token = v;
    else if (a == "--id")
      o.agent_id = v;
    else if (a == "--config")
      config = v;
    else if (a == "--firmware")
      firmware = v;
    else if (a == "--profiles")
      profiles = v;
    else if (a == "--qemu")
      o.qemu_binary = v;
    else if (a == "--log-level")
      level = v;
    else if (a == "--heartbeat-s") {
      char* end = nullptr;
      const double s = std::strtod(v.c_str(), &end);
      if (*end || s <= 0 || s > 600) return usage_error("--heartbeat-s needs seconds in (0, 600]");
      o.heartbeat_interval = std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
    } else
      return usage_error("unknown option " + a);
  }
  if (o.server.empty()) return usage_error("run: --server URL is required");
  if (o.token.empty()) return usage_error("run: --token (or $HILBENCH_AGENT_TOKEN) is required");
  if (o.agent_id.empty()) return usage_error("run: --id NAME is required");
  if (config.empty()) return usage_error("run: --config boards.json is required");
  std::ifstream f(config);
  if (!f) return usage_error("cannot read " + config);
  const json j = json::parse(f, nullptr, false);
  if (j.is_discarded()) return usage_error(config + ": not valid JSON");
  o.boards = hb::agent::parse_board_config(j);
  o.firmware_dir = hb::driver::locate(firmware, "HB_FW_BUILD_DIR", {"firmware", "build/firmware"})
                       .value_or("firmware");
  o.profiles_dir = hb::driver::locate(profiles, "HB_PROFILES_DIR", {"device-profiles"})
                       .value_or("device-profiles");
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");

  // Block the signals before any thread starts, so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  hb::agent::Agent agent(o);
  spdlog::info("firmware {}, profiles {}", o.firmware_dir.string(), o.profiles_dir.string());
  agent.start();
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {}: stopping", sig);
  agent.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) return usage_error("missing command");
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "run") return run(args);
    if (cmd == "discover") return discover(args);
    if (cmd == "-h" || cmd == "--help") {
      std::cout << kUsage;
      return 0;
    }
    return usage_error("unknown command '" + cmd + "'");
  } catch (const std::exception& e) {
    std::cerr << "hilbench-agent: " << e.what() << "\n";
    return 1;
  }
}

// host_tools.cc: see host_tools.h.
#include "driver/host_tools.h"

#include <glob.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace hb::driver {

namespace fs = std::filesystem;
using nlohmann::json;

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  const std::string p = path ? path : "/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t end = p.find(':', pos);
    if (end == std::string::npos) end = p.size();
    const std::string cand = (end > pos ? p.substr(pos, end - pos) : ".") + "/" + name;
    std::error_code ec;
    if (::access(cand.c_str(), X_OK) == 0 && !fs::is_directory(cand, ec)) return cand;
    pos = end + 1;
  }
  return {};
}

fs::path exe_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path(".") : p.parent_path();
}

std::optional<fs::path> locate(const std::string& configured, const char* env,
                               const std::vector<std::string>& rels) {
  if (!configured.empty()) return fs::path(configured);
  if (const char* e = std::getenv(env); e && *e) return fs::path(e);
  const fs::path exe = exe_dir();
  for (const auto& r : rels) {
    for (const fs::path& base : {fs::path("."), exe, exe / ".."}) {
      std::error_code ec;
      if (fs::exists(base / r, ec)) return fs::weakly_canonical(base / r, ec);
    }
  }
  return std::nullopt;
}

std::optional<std::string> run_capture(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) == -1) return std::nullopt;
  return out;
}

json probe_report() {
  json ports = json::array();
  for (const char* pat : {"/dev/ttyACM*", "/dev/ttyUSB*"}) {
    glob_t g{};
    if (::glob(pat, 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) ports.push_back(g.gl_pathv[i]);
    ::globfree(&g);
  }
  json j;
  j["serial_ports"] = ports;
  if (!find_in_path("pyocd").empty()) {
    const auto o = run_capture("timeout 15 pyocd list 2>&1");
    j["pyocd"] = {{"installed", true}, {"tool", "pyocd"}, {"list", o ? *o : "(could not run)"}};
  } else if (!find_in_path("pyocd-flashtool").empty()) {  // Debian's pyOCD 0.13
    const auto o = run_capture("timeout 15 pyocd-flashtool --list 2>&1");
    j["pyocd"] = {
        {"installed", true}, {"tool", "pyocd-flashtool"}, {"list", o ? *o : "(could not run)"}};
  } else {
    j["pyocd"] = {{"installed", false}};
  }
  if (!find_in_path("openocd").empty()) {
    const auto o = run_capture("timeout 5 openocd --version 2>&1 | head -1");
    std::string v = o ? *o : "";
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    j["openocd"] = {{"installed", true}, {"version", v}};
  } else {
    j["openocd"] = {{"installed", false}};
  }
  return j;
}

}  // namespace hb::driver

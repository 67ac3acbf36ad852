// host_tools.h: what the host offers the tools (hilbenchd, hilbench-agent,
// hilbench): programs in PATH, the folders the build and the repository put
// next to the executables, a command's output, and the probes and serial
// ports attached.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hb::driver {

// Full path of `name` found in $PATH (or `name` itself if it contains '/' and
// is executable), or empty.
std::string find_in_path(const std::string& name);

// The folder of the running executable ("." if /proc does not say).
std::filesystem::path exe_dir();

// The first of: `configured` (if not empty), $`env` (if set and not empty),
// the first of `rels` that exists relative to the current folder, the
// executable's folder or its parent. nullopt if none of `rels` exists.
std::optional<std::filesystem::path> locate(const std::string& configured, const char* env,
                                            const std::vector<std::string>& rels);

// stdout of `/bin/sh -c cmd`, or nullopt if it could not be run.
std::optional<std::string> run_capture(const std::string& cmd);

// The attached debug probes and serial ports, as far as the host can tell
// without a board config:
//   {"serial_ports": ["/dev/ttyACM0", ...],
//    "pyocd": {"installed": bool, "tool": "pyocd"|"pyocd-flashtool", "list": text},
//    "openocd": {"installed": bool, "version": text}}
// pyOCD's probe list runs under `timeout 15` (a wedged USB stack); OpenOCD
// cannot list probes without an interface config, so only its presence.
nlohmann::json probe_report();

}  // namespace hb::driver

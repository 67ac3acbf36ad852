// gate_config.h: the gate's settings file in the user's repository,
// `.hilbench.yml` (or --config FILE), read with a small YAML subset parser of
// our own (no YAML library):
//
//   server: http://hilbench.lab:8080    # default for --server (env wins)
//   board: mps2-an386                   # default --board
//   base_branch: main                   # where accepted baselines come from
//   runs: 10                            # per window; windows: repeated windows
//   windows: 5
//   warmup: 1
//   models:                             # gated when no MODEL is given
//     - name: kws                       # stable name (baseline key); default: file name
//       path: models/kws.tflite
//   thresholds:                         # per metric; both optional
//     latency_us: {relative: 0.05, absolute: 0}
//     instructions:
//       relative: 0.02
//   statistics:                         # noisy (real) boards only
//     alpha: 0.05
//     min_windows: 3
//
// The subset: block mappings and sequences by indentation (spaces only),
// "- " items holding scalars or mappings, one-line flow mappings {a: 1} and
// sequences [a, b], plain / 'single' / "double" quoted scalars, numbers,
// true/false, null/~, and # comments. Anchors, tags, multi-line scalars and
// multiple documents are refused with the line number.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate_stats.h"

namespace hb_cli::gate {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses the YAML subset into JSON. Throws ConfigError("line N: ...").
nlohmann::json parse_yaml_subset(const std::string& text);

struct GateModel {
  std::string name;  // baseline key
  std::string path;  // relative to the config file's folder
};

struct GateConfig {
  std::string server, board, base_branch = "main";
  std::optional<int64_t> runs, windows, warmup;
  std::vector<GateModel> models;
  std::map<std::string, Threshold> thresholds;  // every metric, defaults filled in
  NoiseOptions noise;
};

// Defaults only (no file).
GateConfig default_config();
// Parses a settings file's text; unknown keys and metrics are errors (a typo
// must not silently fall back to a default threshold). Throws ConfigError.
GateConfig parse_config(const std::string& text);

}  // namespace hb_cli::gate

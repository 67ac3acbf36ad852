// gate_report.h: what `hilbench gate` hands to CI: an exit code, a Markdown
// summary table (fit for a pull-request comment), JUnit XML (one test case a
// metric, so CI test tabs list regressions by name) and JSON. Pure functions
// of the outcomes, so the formats are tested without a server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate_stats.h"

namespace hb_cli::gate {

// Exit codes. An error (bad input, a failed or refused job, an unreachable
// server) is never reported as a regression.
inline constexpr int kGatePass = 0;
inline constexpr int kGateRegression = 1;
inline constexpr int kGateError = 2;

// One gated model on one board type.
struct GateOutcome {
  std::string model_key;  // baseline key
  std::string source;     // the file gated
  std::string model_id;   // sha256 of the candidate
  std::string profile, board_id;
  int64_t job_id = 0, baseline_job_id = 0;
  bool emulated = true;
  std::string verdict;  // "pass", "regression", "error"
  std::string message;  // the error, or notes (confirmation, acceptance)
  std::vector<MetricVerdict> metrics;
  int64_t gate_id = 0;    // POST /gates id, 0 if not recorded
  bool accepted = false;  // recorded as the new baseline
};

// 2 if any outcome is an error (the gate could not decide everything), else
// 1 if any regressed, else 0.
int exit_code(const std::vector<GateOutcome>& outcomes);
// "pass", "regression" or "error", matching exit_code().
std::string overall_verdict(const std::vector<GateOutcome>& outcomes);

// A metric's value for people: "12,336 B", "1.234 ms", "37,828,206 instr".
std::string format_value(const std::string& metric, double v);

std::string markdown(const std::vector<GateOutcome>& outcomes, const std::string& branch,
                     const std::string& commit);
std::string junit_xml(const std::vector<GateOutcome>& outcomes);
nlohmann::json report_json(const std::vector<GateOutcome>& outcomes, const std::string& branch,
                           const std::string& commit);

}  // namespace hb_cli::gate

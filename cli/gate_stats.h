// gate_stats.h: the CI gate's decisions as pure functions (no I/O), so each
// can be tested with known answers: thresholds, the Mann-Whitney U test for
// noisy boards, one metric's verdict, baseline selection, and the choice of a
// second unit to confirm a suspected regression on.
//
// Emulated boards are deterministic (an instruction count does not vary run
// to run), so their metrics are compared exactly against the threshold. Real
// boards are noisy: their latency and energy are compared window by window
// (each timing window's median is one sample) with a one-sided Mann-Whitney U
// test, and a regression needs both a significant test (p < alpha) and an
// effect (difference of the medians of the window medians) above the
// threshold. Memory and flash sizes do not vary on any board: always exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbs/store.h"

namespace hb_cli::gate {

// A metric may grow by max(absolute, relative * |baseline|) and still pass.
// relative is a fraction (0.05 = 5 %); absolute is in the metric's unit.
struct Threshold {
  double relative = 0;
  double absolute = 0;
  double allowed(double baseline) const;
};

// Defaults when .hilbench.yml says nothing: latency_us 5 %, instructions 2 %,
// arena_bytes / ram_bytes / flash_bytes 5 %, energy_uj 5 %.
Threshold default_threshold(const std::string& metric);

// Median of `v` (mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> v);

struct MannWhitney {
  double u = 0;          // U of `candidate`: pairs (a, b) with b > a, ties count 1/2
  double p_greater = 1;  // one-sided p: P(U >= u) when both come from one distribution
  bool exact = false;    // exact null distribution (no ties, n1 * n2 small) or normal
};

// One-sided test that `candidate` tends to be larger than `baseline`. Exact
// (by counting, O(n1 * n2 * (n1 + n2))) when there are no ties and both sizes
// are <= 25; otherwise the normal approximation with tie correction and
// continuity correction (as scipy.stats.mannwhitneyu(method="asymptotic")).
// Empty inputs give u 0, p 1.
MannWhitney mann_whitney_greater(const std::vector<double>& baseline,
                                 const std::vector<double>& candidate);

struct NoiseOptions {
  double alpha = 0.05;  // significance level of the one-sided test
  int min_windows = 3;  // fewer windows on either side: no test, exact comparison
};

struct MetricInput {
  std::string metric;
  std::optional<double> baseline;  // absent: no baseline for this metric
  double candidate = 0;
  bool deterministic = true;             // emulated board, or a size metric
  std::vector<double> baseline_samples;  // per-window values (noisy boards)
  std::vector<double> candidate_samples;
  Threshold threshold;
};

// One metric's verdict: the service's GateMetric (hbs/store.h), so the gate
// sends and reports it in the same JSON (hbs/gate_json.h). baseline, delta
// (candidate - baseline, or of the window medians) and threshold (the largest
// delta that passes) are absent without a baseline; verdict is "pass",
// "regression" or "no_baseline"; detail says how it was decided.
using MetricVerdict = hbs::GateMetric;

MetricVerdict judge(const MetricInput& in, const NoiseOptions& noise);

// True for metrics that never vary run to run on any board.
bool is_size_metric(const std::string& metric);

// One accepted baseline row as GET /api/v1/baselines returns it.
struct BaselineRow {
  std::string metric, board_id, branch, commit, reason;  // board_id "" = board type
  double value = 0;
  int64_t job_id = 0, created_ms = 0;
  bool active = false;
};
std::vector<BaselineRow> baseline_rows(const nlohmann::json& list_reply);

// Rows recorded by a gate itself carry a reason starting with this; any
// other row was set by a person (`hilbench baseline set`).
inline constexpr const char* kGateReasonPrefix = "gate:";

// The baseline for one metric, for a candidate that ran on `board_id`:
//   - rows set by a person are a cut-off: older rows of the metric no longer
//     count ("an accepted change, old data stops counting");
//   - a row counts if it is on `base_branch` or was set by a person;
//   - the physical board's own row wins over the board type's where there is one;
//   - among those, the row at `merge_base` (when given) wins, else the newest.
std::optional<BaselineRow> select_baseline(const std::vector<BaselineRow>& rows,
                                           const std::string& metric, const std::string& board_id,
                                           const std::string& base_branch,
                                           const std::string& merge_base);

// Another unit of `profile` to confirm a suspected regression seen on
// `suspect_board` (GET /api/v1/boards reply): a board of the same profile,
// not the suspect, not quarantined or in maintenance, whose tags tell it
// apart from the suspect. Returns a selector string for POST /jobs
// ("<profile>,<tag>=<value>,..."), or nullopt when there is no such unit (or
// none can be pinned, because its tags equal the suspect's).
std::optional<std::string> confirmation_selector(const nlohmann::json& boards,
                                                 const std::string& profile,
                                                 const std::string& suspect_board);

// The gate's verdict from its metrics: "regression" if any metric regressed,
// else "pass".
std::string overall(const std::vector<MetricVerdict>& metrics);

}  // namespace hb_cli::gate

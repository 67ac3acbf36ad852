// gate_stats.cc: see gate_stats.h.
#include "gate_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace hb_cli::gate {

using nlohmann::json;

double Threshold::allowed(double baseline) const {
  return std::max(absolute, relative * std::fabs(baseline));
}

Threshold default_threshold(const std::string& metric) {
  if (metric == "instructions") return {0.02, 0};
  return {0.05, 0};
}

bool is_size_metric(const std::string& metric) {
  return metric == "arena_bytes" || metric == "ram_bytes" || metric == "flash_bytes";
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

namespace {

// Number of orderings of n1 + n2 distinct values whose U (pairs with the
// second sample's value larger) is k, for every k in 0..n1*n2: the recursion
// on the largest value, f(n1, n2, k) = f(n1, n2 - 1, k - n1) + f(n1 - 1, n2, k).
std::vector<double> u_counts(int n1, int n2) {
  // table[a][b] = counts for sizes (a, n2'=b), built up in b then a.
  std::vector<std::vector<std::vector<double>>> t(n1 + 1, std::vector<std::vector<double>>(n2 + 1));
  for (int a = 0; a <= n1; ++a) {
    for (int b = 0; b <= n2; ++b) {
      std::vector<double>& f = t[a][b];
      f.assign(a * b + 1, 0.0);
      if (a == 0 || b == 0) {
        f[0] = 1;
        continue;
      }
      const std::vector<double>& drop_b = t[a][b - 1];  // largest is from sample 2: +a
      const std::vector<double>& drop_a = t[a - 1][b];  // largest is from sample 1: +0
      for (size_t k = 0; k < drop_b.size(); ++k) f[k + a] += drop_b[k];
      for (size_t k = 0; k < drop_a.size(); ++k) f[k] += drop_a[k];
    }
  }
  return t[n1][n2];
}

}  // namespace

MannWhitney mann_whitney_greater(const std::vector<double>& baseline,
                                 const std::vector<double>& candidate) {
  MannWhitney r;
  const size_t n1 = baseline.size(), n2 = candidate.size();
  if (n1 == 0 || n2 == 0) return r;
  for (double b : candidate)
    for (double a : baseline) r.u += b > a ? 1.0 : (b == a ? 0.5 : 0.0);

  // Ranks with ties averaged; tie groups for the variance correction.
  std::vector<double> all(baseline);
  all.insert(all.end(), candidate.begin(), candidate.end());
  std::sort(all.begin(), all.end());
  double tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    const double t = static_cast<double>(j - i);
    if (t > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }

  if (!ties && n1 <= 25 && n2 <= 25) {
    const std::vector<double> f = u_counts(static_cast<int>(n1), static_cast<int>(n2));
    double total = 0, upper = 0;
    const auto u = static_cast<size_t>(std::llround(r.u));
    for (size_t k = 0; k < f.size(); ++k) {
      total += f[k];
      if (k >= u) upper += f[k];
    }
    r.p_greater = upper / total;
    r.exact = true;
    return r;
  }
  const double N = static_cast<double>(n1 + n2);
  const double mu = static_cast<double>(n1 * n2) / 2;
  const double var = static_cast<double>(n1 * n2) / 12.0 * ((N + 1) - tie_term / (N * (N - 1)));
  if (var <= 0) {  // every value equal: no evidence either way
    r.p_greater = 1;
    return r;
  }
  const double z = (r.u - mu - 0.5) / std::sqrt(var);
  r.p_greater = 0.5 * std::erfc(z / std::sqrt(2.0));
  return r;
}

namespace {

std::string fmt_g(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

}  // namespace

MetricVerdict judge(const MetricInput& in, const NoiseOptions& noise) {
  MetricVerdict v;
  v.metric = in.metric;
  v.candidate = in.candidate;
  v.baseline = in.baseline;
  if (!in.baseline) {
    v.verdict = "no_baseline";
    v.detail = "no accepted baseline for this metric";
    return v;
  }
  const double allowed = in.threshold.allowed(*in.baseline);
  v.threshold = allowed;
  const bool testable = !in.deterministic &&
                        static_cast<int>(in.baseline_samples.size()) >= noise.min_windows &&
                        static_cast<int>(in.candidate_samples.size()) >= noise.min_windows;
  if (!testable) {
    v.delta = in.candidate - *in.baseline;
    v.verdict = *v.delta > allowed ? "regression" : "pass";
    v.detail = in.deterministic
                   ? "exact comparison (deterministic)"
                   : "exact comparison: fewer than " + std::to_string(noise.min_windows) +
                         " windows on a side, no statistical test";
    return v;
  }
  const double effect = median(in.candidate_samples) - median(in.baseline_samples);
  // The threshold is relative to the baseline's typical window.
  const double allowed_w = in.threshold.allowed(median(in.baseline_samples));
  v.delta = effect;
  v.threshold = allowed_w;
  const MannWhitney mw = mann_whitney_greater(in.baseline_samples, in.candidate_samples);
  const bool significant = mw.p_greater < noise.alpha;
  v.verdict = significant && effect > allowed_w ? "regression" : "pass";
  v.detail = "Mann-Whitney U " + fmt_g(mw.u) + ", one-sided p " + fmt_g(mw.p_greater) +
             (mw.exact ? " (exact)" : " (normal approx.)") + ", alpha " + fmt_g(noise.alpha) +
             "; windows " + std::to_string(in.baseline_samples.size()) + " vs " +
             std::to_string(in.candidate_samples.size());
  return v;
}

std::vector<BaselineRow> baseline_rows(const json& reply) {
  std::vector<BaselineRow> out;
  if (!reply.is_object() || !reply.contains("baselines") || !reply["baselines"].is_array())
    return out;
  for (const auto& b : reply["baselines"]) {
    BaselineRow r;
    r.metric = b.value("metric", "");
    r.board_id =
        b.contains("board_id") && b["board_id"].is_string() ? b["board_id"].get<std::string>() : "";
    r.branch = b.value("branch", "");
    r.commit = b.value("commit", "");
    r.reason = b.value("reason", "");
    r.value = b.value("value", 0.0);
    r.job_id = b.value("job_id", int64_t{0});
    r.created_ms = b.value("created_at_ms", int64_t{0});
    r.active = b.value("active", false);
    out.push_back(r);
  }
  return out;
}

namespace {

bool set_by_person(const BaselineRow& r) { return r.reason.rfind(kGateReasonPrefix, 0) != 0; }

// Newest first; ties by job id.
bool newer(const BaselineRow& a, const BaselineRow& b) {
  return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.job_id > b.job_id;
}

std::optional<BaselineRow> pick(std::vector<BaselineRow> rows, const std::string& base_branch,
                                const std::string& merge_base) {
  if (rows.empty()) return std::nullopt;
  std::sort(rows.begin(), rows.end(), newer);
  int64_t cutoff = 0;
  for (const auto& r : rows) {
    if (set_by_person(r)) {
      cutoff = r.created_ms;
      break;
    }
  }
  std::vector<BaselineRow> eligible;
  for (const auto& r : rows) {
    if (r.created_ms < cutoff) continue;
    if (set_by_person(r) || base_branch.empty() || r.branch == base_branch) eligible.push_back(r);
  }
  if (eligible.empty()) return std::nullopt;
  if (!merge_base.empty()) {
    for (const auto& r : eligible)
      if (r.commit == merge_base) return r;
  }
  return eligible.front();
}

}  // namespace

std::optional<BaselineRow> select_baseline(const std::vector<BaselineRow>& rows,
                                           const std::string& metric, const std::string& board_id,
                                           const std::string& base_branch,
                                           const std::string& merge_base) {
  std::vector<BaselineRow> own, type;
  for (const auto& r : rows) {
    if (r.metric != metric) continue;
    if (r.board_id.empty()) {
      type.push_back(r);
    } else if (!board_id.empty() && r.board_id == board_id) {
      own.push_back(r);
    }
  }
  if (auto r = pick(own, base_branch, merge_base)) return r;
  return pick(type, base_branch, merge_base);
}

std::optional<std::string> confirmation_selector(const json& boards, const std::string& profile,
                                                 const std::string& suspect_board) {
  if (!boards.is_object() || !boards.contains("boards") || !boards["boards"].is_array())
    return std::nullopt;
  std::map<std::string, std::string> suspect_tags;
  for (const auto& b : boards["boards"]) {
    if (b.value("id", "") == suspect_board && b.contains("tags") && b["tags"].is_object())
      for (const auto& [k, v] : b["tags"].items())
        if (v.is_string()) suspect_tags[k] = v.get<std::string>();
  }
  // Sorted by id so the choice does not depend on the reply's order.
  std::vector<json> units;
  for (const auto& b : boards["boards"]) units.push_back(b);
  std::sort(units.begin(), units.end(),
            [](const json& a, const json& b) { return a.value("id", "") < b.value("id", ""); });
  for (const auto& b : units) {
    if (b.value("profile_id", "") != profile || b.value("id", "") == suspect_board) continue;
    const std::string health = b.value("health", "");
    if (health == "bad" || health == "maintenance" || b.value("state", "") == "offline") continue;
    if (!b.contains("tags") || !b["tags"].is_object()) continue;
    std::string sel = profile;
    bool distinct = false;
    std::map<std::string, std::string> tags;
    for (const auto& [k, v] : b["tags"].items())
      if (v.is_string()) tags[k] = v.get<std::string>();
    for (const auto& [k, v] : tags) {
      auto it = suspect_tags.find(k);
      if (it == suspect_tags.end() || it->second != v) {
        sel += "," + k + "=" + v;
        distinct = true;
      }
    }
    if (distinct) return sel;
  }
  return std::nullopt;
}

std::string overall(const std::vector<MetricVerdict>& metrics) {
  for (const auto& m : metrics)
    if (m.verdict == "regression") return "regression";
  return "pass";
}

}  // namespace hb_cli::gate

// hbs/gate_json.h: one gate metric (GateMetric, hbs/store.h) as JSON, the
// items of gate.schema.json's "metrics" (schemas/api/). One definition shared
// by the service (API replies; the gates table's metrics column) and the CLI
// (`hilbench gate`'s POST /api/v1/gates body and its --json report), so the
// four stay the same. Header-only: the CLI does not link the service core.
//
//   {"metric": "latency_us", "baseline": 1200.0, "candidate": 1210.0,
//    "delta": 10.0, "threshold": 60.0, "verdict": "pass", "detail": "..."}
//
// baseline, delta and threshold are null when the metric has no baseline.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbs/store.h"

namespace hbs {

inline nlohmann::json gate_metric_json(const GateMetric& m) {
  auto num = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json j = nlohmann::json::object();
  j["metric"] = m.metric;
  j["baseline"] = num(m.baseline);
  j["candidate"] = m.candidate;
  j["delta"] = num(m.delta);
  j["threshold"] = num(m.threshold);
  j["verdict"] = m.verdict;
  j["detail"] = m.detail;
  return j;
}

inline nlohmann::json gate_metrics_json(const std::vector<GateMetric>& ms) {
  nlohmann::json out = nlohmann::json::array();
  for (const GateMetric& m : ms) out.push_back(gate_metric_json(m));
  return out;
}

// The inverse, for JSON this program wrote (the API validates requests
// itself): a missing or non-number baseline/delta/threshold is absent, a
// missing string is "". Throws nlohmann::json::type_error when `j` is not an
// object.
inline GateMetric gate_metric_from_json(const nlohmann::json& j) {
  auto opt_num = [&j](const char* k) -> std::optional<double> {
    if (!j.contains(k) || !j[k].is_number()) return std::nullopt;
    return j[k].get<double>();
  };
  GateMetric m;
  m.metric = j.value("metric", "");
  m.baseline = opt_num("baseline");
  m.candidate = j.value("candidate", 0.0);
  m.delta = opt_num("delta");
  m.threshold = opt_num("threshold");
  m.verdict = j.value("verdict", "");
  m.detail = j.value("detail", "");
  return m;
}

}  // namespace hbs

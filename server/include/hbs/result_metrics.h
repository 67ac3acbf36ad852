// hbs/result_metrics.h: the CI gate's metrics, read from a result's data
// (schemas/api/result.schema.json). One definition shared by the service
// (POST /api/v1/baselines stores these values) and the CLI (`hilbench gate`
// computes the candidate's), so both always agree. Header-only: the CLI does
// not link the service core.
//
//   latency_us    latency.median_us: median inference latency, microseconds
//                 (emulated boards: instruction-count time at the profile clock)
//   instructions  latency.instructions_per_inference (emulated boards only)
//   arena_bytes   memory.arena_bytes: the plan's tensor arena
//   ram_bytes     RAM the job needs: the harness's static RAM without its arena
//                 reservation, plus the arena used and the stack high-water
//                 (static_ram - arena_capacity + arena_used + stack_used); for
//                 a firmware job, data + bss (+ stack when reported)
//   flash_bytes   flash the job needs: flash_harness + flash_plan; for a
//                 firmware job, text + data
//   energy_uj     energy.uj_per_inference (an estimate; absent without a
//                 power model)
//
// A metric the result does not carry is simply absent from the map.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hbs::metrics {

inline const std::vector<std::string>& all_metrics() {
  static const std::vector<std::string> kAll = {"latency_us", "instructions", "arena_bytes",
                                                "ram_bytes",  "flash_bytes",  "energy_uj"};
  return kAll;
}

inline bool is_metric(const std::string& m) {
  for (const auto& x : all_metrics())
    if (x == m) return true;
  return false;
}

// The unit a person reads next to a value.
inline const char* unit_of(const std::string& m) {
  if (m == "latency_us") return "us";
  if (m == "instructions") return "instr";
  if (m == "energy_uj") return "uJ";
  return "B";
}

namespace detail {
inline std::optional<double> num(const nlohmann::json& j, const char* k) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(k);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}
}  // namespace detail

// Every metric `data` carries, by name.
inline std::map<std::string, double> extract(const nlohmann::json& data) {
  using detail::num;
  std::map<std::string, double> out;
  if (!data.is_object()) return out;
  const nlohmann::json lat = data.value("latency", nlohmann::json::object());
  const nlohmann::json mem = data.value("memory", nlohmann::json::object());
  const nlohmann::json en = data.value("energy", nlohmann::json::object());
  if (auto v = num(lat, "median_us")) out["latency_us"] = *v;
  if (auto v = num(lat, "instructions_per_inference")) out["instructions"] = *v;
  if (auto v = num(mem, "arena_bytes")) out["arena_bytes"] = *v;
  const auto stack = num(mem, "stack_used") ? num(mem, "stack_used") : num(mem, "stack");
  if (auto sr = num(mem, "static_ram"), cap = num(mem, "arena_capacity"),
      used = num(mem, "arena_used");
      sr && cap && used) {
    out["ram_bytes"] = *sr - *cap + *used + stack.value_or(0);
  } else if (auto d = num(mem, "data"), b = num(mem, "bss"); d && b) {
    out["ram_bytes"] = *d + *b + stack.value_or(0);
  }
  if (auto h = num(mem, "flash_harness"), p = num(mem, "flash_plan"); h && p) {
    out["flash_bytes"] = *h + *p;
  } else if (auto t = num(mem, "text"), d = num(mem, "data"); t && d) {
    out["flash_bytes"] = *t + *d;
  }
  if (auto v = num(en, "uj_per_inference")) out["energy_uj"] = *v;
  return out;
}

// True when the result comes from an emulated board (deterministic figures).
inline bool is_emulated(const nlohmann::json& data) {
  if (!data.is_object()) return false;
  const nlohmann::json b = data.value("board", nlohmann::json::object());
  if (b.is_object() && b.contains("emulated") && b["emulated"].is_boolean())
    return b["emulated"].get<bool>();
  const nlohmann::json lat = data.value("latency", nlohmann::json::object());
  return lat.is_object() && lat.contains("instructions_per_inference");
}

// How the result's time was measured (latency.method; "" when it names none).
// Time-based figures (latency_us, energy_uj) of two results compare only when
// their methods match: an agent that times on another basis starts anew.
inline std::string latency_method(const nlohmann::json& data) {
  if (!data.is_object()) return "";
  const auto l = data.find("latency");
  if (l == data.end() || !l->is_object()) return "";
  const auto m = l->find("method");
  return m != l->end() && m->is_string() ? m->get<std::string>() : "";
}

// True for the metrics that latency_method() qualifies.
inline bool is_time_metric(const std::string& m) { return m == "latency_us" || m == "energy_uj"; }

// Repeated samples of a metric, one per timing window (latency.windows[]):
// what a statistical comparison on a noisy board works on. latency_us uses
// each window's median_us; energy_uj scales them by the result's
// uj_per_inference / median_us (the estimate is proportional to time). Other
// metrics do not vary run to run: empty.
inline std::vector<double> window_samples(const nlohmann::json& data, const std::string& metric) {
  std::vector<double> out;
  if (!data.is_object()) return out;
  const nlohmann::json lat = data.value("latency", nlohmann::json::object());
  if (!lat.is_object() || !lat.contains("windows") || !lat["windows"].is_array()) return out;
  double scale = 1;
  if (metric == "energy_uj") {
    const auto m = extract(data);
    auto e = m.find("energy_uj"), l = m.find("latency_us");
    if (e == m.end() || l == m.end() || l->second <= 0) return out;
    scale = e->second / l->second;
  } else if (metric != "latency_us") {
    return out;
  }
  for (const auto& w : lat["windows"]) {
    if (auto v = detail::num(w, "median_us")) out.push_back(*v * scale);
  }
  return out;
}

}  // namespace hbs::metrics

// api/routes_baselines.cc: see routes_baselines.h.
#include "api/routes_baselines.h"

#include <set>

#include "api/json_mapping.h"
#include "hbs/result_metrics.h"

namespace hbs::api::gate_routes {

using nlohmann::json;

namespace {

std::string query(const HttpRequest& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

int32_t query_limit(const HttpRequest& r, int32_t def) {
  const std::string v = query(r, "limit");
  if (v.empty()) return def;
  try {
    size_t used = 0;
    const long n = std::stol(v, &used);
    if (used == v.size() && n >= 1 && n <= 1000) return static_cast<int32_t>(n);
  } catch (const std::exception&) {
  }
  throw ApiError::BadRequest("limit: must be an integer in 1..1000");
}

void check_known(const json& body, const std::set<std::string>& known) {
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!known.count(it.key())) throw ApiError::BadRequest(it.key() + ": unknown field");
}

int64_t job_id_field(const json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) throw ApiError::BadRequest(std::string(name) + ": required job id");
    return 0;
  }
  if (!body[name].is_number_integer() || body[name].get<int64_t>() < 1)
    throw ApiError::BadRequest(std::string(name) + ": must be a positive integer");
  return body[name].get<int64_t>();
}

std::string string_field(const json& body, const char* name, size_t max_len = 256) {
  if (!body.contains(name) || body[name].is_null()) return "";
  if (!body[name].is_string() || body[name].get<std::string>().size() > max_len)
    throw ApiError::BadRequest(std::string(name) + ": must be a string of at most " +
                               std::to_string(max_len) + " characters");
  return body[name].get<std::string>();
}

std::optional<double> number_or_null(const json& m, const char* name, const std::string& at) {
  if (!m.contains(name) || m[name].is_null()) return std::nullopt;
  if (!m[name].is_number()) throw ApiError::BadRequest(at + name + ": must be a number or null");
  return m[name].get<double>();
}

// The stable name of the job's model: given, else the uploaded model's name.
std::string model_key_for(Store& store, const Job& job, const std::string& given) {
  if (!given.empty()) return given;
  if (!job.spec.model_id.empty()) {
    if (auto m = store.get_model(job.spec.model_id); m && !m->name.empty()) return m->name;
    return job.spec.model_id;
  }
  throw ApiError::BadRequest("model_key: required for a firmware job (a stable name)");
}

std::string artifact_id(const Job& job) {
  return job.spec.model_id.empty() ? job.spec.firmware_id : job.spec.model_id;
}

// Records (Baseline, GateRecord) as a JSON array of their to_json forms.
template <class Record>
json to_json_array(const std::vector<Record>& records) {
  json out = json::array();
  for (const Record& r : records) out.push_back(to_json(r));
  return out;
}

}  // namespace

HttpResponse list_baselines(Store& store, const HttpRequest& r) {
  BaselineFilter f;
  f.model = query(r, "model");
  f.profile = query(r, "profile");
  f.metric = query(r, "metric");
  const std::string active = query(r, "active");
  if (!active.empty() && active != "0" && active != "1" && active != "true" && active != "false")
    throw ApiError::BadRequest("active: must be 1, 0, true or false");
  f.active_only = active == "1" || active == "true";
  f.limit = query_limit(r, 500);
  return HttpResponse::json(200, {{"baselines", to_json_array(store.list_baselines(f))}});
}

HttpResponse post_baselines(Store& store, const HttpRequest& r, int64_t now_ms) {
  const json body = parse_body_object(r.body);
  check_known(body, {"job_id", "metrics", "reason", "board_specific", "model_key"});
  const int64_t job_id = job_id_field(body, "job_id", true);
  const std::string reason = string_field(body, "reason", 1000);
  bool board_specific = false;
  if (body.contains("board_specific") && !body["board_specific"].is_null()) {
    if (!body["board_specific"].is_boolean())
      throw ApiError::BadRequest("board_specific: must be a boolean");
    board_specific = body["board_specific"].get<bool>();
  }
  std::vector<std::string> wanted;
  if (body.contains("metrics") && !body["metrics"].is_null()) {
    if (!body["metrics"].is_array() || body["metrics"].empty())
      throw ApiError::BadRequest("metrics: must be a non-empty array of metric names");
    for (const auto& m : body["metrics"]) {
      if (!m.is_string() || !metrics::is_metric(m.get<std::string>()))
        throw ApiError::BadRequest("metrics: unknown metric " + m.dump() +
                                   " (latency_us, instructions, arena_bytes, ram_bytes, "
                                   "flash_bytes, energy_uj)");
      wanted.push_back(m.get<std::string>());
    }
  }

  const auto job = store.get_job(job_id);
  if (!job) throw ApiError::NotFound("no job " + std::to_string(job_id));
  const auto result = store.get_result(job_id);
  if (!result)
    throw ApiError::Conflict("job " + std::to_string(job_id) + " has no result (it is " +
                             to_string(job->state) + "): only a finished job can be a baseline");
  const std::string key = model_key_for(store, *job, string_field(body, "model_key"));
  const auto values = metrics::extract(result->data);
  if (wanted.empty()) {
    for (const auto& [m, v] : values) wanted.push_back(m);
  }
  std::vector<Baseline> rows;
  for (const std::string& m : wanted) {
    auto it = values.find(m);
    if (it == values.end())
      throw ApiError::Unprocessable("metrics: the result of job " + std::to_string(job_id) +
                                    " has no " + m);
    Baseline b;
    b.model_key = key;
    b.model_id = artifact_id(*job);
    b.profile = result->profile_id;
    b.metric = m;
    b.value = it->second;
    b.job_id = job_id;
    b.branch = job->spec.labels.branch;
    b.commit = job->spec.labels.commit;
    b.reason = reason;
    rows.push_back(b);
    if (board_specific && !result->board_id.empty()) {
      b.board_id = result->board_id;
      rows.push_back(b);
    }
  }
  if (rows.empty())
    throw ApiError::Unprocessable("the result of job " + std::to_string(job_id) +
                                  " carries no gate metric");
  return HttpResponse::json(201, {{"baselines", to_json_array(store.add_baselines(rows, now_ms))}});
}

HttpResponse list_gates(Store& store, const HttpRequest& r) {
  GateFilter f;
  f.model = query(r, "model");
  f.profile = query(r, "profile");
  f.branch = query(r, "branch");
  f.limit = query_limit(r, 100);
  return HttpResponse::json(200, {{"gates", to_json_array(store.list_gates(f))}});
}

HttpResponse post_gate(Store& store, const HttpRequest& r, int64_t now_ms) {
  const json body = parse_body_object(r.body);
  check_known(body, {"job_id", "baseline_job_id", "model_key", "verdict", "metrics"});
  GateRecord g;
  g.job_id = job_id_field(body, "job_id", true);
  g.baseline_job_id = job_id_field(body, "baseline_job_id", false);
  g.verdict = string_field(body, "verdict", 32);
  if (g.verdict != "pass" && g.verdict != "regression" && g.verdict != "error")
    throw ApiError::BadRequest("verdict: must be \"pass\", \"regression\" or \"error\"");
  if (!body.contains("metrics") || !body["metrics"].is_array())
    throw ApiError::BadRequest("metrics: required array");
  for (size_t i = 0; i < body["metrics"].size(); ++i) {
    const json& m = body["metrics"][i];
    const std::string at = "metrics[" + std::to_string(i) + "].";
    if (!m.is_object()) throw ApiError::BadRequest(at + ": must be an object");
    GateMetric gm;
    gm.metric = string_field(m, "metric", 64);
    if (!metrics::is_metric(gm.metric))
      throw ApiError::BadRequest(at + "metric: unknown metric '" + gm.metric + "'");
    gm.baseline = number_or_null(m, "baseline", at);
    const auto cand = number_or_null(m, "candidate", at);
    if (!cand) throw ApiError::BadRequest(at + "candidate: required number");
    gm.candidate = *cand;
    gm.delta = number_or_null(m, "delta", at);
    gm.threshold = number_or_null(m, "threshold", at);
    gm.verdict = string_field(m, "verdict", 32);
    if (gm.verdict != "pass" && gm.verdict != "regression" && gm.verdict != "no_baseline")
      throw ApiError::BadRequest(at + "verdict: must be pass, regression or no_baseline");
    gm.detail = string_field(m, "detail", 2000);
    g.metrics.push_back(std::move(gm));
  }

  const auto job = store.get_job(g.job_id);
  if (!job) throw ApiError::NotFound("no job " + std::to_string(g.job_id));
  if (g.baseline_job_id && !store.get_job(g.baseline_job_id))
    throw ApiError::NotFound("no baseline job " + std::to_string(g.baseline_job_id));
  g.model_key = model_key_for(store, *job, string_field(body, "model_key"));
  g.model_id = artifact_id(*job);
  const auto result = store.get_result(g.job_id);
  g.profile = result ? result->profile_id : job->spec.selector.profile;
  g.branch = job->spec.labels.branch;
  g.commit = job->spec.labels.commit;
  return HttpResponse::json(201, to_json(store.add_gate(g, now_ms)));
}

}  // namespace hbs::api::gate_routes

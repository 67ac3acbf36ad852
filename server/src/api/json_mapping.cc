// api/json_mapping.cc: see json_mapping.h.
#include "api/json_mapping.h"

#include <set>

#include "api/api_error.h"
#include "hbc/model.h"
#include "hbs/gate_json.h"

namespace hbs::api {

using nlohmann::json;

namespace {

json opt_ms(int64_t ms) { return ms ? json(ms) : json(nullptr); }

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

int32_t int_field(const json& body, const char* name, int32_t def, int32_t lo, int32_t hi) {
  if (!body.contains(name)) return def;
  const json& v = body[name];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw ApiError::BadRequest(std::string(name) + ": must be an integer in " + std::to_string(lo) +
                               ".." + std::to_string(hi));
  return static_cast<int32_t>(v.get<int64_t>());
}

std::string str_field(const json& obj, const char* name, const std::string& path,
                      size_t max_len = 256) {
  if (!obj.contains(name) || obj[name].is_null()) return "";
  if (!obj[name].is_string() || obj[name].get<std::string>().size() > max_len)
    throw ApiError::BadRequest(path + name + ": must be a string of at most " +
                               std::to_string(max_len) + " characters");
  return obj[name].get<std::string>();
}

void check_known(const json& obj, const std::set<std::string>& known, const std::string& path) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!known.count(it.key())) throw ApiError::BadRequest(path + it.key() + ": unknown field");
}

void check_tag(const std::string& k, const std::string& v, const std::string& field) {
  if (k.empty() || k.size() > 64 || v.size() > 128)
    throw ApiError::BadRequest(field + ": tag keys must be 1..64 characters, values up to 128");
}

}  // namespace

json to_json(const BoardSelector& s) {
  json tags = json::object();
  for (const auto& [k, v] : s.tags) tags[k] = v;
  return {{"profile", s.profile.empty() ? json(nullptr) : json(s.profile)}, {"tags", tags}};
}

json to_json(const Job& j) {
  const JobSpec& s = j.spec;
  return {
      {"id", j.id},
      {"model_id", s.model_id.empty() ? json(nullptr) : json(s.model_id)},
      {"firmware_id", s.firmware_id.empty() ? json(nullptr) : json(s.firmware_id)},
      {"board", to_json(s.selector)},
      {"runs", s.runs},
      {"warmup", s.warmup},
      {"windows", s.windows},
      {"priority", s.priority},
      {"rounding", s.rounding},
      {"labels",
       {{"repo", s.labels.repo},
        {"branch", s.labels.branch},
        {"commit", s.labels.commit},
        {"ci_url", s.labels.ci_url}}},
      {"state", to_string(j.state)},
      {"failure", to_string(j.failure)},
      {"message", j.message},
      {"attempts", j.attempts},
      {"board_id", j.board_id.empty() ? json(nullptr) : json(j.board_id)},
      {"excluded_boards", j.excluded_boards},
      {"created_ms", j.created_ms},
      {"updated_ms", j.updated_ms},
      {"started_ms", opt_ms(j.started_ms)},
      {"finished_ms", opt_ms(j.finished_ms)},
  };
}

json to_json(const Board& b) {
  json tags = json::object();
  for (const auto& [k, v] : b.tags) tags[k] = v;
  return {{"id", b.id},
          {"profile_id", b.profile_id},
          {"agent_id", b.agent_id},
          {"tags", tags},
          {"state", to_string(b.state)},
          {"health", to_string(b.health)},
          {"current_job", b.current_job ? json(b.current_job) : json(nullptr)},
          {"consecutive_infra_failures", b.consecutive_infra_failures},
          {"last_health_check_ms", opt_ms(b.last_health_check_ms)},
          {"health_message", b.health_message},
          {"probe_serial", b.probe_serial}};
}

json to_json(const ModelRecord& m) {
  return {{"id", m.id},
          {"name", m.name},
          {"size", m.size},
          {"inspection", m.inspection.is_null() ? json::object() : m.inspection},
          {"created_ms", m.created_ms}};
}

json to_json(const Result& r) {
  return {{"job_id", r.job_id},
          {"model_id", r.model_id},
          {"board_id", r.board_id},
          {"profile_id", r.profile_id},
          {"branch", r.branch},
          {"commit", r.commit},
          {"latency_median_us", r.latency_median_us},
          {"data", r.data.is_null() ? json::object() : r.data},
          {"created_ms", r.created_ms}};
}

json to_json(const Baseline& b) {
  return {{"id", b.id},
          {"model_id", b.model_id},
          {"model_key", b.model_key},
          {"profile", b.profile},
          {"board_id", b.board_id.empty() ? json(nullptr) : json(b.board_id)},
          {"metric", b.metric},
          {"value", b.value},
          {"job_id", b.job_id},
          {"branch", b.branch},
          {"commit", b.commit},
          {"reason", b.reason},
          {"created_at_ms", b.created_ms},
          {"active", b.active}};
}

json to_json(const GateRecord& g) {
  return {{"id", g.id},
          {"job_id", g.job_id},
          {"baseline_job_id", g.baseline_job_id ? json(g.baseline_job_id) : json(nullptr)},
          {"model_id", g.model_id},
          {"model_key", g.model_key},
          {"profile", g.profile},
          {"verdict", g.verdict},
          {"branch", g.branch},
          {"commit", g.commit},
          {"created_at_ms", g.created_ms},
          {"metrics", gate_metrics_json(g.metrics)}};
}

json inspection_json(const hbc::InspectReport& r) {
  auto op_json = [](const hbc::OpReport& o) {
    json j = {{"index", o.index},     {"op", o.op},     {"inputs", o.inputs},
              {"outputs", o.outputs}, {"macs", o.macs}, {"supported", o.supported}};
    if (!o.supported) j["error"] = o.error;
    return j;
  };
  auto io_json = [](const hbc::InspectReport::Io& io) {
    return json{{"name", io.name},
                {"shape", io.shape},
                {"dtype", hbc::dtype_name(io.dtype)},
                {"scale", io.scale},
                {"zero_point", io.zero_point}};
  };
  json ops = json::array(), unsupported = json::array(), inputs = json::array(),
       outputs = json::array();
  for (const auto& o : r.ops) ops.push_back(op_json(o));
  for (const auto& o : r.unsupported) unsupported.push_back(op_json(o));
  for (const auto& io : r.inputs) inputs.push_back(io_json(io));
  for (const auto& io : r.outputs) outputs.push_back(io_json(io));
  return {{"operators", ops},
          {"macs", r.total_macs},
          {"weight_bytes", r.weight_bytes},
          {"arena_bytes", r.arena_bytes},
          {"plan_bytes", r.plan_bytes},
          {"unsupported_operators", unsupported},
          {"inputs", inputs},
          {"outputs", outputs}};
}

BoardSelector parse_selector_string(const std::string& s, const std::string& field) {
  BoardSelector sel;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(pos, comma - pos);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) {
      const size_t eq = part.find('=');
      if (eq == std::string::npos) {
        if (!sel.profile.empty())
          throw ApiError::BadRequest(field + ": more than one profile in '" + s + "'");
        sel.profile = part;
      } else {
        const std::string k = part.substr(0, eq), v = part.substr(eq + 1);
        check_tag(k, v, field);
        if (k == "profile")
          sel.profile = v;
        else
          sel.tags[k] = v;
      }
    }
    pos = comma + 1;
  }
  return sel;
}

std::string describe(const BoardSelector& s) {
  std::string out;
  if (!s.profile.empty()) out = "profile=" + s.profile;
  for (const auto& [k, v] : s.tags) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.empty() ? "any board" : out;
}

JobSpec parse_job_request(const json& body) {
  check_known(body,
              {"model_id", "firmware_id", "board", "runs", "warmup", "windows", "priority",
               "rounding", "labels"},
              "");
  JobSpec spec;
  spec.model_id = str_field(body, "model_id", "");
  spec.firmware_id = str_field(body, "firmware_id", "");
  if (spec.model_id.empty() == spec.firmware_id.empty())
    throw ApiError::BadRequest("model_id: exactly one of model_id and firmware_id is required");
  if (!spec.model_id.empty() && !is_sha256_hex(spec.model_id))
    throw ApiError::BadRequest("model_id: must be 64 lower-case hex digits (a sha256)");
  if (!spec.firmware_id.empty() && !is_sha256_hex(spec.firmware_id))
    throw ApiError::BadRequest("firmware_id: must be 64 lower-case hex digits (a sha256)");

  if (body.contains("board") && !body["board"].is_null()) {
    const json& b = body["board"];
    if (b.is_string()) {
      spec.selector = parse_selector_string(b.get<std::string>(), "board");
    } else if (b.is_object()) {
      check_known(b, {"profile", "tags"}, "board.");
      spec.selector.profile = str_field(b, "profile", "board.", 64);
      if (b.contains("tags") && !b["tags"].is_null()) {
        if (!b["tags"].is_object())
          throw ApiError::BadRequest("board.tags: must be an object of strings");
        for (auto it = b["tags"].begin(); it != b["tags"].end(); ++it) {
          if (!it.value().is_string())
            throw ApiError::BadRequest("board.tags." + it.key() + ": must be a string");
          check_tag(it.key(), it.value().get<std::string>(), "board.tags");
          spec.selector.tags[it.key()] = it.value().get<std::string>();
        }
      }
    } else {
      throw ApiError::BadRequest("board: must be a selector string or {profile, tags}");
    }
  }
  spec.runs = int_field(body, "runs", spec.runs, 1, 100000);
  spec.warmup = int_field(body, "warmup", spec.warmup, 0, 10000);
  spec.windows = int_field(body, "windows", spec.windows, 1, 1000);
  spec.priority = int_field(body, "priority", spec.priority, -1000, 1000);
  if (body.contains("rounding")) {
    const json& r = body["rounding"];
    if (!r.is_string() || (r != "double" && r != "single"))
      throw ApiError::BadRequest("rounding: must be \"double\" or \"single\"");
    spec.rounding = r.get<std::string>();
  }
  if (body.contains("labels") && !body["labels"].is_null()) {
    const json& l = body["labels"];
    if (!l.is_object()) throw ApiError::BadRequest("labels: must be an object");
    check_known(l, {"repo", "branch", "commit", "ci_url"}, "labels.");
    spec.labels.repo = str_field(l, "repo", "labels.");
    spec.labels.branch = str_field(l, "branch", "labels.");
    spec.labels.commit = str_field(l, "commit", "labels.");
    spec.labels.ci_url = str_field(l, "ci_url", "labels.", 2048);
  }
  return spec;
}

json parse_body_object(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw ApiError::BadRequest("request body is not valid JSON");
  if (!j.is_object()) throw ApiError::BadRequest("request body must be a JSON object");
  return j;
}

}  // namespace hbs::api

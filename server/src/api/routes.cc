// api/routes.cc: the v1 handlers (see routes.h and schemas/openapi.yaml).
#include "api/routes.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/json_mapping.h"
#include "api/multipart.h"
#include "api/routes_baselines.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"
#include "hbs/scheduler.h"

namespace hbs::api {

using nlohmann::json;

namespace {

std::shared_ptr<spdlog::logger> api_log() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto existing = spdlog::get("api");
    return existing ? existing : spdlog::default_logger()->clone("api");
  }();
  return l;
}

// Who may call a route.
enum class Access { kRead, kUser, kAdmin, kAgent };

using RouteFn = std::function<HttpResponse(HttpRequest&)>;

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" captures one segment
  Access access;
  RouteFn fn;
};

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    if (slash > pos) out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

int64_t parse_id(const std::string& s, const char* what) {
  try {
    size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw ApiError::NotFound(std::string("no ") + what + " '" + s + "'");
}

int32_t query_int(const HttpRequest& r, const char* name, int32_t def, int32_t lo, int32_t hi) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return def;
  try {
    size_t used = 0;
    const long v = std::stol(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return static_cast<int32_t>(v);
  } catch (const std::exception&) {
  }
  throw ApiError::BadRequest(std::string(name) + ": must be an integer in " + std::to_string(lo) +
                             ".." + std::to_string(hi));
}

std::string query_str(const HttpRequest& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

const std::string& require_str(const json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_string() ||
      body[name].get_ref<const std::string&>().empty())
    throw ApiError::BadRequest(std::string(name) + ": required string");
  return body[name].get_ref<const std::string&>();
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// Numeric leaves of a result's data, as dotted paths, for /compare.
void numeric_leaves(const json& j, const std::string& prefix, std::map<std::string, double>& out) {
  if (j.is_number()) {
    out[prefix] = j.get<double>();
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      numeric_leaves(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  }
}

std::string content_type_for(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {{".html", "text/html; charset=utf-8"},
                                                            {".js", "text/javascript"},
                                                            {".css", "text/css"},
                                                            {".json", "application/json"},
                                                            {".svg", "image/svg+xml"},
                                                            {".png", "image/png"},
                                                            {".ico", "image/x-icon"}};
  auto it = kTypes.find(std::filesystem::path(path).extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

HttpResponse bytes_response(std::string bytes, const std::string& type) {
  HttpResponse r;
  r.status = 200;
  r.content_type = type;
  r.body = std::move(bytes);
  return r;
}

}  // namespace

struct Api::Impl {
  Store& store;
  ArtifactStore& artifacts;
  JobService& service;
  ApiOptions opts;
  std::vector<Route> routes;

  Impl(Store& s, ArtifactStore& a, JobService& j, ApiOptions o)
      : store(s), artifacts(a), service(j), opts(std::move(o)) {
    add_routes();
  }

  void add(const std::string& method, const std::string& path, Access access, RouteFn fn) {
    routes.push_back({method, split_path(path), access, std::move(fn)});
  }

  // Throws Unauthorized/Forbidden unless the request may use `access`.
  void authorize(const HttpRequest& r, Access access) {
    if (access == Access::kRead && !opts.auth_reads) return;
    const std::string& h = r.header("authorization");
    if (h.empty()) throw ApiError::Unauthorized("missing Authorization: Bearer <token>");
    if (h.size() < 8 || !std::equal(h.begin(), h.begin() + 7, "Bearer ", [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      throw ApiError::Unauthorized("Authorization must be 'Bearer <token>'");
    const auto role = store.token_role(h.substr(7));
    if (!role) throw ApiError::Unauthorized("invalid token");
    const bool ok = access == Access::kRead ||
                    (access == Access::kUser && (*role == "user" || *role == "admin")) ||
                    (access == Access::kAdmin && *role == "admin") ||
                    (access == Access::kAgent && (*role == "agent" || *role == "admin"));
    if (!ok) throw ApiError::Forbidden("this endpoint needs a different role than '" + *role + "'");
  }

  HttpResponse handle(HttpRequest& req) {
    try {
      // Route on raw segments, decoded one by one, so a board id with '/'
      // can be passed as %2F.
      const std::string raw = req.target.substr(0, req.target.find('?'));
      std::vector<std::string> segs = split_path(raw);
      for (auto& s : segs) s = url_decode(s, false);
      if (segs.size() < 2 || segs[0] != "api" || segs[1] != "v1") {
        if (req.method == "GET" || req.method == "HEAD") return static_file(req, segs);
        throw ApiError::NotFound("no route for " + req.method + " " + req.path);
      }
      segs.erase(segs.begin(), segs.begin() + 2);
      bool path_matched = false;
      for (const Route& rt : routes) {
        if (rt.segments.size() != segs.size()) continue;
        std::map<std::string, std::string> params;
        bool match = true;
        for (size_t i = 0; i < segs.size() && match; ++i) {
          const std::string& p = rt.segments[i];
          if (p.size() > 2 && p.front() == '{' && p.back() == '}')
            params[p.substr(1, p.size() - 2)] = segs[i];
          else
            match = p == segs[i];
        }
        if (!match) continue;
        path_matched = true;
        if (rt.method != req.method && !(rt.method == "GET" && req.method == "HEAD")) continue;
        req.params = std::move(params);
        authorize(req, rt.access);
        return rt.fn(req);
      }
      if (path_matched)
        throw ApiError::MethodNotAllowed(req.method + " not allowed on " + req.path);
      throw ApiError::NotFound("no route for " + req.method + " " + req.path);
    } catch (const ApiError& e) {
      if (e.status() >= 500)
        api_log()->error("[{}] {} {}: {}", req.request_id, req.method, req.path, e.what());
      return HttpResponse::error(e);
    } catch (const StoreError& e) {
      api_log()->error("[{}] {} {}: store: {}", req.request_id, req.method, req.path, e.what());
      return HttpResponse::error(ApiError::Unavailable("store error: " + std::string(e.what())));
    } catch (const nlohmann::json::exception& e) {
      // A field of the wrong JSON type that a handler read with get<>.
      return HttpResponse::error(ApiError::BadRequest(std::string("bad field type: ") + e.what()));
    } catch (const std::exception& e) {
      api_log()->error("[{}] {} {}: {}", req.request_id, req.method, req.path, e.what());
      return HttpResponse::error(ApiError::Internal("internal error"));
    }
  }

  HttpResponse static_file(const HttpRequest& req, const std::vector<std::string>& segs) {
    if (opts.web_dir.empty()) throw ApiError::NotFound("no route for GET " + req.path);
    std::filesystem::path p = opts.web_dir;
    for (const auto& s : segs) {
      if (s == ".." || s == "." || s.find('\0') != std::string::npos ||
          s.find('/') != std::string::npos)
        throw ApiError::NotFound("no file " + req.path);
      p /= s;
    }
    if (segs.empty() || std::filesystem::is_directory(p)) p /= "index.html";
    std::ifstream f(p, std::ios::binary);
    if (!f) throw ApiError::NotFound("no file " + req.path);
    std::ostringstream ss;
    ss << f.rdbuf();
    return bytes_response(ss.str(), content_type_for(p.string()));
  }

  // --- models ----------------------------------------------------------------
  HttpResponse post_model(HttpRequest& r) {
    std::string bytes, name = query_str(r, "name");
    const std::string boundary = multipart_boundary(r.header("content-type"));
    if (!boundary.empty()) {
      const auto parts = parse_multipart(r.body, boundary);
      const MultipartPart* file = nullptr;
      for (const auto& p : parts)
        if (p.name == "file" || (!file && !p.filename.empty())) file = &p;
      if (!file) throw ApiError::BadRequest("multipart: no 'file' part");
      bytes = file->body;
      if (name.empty()) name = file->filename;
    } else {
      const std::string& ct = r.header("content-type");
      if (!ct.empty() && ct.rfind("application/octet-stream", 0) != 0)
        throw ApiError::UnsupportedMediaType(
            "upload the model as application/octet-stream or multipart/form-data");
      bytes = std::move(r.body);
    }
    if (bytes.empty()) throw ApiError::BadRequest("empty model upload");
    if (name.size() > 256) name.resize(256);

    hbc::Model model;
    hbc::InspectReport report;
    try {
      model = hbc::read_tflite(std::vector<uint8_t>(bytes.begin(), bytes.end()));
      report = hbc::inspect_model(model, {});
    } catch (const hbc::CompileError& e) {
      if (e.kind() == hbc::CompileError::Kind::kIo) throw ApiError::Internal(e.what());
      throw ApiError::Unprocessable(std::string(e.kind_name()) + ": " + e.what());
    }
    if (!report.unsupported.empty()) {
      std::vector<std::string> why;
      for (const auto& o : report.unsupported) why.push_back(o.error);
      throw ApiError::Unprocessable("unsupported: " + join(why, "; "));
    }
    const std::string id = model.sha256;
    if (auto existing = store.get_model(id)) {
      api_log()->info("[{}] model {} already stored", r.request_id, id);
      return HttpResponse::json(200, to_json(*existing));
    }
    if (artifacts.put(bytes) != id) throw ApiError::Internal("artifact digest mismatch");
    ModelRecord rec;
    rec.id = id;
    rec.name = name;
    rec.size = static_cast<int64_t>(bytes.size());
    rec.inspection = inspection_json(report);
    rec.created_ms = now_ms();
    store.put_model(rec);
    api_log()->info("[{}] model {} stored ({} bytes, {} ops)", r.request_id, id, rec.size,
                    report.ops.size());
    return HttpResponse::json(201, to_json(rec));
  }

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  HttpResponse post_firmware(HttpRequest& r) {
    if (r.body.size() < 4 || r.body.compare(0, 4,
                                            "\x7f"
                                            "ELF") != 0)
      throw ApiError::Unprocessable("firmware must be an ELF file");
    const std::string id = artifacts.put(r.body);
    return HttpResponse::json(201, {{"id", id}, {"size", r.body.size()}});
  }

  HttpResponse artifact_file(const std::string& id, const char* what) {
    auto bytes = artifacts.get(id);
    if (!bytes) throw ApiError::NotFound(std::string("no ") + what + " '" + id + "'");
    return bytes_response(std::move(*bytes), "application/octet-stream");
  }

  // --- jobs ----------------------------------------------------------------
  JobFilter filter_from(const HttpRequest& r) {
    JobFilter f;
    const std::string st = query_str(r, "state");
    if (!st.empty()) {
      f.state = job_state_from(st);
      if (!f.state) throw ApiError::BadRequest("state: unknown job state '" + st + "'");
    }
    f.model_id = query_str(r, "model");
    f.board_id = query_str(r, "board");
    f.branch = query_str(r, "branch");
    f.commit = query_str(r, "commit");
    f.repo = query_str(r, "repo");
    f.profile = query_str(r, "profile");
    f.limit = query_int(r, "limit", 50, 1, 500);
    f.offset = query_int(r, "offset", 0, 0, 1 << 30);
    return f;
  }

  Job job_or_404(const std::string& id_str) {
    auto j = store.get_job(parse_id(id_str, "job"));
    if (!j) throw ApiError::NotFound("no job " + id_str);
    return *j;
  }

  // --- agents ----------------------------------------------------------------
  static json assignment_json(const AgentAssignment& a) {
    const JobSpec& s = a.spec;
    const bool fw = !s.firmware_id.empty();
    return {{"job_id", a.job_id},
            {"board_id", a.board_id},
            {"profile_id", a.profile_id},
            {"attempt", a.attempt},
            {"timeout_ms", a.timeout_ms},
            {"model_id", fw ? json(nullptr) : json(s.model_id)},
            {"firmware_id", fw ? json(s.firmware_id) : json(nullptr)},
            {"artifact_url", fw ? "/api/v1/firmware/" + s.firmware_id + "/file"
                                : "/api/v1/models/" + s.model_id + "/file"},
            {"runs", s.runs},
            {"warmup", s.warmup},
            {"windows", s.windows},
            {"rounding", s.rounding},
            {"labels",
             {{"repo", s.labels.repo},
              {"branch", s.labels.branch},
              {"commit", s.labels.commit},
              {"ci_url", s.labels.ci_url}}}};
  }

  // --- metrics ---------------------------------------------------------------
  HttpResponse metrics() {
    const Counts c = store.counts();
    const ServiceMetrics m = service.metrics();
    std::ostringstream o;
    auto get = [](const std::map<std::string, int64_t>& m, const char* k) {
      auto it = m.find(k);
      return it == m.end() ? int64_t{0} : it->second;
    };
    o << "# HELP hilbench_queue_depth Jobs waiting for a board.\n"
         "# TYPE hilbench_queue_depth gauge\n"
      << "hilbench_queue_depth " << c.queued << "\n";
    o << "# HELP hilbench_boards Boards by state.\n# TYPE hilbench_boards gauge\n";
    for (BoardState s : {BoardState::kIdle, BoardState::kBusy, BoardState::kOffline})
      o << "hilbench_boards{state=\"" << to_string(s) << "\"} "
        << get(c.boards_by_state, to_string(s)) << "\n";
    o << "# HELP hilbench_boards_health Boards by health.\n# TYPE hilbench_boards_health gauge\n";
    for (BoardHealth h :
         {BoardHealth::kGood, BoardHealth::kBad, BoardHealth::kUnknown, BoardHealth::kMaintenance})
      o << "hilbench_boards_health{health=\"" << to_string(h) << "\"} "
        << get(c.boards_by_health, to_string(h)) << "\n";
    // Outcomes are the terminal states; counted from the store, so they
    // survive restarts (a gauge-like counter that never decreases).
    o << "# HELP hilbench_jobs_total Finished jobs by outcome.\n# TYPE hilbench_jobs_total "
         "counter\n";
    for (JobState s : {JobState::kDone, JobState::kFailed, JobState::kCancelled})
      o << "hilbench_jobs_total{outcome=\"" << to_string(s) << "\"} "
        << get(c.jobs_by_state, to_string(s)) << "\n";
    o << "# HELP hilbench_agents_online Agents seen within the heartbeat limit.\n"
         "# TYPE hilbench_agents_online gauge\n"
      << "hilbench_agents_online " << m.agents_online << "\n";
    o << "# HELP hilbench_job_duration_seconds Start-to-finish time of finished jobs since "
         "daemon start.\n# TYPE hilbench_job_duration_seconds histogram\n";
    for (size_t i = 0; i < m.duration_buckets_s.size(); ++i)
      o << "hilbench_job_duration_seconds_bucket{le=\"" << m.duration_buckets_s[i] << "\"} "
        << (i < m.duration_counts.size() ? m.duration_counts[i] : 0) << "\n";
    o << "hilbench_job_duration_seconds_bucket{le=\"+Inf\"} " << m.duration_count << "\n"
      << "hilbench_job_duration_seconds_sum " << m.duration_sum_s << "\n"
      << "hilbench_job_duration_seconds_count " << m.duration_count << "\n";
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = o.str();
    return r;
  }

  void add_routes() {
    add("GET", "/healthz", Access::kRead, [](HttpRequest&) {
      return HttpResponse::json(200, {{"status", "ok"}});
    });
    add("GET", "/metrics", Access::kRead, [this](HttpRequest&) { return metrics(); });

    add("POST", "/models", Access::kUser, [this](HttpRequest& r) { return post_model(r); });
    add("GET", "/models", Access::kRead, [this](HttpRequest& r) {
      json out = json::array();
      for (const auto& m : store.list_models(query_int(r, "limit", 50, 1, 500),
                                             query_int(r, "offset", 0, 0, 1 << 30)))
        out.push_back(to_json(m));
      return HttpResponse::json(200, {{"models", out}});
    });
    add("GET", "/models/{id}", Access::kRead, [this](HttpRequest& r) {
      auto m = store.get_model(r.params["id"]);
      if (!m) throw ApiError::NotFound("no model " + r.params["id"]);
      return HttpResponse::json(200, to_json(*m));
    });
    add("GET", "/models/{id}/file", Access::kRead, [this](HttpRequest& r) {
      if (!store.get_model(r.params["id"])) throw ApiError::NotFound("no model " + r.params["id"]);
      return artifact_file(r.params["id"], "model");
    });
    add("POST", "/firmware", Access::kUser, [this](HttpRequest& r) { return post_firmware(r); });
    add("GET", "/firmware/{id}/file", Access::kRead,
        [this](HttpRequest& r) { return artifact_file(r.params["id"], "firmware"); });

    add("POST", "/jobs", Access::kUser, [this](HttpRequest& r) {
      const JobSpec spec = parse_job_request(parse_body_object(r.body));
      const Job j = service.submit_job(spec);
      api_log()->info("[{}] job {} queued ({})", r.request_id, j.id, describe(spec.selector));
      return HttpResponse::json(201, to_json(j));
    });
    add("GET", "/jobs", Access::kRead, [this](HttpRequest& r) {
      json out = json::array();
      for (const auto& j : store.list_jobs(filter_from(r))) out.push_back(to_json(j));
      return HttpResponse::json(200, {{"jobs", out}});
    });
    add("GET", "/jobs/{id}", Access::kRead, [this](HttpRequest& r) {
      return HttpResponse::json(200, to_json(job_or_404(r.params["id"])));
    });
    add("POST", "/jobs/{id}/cancel", Access::kUser, [this](HttpRequest& r) {
      const Job j = service.cancel_job(parse_id(r.params["id"], "job"));
      api_log()->info("[{}] job {} cancelled", r.request_id, j.id);
      return HttpResponse::json(200, to_json(j));
    });
    add("GET", "/jobs/{id}/log", Access::kRead, [this](HttpRequest& r) {
      const Job j = job_or_404(r.params["id"]);
      return HttpResponse::json(200, {{"job_id", j.id}, {"lines", store.job_log(j.id)}});
    });

    add("GET", "/results/{job_id}", Access::kRead, [this](HttpRequest& r) {
      auto res = store.get_result(parse_id(r.params["job_id"], "result for job"));
      if (!res) throw ApiError::NotFound("no result for job " + r.params["job_id"]);
      return HttpResponse::json(200, to_json(*res));
    });
    add("GET", "/results", Access::kRead, [this](HttpRequest& r) {
      json out = json::array();
      for (const auto& x : store.query_results(filter_from(r))) out.push_back(to_json(x));
      return HttpResponse::json(200, {{"results", out}});
    });
    add("GET", "/compare", Access::kRead, [this](HttpRequest& r) {
      const std::string a = query_str(r, "a"), b = query_str(r, "b");
      if (a.empty() || b.empty()) throw ApiError::BadRequest("a, b: two job ids are required");
      auto ra = store.get_result(parse_id(a, "result for job"));
      if (!ra) throw ApiError::NotFound("no result for job " + a);
      auto rb = store.get_result(parse_id(b, "result for job"));
      if (!rb) throw ApiError::NotFound("no result for job " + b);
      std::map<std::string, double> ma, mb;
      ma["latency_median_us"] = ra->latency_median_us;
      mb["latency_median_us"] = rb->latency_median_us;
      numeric_leaves(ra->data, "", ma);
      numeric_leaves(rb->data, "", mb);
      json metrics = json::object();
      for (const auto& [k, va] : ma) {
        auto it = mb.find(k);
        if (it == mb.end()) continue;
        const double vb = it->second;
        metrics[k] = {{"a", va},
                      {"b", vb},
                      {"delta", vb - va},
                      {"ratio", va != 0 ? json(vb / va) : json(nullptr)}};
      }
      return HttpResponse::json(200,
                                {{"a", to_json(*ra)}, {"b", to_json(*rb)}, {"metrics", metrics}});
    });

    // --- CI gate: baselines and verdicts (routes_baselines.cc) ---
    add("GET", "/baselines", Access::kRead,
        [this](HttpRequest& r) { return gate_routes::list_baselines(store, r); });
    add("POST", "/baselines", Access::kUser,
        [this](HttpRequest& r) { return gate_routes::post_baselines(store, r, now_ms()); });
    add("GET", "/gates", Access::kRead,
        [this](HttpRequest& r) { return gate_routes::list_gates(store, r); });
    add("POST", "/gates", Access::kUser,
        [this](HttpRequest& r) { return gate_routes::post_gate(store, r, now_ms()); });

    add("GET", "/boards", Access::kRead, [this](HttpRequest&) {
      json out = json::array();
      for (const auto& b : store.list_boards()) out.push_back(to_json(b));
      return HttpResponse::json(200, {{"boards", out}});
    });
    add("GET", "/boards/{id}", Access::kRead, [this](HttpRequest& r) {
      auto b = store.get_board(r.params["id"]);
      if (!b) throw ApiError::NotFound("no board " + r.params["id"]);
      return HttpResponse::json(200, to_json(*b));
    });
    add("POST", "/boards/{id}/maintenance", Access::kAdmin, [this](HttpRequest& r) {
      return HttpResponse::json(200, to_json(service.set_maintenance(r.params["id"], true)));
    });
    add("POST", "/boards/{id}/restore", Access::kAdmin, [this](HttpRequest& r) {
      return HttpResponse::json(200, to_json(service.set_maintenance(r.params["id"], false)));
    });

    // --- agent protocol ---
    add("POST", "/agent/register", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      const std::string agent = require_str(body, "agent_id");
      if (!body.contains("boards") || !body["boards"].is_array())
        throw ApiError::BadRequest("boards: required array");
      std::vector<AgentBoard> boards;
      for (size_t i = 0; i < body["boards"].size(); ++i) {
        const json& b = body["boards"][i];
        const std::string at = "boards[" + std::to_string(i) + "]";
        if (!b.is_object() || !b.contains("profile_id") || !b["profile_id"].is_string() ||
            b["profile_id"].get<std::string>().empty())
          throw ApiError::BadRequest(at + ".profile_id: required string");
        AgentBoard ab;
        ab.profile_id = b["profile_id"];
        if (b.contains("probe_serial")) {
          if (!b["probe_serial"].is_string())
            throw ApiError::BadRequest(at + ".probe_serial: must be a string");
          ab.probe_serial = b["probe_serial"];
        }
        if (b.contains("tags")) {
          if (!b["tags"].is_object()) throw ApiError::BadRequest(at + ".tags: must be an object");
          for (auto it = b["tags"].begin(); it != b["tags"].end(); ++it) {
            if (!it.value().is_string())
              throw ApiError::BadRequest(at + ".tags." + it.key() + ": must be a string");
            ab.tags[it.key()] = it.value();
          }
        }
        boards.push_back(std::move(ab));
      }
      json out = json::array();
      for (const auto& b : service.register_agent(agent, boards)) out.push_back(to_json(b));
      return HttpResponse::json(200, {{"agent_id", agent}, {"boards", out}});
    });
    add("POST", "/agent/heartbeat", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      return HttpResponse::json(
          200, {{"cancelled_jobs", service.heartbeat(require_str(body, "agent_id"))}});
    });
    add("GET", "/agent/jobs", Access::kAgent, [this](HttpRequest& r) {
      const std::string agent = query_str(r, "agent_id");
      if (agent.empty()) throw ApiError::BadRequest("agent_id: required");
      const int32_t wait =
          query_int(r, "wait", 0, 0, static_cast<int32_t>(opts.max_poll_wait.count()));
      auto a = service.poll(agent, std::chrono::seconds(wait));
      if (!a) return HttpResponse::empty(204);
      api_log()->info("[{}] job {} -> board {} (agent {})", r.request_id, a->job_id, a->board_id,
                      agent);
      return HttpResponse::json(200, assignment_json(*a));
    });
    add("POST", "/agent/jobs/{id}/progress", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      const std::string st = require_str(body, "state");
      const auto state = job_state_from(st);
      if (!state || (*state != JobState::kFlashing && *state != JobState::kRunning))
        throw ApiError::BadRequest("state: must be \"flashing\" or \"running\"");
      const std::string msg = body.value("message", std::string());
      const int64_t id = parse_id(r.params["id"], "job");
      service.report_progress(require_str(body, "agent_id"), id, *state, msg);
      return HttpResponse::json(200, to_json(job_or_404(r.params["id"])));
    });
    add("POST", "/agent/jobs/{id}/log", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      if (!body.contains("lines") || !body["lines"].is_array())
        throw ApiError::BadRequest("lines: required array of strings");
      std::vector<std::string> lines;
      for (const auto& l : body["lines"]) {
        if (!l.is_string()) throw ApiError::BadRequest("lines: required array of strings");
        lines.push_back(l);
      }
      service.append_log(require_str(body, "agent_id"), parse_id(r.params["id"], "job"), lines);
      return HttpResponse::json(200, {{"appended", lines.size()}});
    });
    add("POST", "/agent/jobs/{id}/result", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      if (!body.contains("result") || !body["result"].is_object())
        throw ApiError::BadRequest("result: required object");
      const Job j = service.report_result(require_str(body, "agent_id"),
                                          parse_id(r.params["id"], "job"), body["result"]);
      return HttpResponse::json(200, to_json(j));
    });
    add("POST", "/agent/jobs/{id}/failure", Access::kAgent, [this](HttpRequest& r) {
      const json body = parse_body_object(r.body);
      const auto type = failure_type_from(require_str(body, "type"));
      if (!type || *type == FailureType::kNone)
        throw ApiError::BadRequest("type: must be infrastructure, job or timeout");
      const Job j =
          service.report_failure(require_str(body, "agent_id"), parse_id(r.params["id"], "job"),
                                 *type, body.value("message", std::string()));
      return HttpResponse::json(200, to_json(j));
    });
  }
};

Api::Api(Store& store, ArtifactStore& artifacts, JobService& service, ApiOptions opts)
    : impl_(std::make_unique<Impl>(store, artifacts, service, std::move(opts))) {}
Api::~Api() = default;
HttpResponse Api::handle(HttpRequest& req) { return impl_->handle(req); }

}  // namespace hbs::api

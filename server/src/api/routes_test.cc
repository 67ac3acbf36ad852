// End-to-end tests of API v1 over real HTTP: a Daemon (SqliteStore on a temp
// file, real scheduler thread) on 127.0.0.1 port 0, driven by a small Beast
// client. Every route's happy path, then the error paths, each followed by a
// check that nothing was stored half-way.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "daemon/daemon.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

const std::string kShared = HB_SHARED_DIR;
const std::string kKwsId = "aeea436800704fce17b17292e4412630ad856e9d777c044c64ef748a880bd0ae";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Resp {
  int status = 0;
  std::string body;
  std::string content_type;
  json j() const { return json::parse(body, nullptr, false); }
  std::string error_code() const {
    auto x = j();
    return x.is_object() && x.contains("error") ? x["error"].value("code", "") : "";
  }
  std::string error_message() const {
    auto x = j();
    return x.is_object() && x.contains("error") ? x["error"].value("message", "") : "";
  }
};

// One request on a fresh connection.
Resp call(uint16_t port, http::verb method, const std::string& target, const std::string& body = "",
          const std::string& token = "", const std::string& content_type = "application/json") {
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  s.expires_after(std::chrono::seconds(30));
  http::request<http::string_body> req(method, target, 11);
  req.set(http::field::host, "localhost");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> p;
  p.body_limit(64u << 20);
  http::read(s, buf, p);
  Resp r;
  r.status = static_cast<int>(p.get().result_int());
  r.body = p.get().body();
  r.content_type = std::string(p.get()[http::field::content_type]);
  beast::error_code ec;
  s.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

// Finds the table of a FlatBuffer field: returns the absolute offset of the
// field's value, or 0 when absent. (Enough of FlatBuffers to patch a model.)
uint32_t u32(const std::string& b, size_t at) {
  uint32_t v;
  memcpy(&v, b.data() + at, 4);
  return v;
}
size_t field_pos(const std::string& b, size_t table, int field) {
  const int32_t soff = static_cast<int32_t>(u32(b, table));
  const size_t vt = table - soff;
  uint16_t vt_size, off = 0;
  memcpy(&vt_size, b.data() + vt, 2);
  if (4 + 2 * field < vt_size) memcpy(&off, b.data() + vt + 4 + 2 * field, 2);
  return off ? table + off : 0;
}

// kws with its SOFTMAX operator code (25) turned into FLOOR (8), which the
// compiler does not support.
std::string kws_with_floor() {
  std::string b = read_file(kShared + "/models/kws_ref_model.tflite");
  const size_t model = u32(b, 0);
  const size_t codes_field = field_pos(b, model, 1);  // Model.operator_codes
  REQUIRE(codes_field);
  const size_t vec = codes_field + u32(b, codes_field);
  int patched = 0;
  for (uint32_t i = 0; i < u32(b, vec); ++i) {
    const size_t elem = vec + 4 + 4 * i;
    const size_t code = elem + u32(b, elem);
    const size_t dep = field_pos(b, code, 0);   // deprecated_builtin_code: int8
    const size_t full = field_pos(b, code, 3);  // builtin_code: int32
    const bool softmax = (dep && b[dep] == 25) || (full && u32(b, full) == 25);
    if (!softmax) continue;
    if (dep) b[dep] = 8;
    if (full) {
      const uint32_t floor = 8;
      memcpy(&b[full], &floor, 4);
    }
    ++patched;
  }
  REQUIRE(patched == 1);
  return b;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/hbs_api_test.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

size_t files_under(const std::string& dir) {
  size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

struct Env {
  TempDir dir;
  std::unique_ptr<hbs::daemon::Daemon> d;
  std::string admin, user, agent;
  uint16_t port = 0;

  explicit Env(std::function<void(hbs::daemon::DaemonConfig&)> tweak = {}) {
    hbs::daemon::DaemonConfig cfg;
    cfg.listen = "127.0.0.1:0";
    cfg.db = dir.path + "/hb.db";
    cfg.artifacts = dir.path + "/artifacts";
    cfg.log_level = "warn";
    cfg.service.tick = std::chrono::milliseconds(50);
    cfg.http.drain_timeout = std::chrono::milliseconds(3000);
    if (tweak) tweak(cfg);
    hbs::daemon::setup_logging(cfg.log_level);
    d = std::make_unique<hbs::daemon::Daemon>(cfg);
    admin = d->store().create_token("admin", "admin", 1);
    user = d->store().create_token("ci", "user", 1);
    agent = d->store().create_token("lab1", "agent", 1);
    d->start();
    port = d->port();
  }
  std::string artifacts() const { return dir.path + "/artifacts"; }

  Resp get(const std::string& t, const std::string& token = "") {
    return call(port, http::verb::get, "/api/v1" + t, "", token);
  }
  Resp post(const std::string& t, const std::string& body, const std::string& token,
            const std::string& ct = "application/json") {
    return call(port, http::verb::post, "/api/v1" + t, body, token, ct);
  }
  Resp post_json(const std::string& t, const json& j, const std::string& token) {
    return post(t, j.dump(), token);
  }
  void upload_kws() {
    const Resp r = post("/models", read_file(kShared + "/models/kws_ref_model.tflite"), user,
                        "application/octet-stream");
    REQUIRE(r.status / 100 == 2);
  }
  void register_agent(const std::string& id, const json& boards) {
    const Resp r = post_json("/agent/register", {{"agent_id", id}, {"boards", boards}}, agent);
    REQUIRE(r.status == 200);
  }
  size_t job_count() { return get("/jobs?limit=500").j()["jobs"].size(); }
};

json an386() {
  return json::array(
      {{{"profile_id", "mps2-an386"}, {"tags", {{"core", "cortex-m4"}, {"emulated", "true"}}}}});
}

}  // namespace

TEST_CASE("api: healthz, metrics, unknown routes") {
  Env e;
  Resp r = e.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.j() == json{{"status", "ok"}});
  r = e.get("/metrics");
  CHECK(r.status == 200);
  CHECK(r.content_type.find("text/plain") == 0);
  CHECK(r.body.find("hilbench_queue_depth 0") != std::string::npos);
  CHECK(r.body.find("hilbench_boards{state=\"idle\"}") != std::string::npos);
  CHECK(r.body.find("hilbench_boards_health{health=\"bad\"}") != std::string::npos);
  CHECK(r.body.find("hilbench_jobs_total{outcome=\"done\"}") != std::string::npos);
  CHECK(r.body.find("hilbench_job_duration_seconds_bucket{le=\"+Inf\"} 0") != std::string::npos);
  r = e.get("/nope");
  CHECK(r.status == 404);
  CHECK(r.error_code() == "not_found");
  r = call(e.port, http::verb::delete_, "/api/v1/jobs");
  CHECK(r.status == 405);
}

TEST_CASE("api: models: upload raw and multipart, list, get, download") {
  Env e;
  const std::string kws = read_file(kShared + "/models/kws_ref_model.tflite");
  Resp r = e.post("/models?name=kws.tflite", kws, e.user, "application/octet-stream");
  REQUIRE(r.status == 201);
  json m = r.j();
  CHECK(m["id"] == kKwsId);
  CHECK(m["name"] == "kws.tflite");
  CHECK(m["size"] == kws.size());
  CHECK(m["inspection"]["operators"].size() == 13);
  CHECK(m["inspection"]["operators"][0]["op"] == "CONV_2D");
  CHECK(m["inspection"]["macs"].get<uint64_t>() > 2500000);
  CHECK(m["inspection"]["arena_bytes"].get<uint64_t>() > 8000);
  CHECK(m["inspection"]["weight_bytes"].get<uint64_t>() > 20000);
  CHECK(m["inspection"]["unsupported_operators"].empty());
  // Same bytes again: idempotent, 200.
  r = e.post("/models", kws, e.user, "application/octet-stream");
  CHECK(r.status == 200);
  CHECK(r.j()["id"] == kKwsId);

  const std::string ad = read_file(kShared + "/models/ad01_int8.tflite");
  const std::string mp =
      "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"ad01.tflite\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
      ad + "\r\n--BOUND--\r\n";
  r = e.post("/models", mp, e.user, "multipart/form-data; boundary=BOUND");
  REQUIRE(r.status == 201);
  const std::string ad_id = r.j()["id"];
  CHECK(r.j()["name"] == "ad01.tflite");
  CHECK(r.j()["size"] == ad.size());

  r = e.get("/models");
  REQUIRE(r.status == 200);
  CHECK(r.j()["models"].size() == 2);
  r = e.get("/models/" + kKwsId);
  CHECK(r.status == 200);
  CHECK(r.j()["inspection"]["operators"].size() == 13);
  r = e.get("/models/" + ad_id + "/file");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/octet-stream");
  CHECK(r.body == ad);
  CHECK(e.get("/models/" + std::string(64, '0')).status == 404);
}

TEST_CASE("api: models: bad uploads are 422 and store nothing") {
  Env e;
  Resp r =
      e.post("/models", "this is not a tflite model at all", e.user, "application/octet-stream");
  CHECK(r.status == 422);
  CHECK(r.error_code() == "unprocessable");
  CHECK(r.error_message().find("malformed") != std::string::npos);

  r = e.post("/models", kws_with_floor(), e.user, "application/octet-stream");
  CHECK(r.status == 422);
  CHECK(r.error_message().find("FLOOR") != std::string::npos);
  CHECK(r.error_message().find("node 12") != std::string::npos);

  r = e.post("/models", "", e.user, "application/octet-stream");
  CHECK(r.status == 400);
  r = e.post("/models", "--B\r\nbroken", e.user, "multipart/form-data; boundary=B");
  CHECK(r.status == 400);
  r = e.post("/models", "{}", e.user, "application/json");
  CHECK(r.status == 415);

  CHECK(e.get("/models").j()["models"].empty());
  CHECK(files_under(e.artifacts()) == 0);
}

TEST_CASE("api: auth: missing, wrong and insufficient tokens") {
  Env e;
  const std::string kws = read_file(kShared + "/models/kws_ref_model.tflite");
  Resp r = e.post("/models", kws, "", "application/octet-stream");
  CHECK(r.status == 401);
  CHECK(r.error_code() == "unauthorized");
  r = e.post("/models", kws, "not-a-token", "application/octet-stream");
  CHECK(r.status == 401);
  CHECK(r.error_message() == "invalid token");
  r = e.post_json("/jobs", {{"model_id", kKwsId}}, "");
  CHECK(r.status == 401);
  // The agent role may not submit jobs; users may not act as agents.
  r = e.post_json("/jobs", {{"model_id", kKwsId}}, e.agent);
  CHECK(r.status == 403);
  r = e.post_json("/agent/register", {{"agent_id", "x"}, {"boards", an386()}}, e.user);
  CHECK(r.status == 403);
  CHECK(e.get("/models").j()["models"].empty());
  CHECK(files_under(e.artifacts()) == 0);
  CHECK(e.get("/boards").j()["boards"].empty());
}

TEST_CASE("api: reads need a token when auth_reads is set") {
  Env e([](hbs::daemon::DaemonConfig& c) { c.api.auth_reads = true; });
  CHECK(e.get("/jobs").status == 401);
  CHECK(e.get("/jobs", e.user).status == 200);
}

TEST_CASE("api: jobs: validation errors name the field; nothing is queued") {
  Env e;
  e.upload_kws();
  e.register_agent("lab1", an386());
  Resp r = e.post("/jobs", "{\"model_id\": ", e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message().find("JSON") != std::string::npos);
  r = e.post("/jobs", "[1,2]", e.user);
  CHECK(r.status == 400);
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"runs", 0}}, e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message().rfind("runs:", 0) == 0);
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"rounding", "triple"}}, e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message().rfind("rounding:", 0) == 0);
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"runz", 5}}, e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message() == "runz: unknown field");
  r = e.post_json("/jobs", {{"model_id", "abc"}}, e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message().rfind("model_id:", 0) == 0);
  r = e.post_json("/jobs", {{"runs", 5}}, e.user);
  CHECK(r.status == 400);
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"labels", {{"branch", 7}}}}, e.user);
  CHECK(r.status == 400);
  CHECK(r.error_message().rfind("labels.branch:", 0) == 0);
  // Unknown model: 422.
  r = e.post_json("/jobs", {{"model_id", std::string(64, 'a')}}, e.user);
  CHECK(r.status == 422);
  CHECK(r.error_message().find("unknown model_id") != std::string::npos);
  // A selector no registered board matches.
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"board", "core=cortex-m99"}}, e.user);
  CHECK(r.status == 422);
  CHECK(r.error_message().find("no board matches selector 'core=cortex-m99'") != std::string::npos);
  CHECK(r.error_message().find("mps2-an386") != std::string::npos);
  r = e.post_json("/jobs", {{"model_id", kKwsId}, {"board", {{"profile", "nrf52840dk"}}}}, e.user);
  CHECK(r.status == 422);
  CHECK(e.job_count() == 0);
}

TEST_CASE("api: a job end to end through the agent protocol; results; compare") {
  Env e;
  e.upload_kws();
  e.register_agent("lab1", an386());
  Resp r = e.get("/boards");
  REQUIRE(r.j()["boards"].size() == 1);
  CHECK(r.j()["boards"][0]["id"] == "lab1/mps2-an386");
  CHECK(r.j()["boards"][0]["tags"]["core"] == "cortex-m4");
  r = e.get("/boards/lab1%2Fmps2-an386");
  CHECK(r.status == 200);
  CHECK(r.j()["state"] == "idle");

  auto run_job = [&](const json& req, double median) {
    Resp s = e.post_json("/jobs", req, e.user);
    REQUIRE(s.status == 201);
    const int64_t id = s.j()["id"];
    Resp p = e.get("/agent/jobs?agent_id=lab1&wait=5", e.agent);
    REQUIRE(p.status == 200);
    json a = p.j();
    CHECK(a["job_id"] == id);
    CHECK(a["board_id"] == "lab1/mps2-an386");
    CHECK(a["profile_id"] == "mps2-an386");
    CHECK(a["artifact_url"] == "/api/v1/models/" + kKwsId + "/file");
    CHECK(a["attempt"] == 1);
    CHECK(e.get("/jobs/" + std::to_string(id)).j()["state"] == "assigned");
    const std::string base = "/agent/jobs/" + std::to_string(id);
    CHECK(e.post_json(base + "/progress", {{"agent_id", "lab1"}, {"state", "flashing"}}, e.agent)
              .status == 200);
    r = e.post_json(base + "/progress",
                    {{"agent_id", "lab1"}, {"state", "running"}, {"message", "window 1/1"}},
                    e.agent);
    CHECK(r.status == 200);
    CHECK(r.j()["state"] == "running");
    CHECK(e.post_json(base + "/log", {{"agent_id", "lab1"}, {"lines", {"hello", "world"}}}, e.agent)
              .status == 200);
    json result = {{"latency", {{"median_us", median}, {"p90_us", median * 1.1}}},
                   {"memory", {{"arena_bytes", 12336}}}};
    r = e.post_json(base + "/result", {{"agent_id", "lab1"}, {"result", result}}, e.agent);
    REQUIRE(r.status == 200);
    CHECK(r.j()["state"] == "done");
    return id;
  };
  const int64_t a = run_job({{"model_id", kKwsId},
                             {"board", "mps2-an386"},
                             {"runs", 20},
                             {"labels", {{"branch", "main"}, {"commit", "abc123"}}}},
                            1000);
  const int64_t b = run_job({{"model_id", kKwsId},
                             {"board", {{"tags", {{"core", "cortex-m4"}}}}},
                             {"labels", {{"branch", "dev"}, {"commit", "def456"}}}},
                            800);

  r = e.get("/jobs/" + std::to_string(a));
  CHECK(r.j()["runs"] == 20);
  CHECK(r.j()["board_id"] == "lab1/mps2-an386");
  CHECK(r.j()["attempts"] == 1);
  CHECK(r.j()["labels"]["commit"] == "abc123");
  r = e.get("/jobs/" + std::to_string(a) + "/log");
  REQUIRE(r.status == 200);
  const std::string log = r.j()["lines"].dump();
  CHECK(log.find("hello") != std::string::npos);
  CHECK(log.find("running: window 1/1") != std::string::npos);

  CHECK(e.get("/jobs?state=done").j()["jobs"].size() == 2);
  CHECK(e.get("/jobs?branch=dev").j()["jobs"].size() == 1);
  CHECK(e.get("/jobs?commit=abc123").j()["jobs"][0]["id"] == a);
  CHECK(e.get("/jobs?model=" + kKwsId + "&limit=1").j()["jobs"].size() == 1);
  CHECK(e.get("/jobs?state=bogus").status == 400);
  CHECK(e.get("/jobs?limit=0").status == 400);

  r = e.get("/results/" + std::to_string(a));
  REQUIRE(r.status == 200);
  CHECK(r.j()["latency_median_us"] == 1000.0);
  CHECK(r.j()["profile_id"] == "mps2-an386");
  CHECK(r.j()["data"]["memory"]["arena_bytes"] == 12336);
  CHECK(e.get("/results?branch=main").j()["results"].size() == 1);
  CHECK(e.get("/results?model=" + kKwsId).j()["results"].size() == 2);
  CHECK(e.get("/results/999").status == 404);

  r = e.get("/compare?a=" + std::to_string(a) + "&b=" + std::to_string(b));
  REQUIRE(r.status == 200);
  CHECK(r.j()["metrics"]["latency_median_us"]["delta"] == -200.0);
  CHECK(r.j()["metrics"]["latency.median_us"]["ratio"] == doctest::Approx(0.8));
  CHECK(r.j()["metrics"]["memory.arena_bytes"]["delta"] == 0.0);
  CHECK(e.get("/compare?a=" + std::to_string(a)).status == 400);
  CHECK(e.get("/compare?a=" + std::to_string(a) + "&b=999").status == 404);

  // Finished jobs cannot be cancelled; reporting on them is a conflict.
  CHECK(e.post("/jobs/" + std::to_string(a) + "/cancel", "", e.user).status == 409);
  CHECK(e.post_json("/agent/jobs/" + std::to_string(a) + "/result",
                    {{"agent_id", "lab1"}, {"result", json::object()}}, e.agent)
            .status == 409);

  r = e.get("/metrics");
  CHECK(r.body.find("hilbench_jobs_total{outcome=\"done\"} 2") != std::string::npos);
  CHECK(r.body.find("hilbench_job_duration_seconds_count 2") != std::string::npos);
  CHECK(r.body.find("hilbench_boards_health{health=\"good\"} 1") != std::string::npos);
}

TEST_CASE("api: cancel, failures, heartbeat, maintenance") {
  Env e;
  e.upload_kws();
  e.register_agent("lab1", an386());
  // Maintenance first, so the job stays queued.
  CHECK(e.post("/boards/lab1%2Fmps2-an386/maintenance", "", e.user).status == 403);
  Resp r = e.post("/boards/lab1%2Fmps2-an386/maintenance", "", e.admin);
  REQUIRE(r.status == 200);
  CHECK(r.j()["health"] == "maintenance");
  CHECK(e.post("/boards/nope/maintenance", "", e.admin).status == 404);

  r = e.post_json("/jobs", {{"model_id", kKwsId}}, e.user);
  REQUIRE(r.status == 201);
  const int64_t q = r.j()["id"];
  CHECK(e.get("/agent/jobs?agent_id=lab1&wait=0", e.agent).status == 204);
  r = e.post("/jobs/" + std::to_string(q) + "/cancel", "", e.user);
  CHECK(r.status == 200);
  CHECK(r.j()["state"] == "cancelled");
  CHECK(e.post("/jobs/424242/cancel", "", e.user).status == 404);

  r = e.post("/boards/lab1%2Fmps2-an386/restore", "", e.admin);
  CHECK(r.j()["health"] == "good");
  // In-flight cancel: the agent hears it from its heartbeat.
  const int64_t c = e.post_json("/jobs", {{"model_id", kKwsId}}, e.user).j()["id"];
  REQUIRE(e.get("/agent/jobs?agent_id=lab1&wait=5", e.agent).status == 200);
  CHECK(e.post("/jobs/" + std::to_string(c) + "/cancel", "", e.user).status == 200);
  r = e.post_json("/agent/heartbeat", {{"agent_id", "lab1"}}, e.agent);
  CHECK(r.j()["cancelled_jobs"] == json::array({c}));
  r = e.post_json("/agent/jobs/" + std::to_string(c) + "/progress",
                  {{"agent_id", "lab1"}, {"state", "running"}}, e.agent);
  CHECK(r.status == 409);
  CHECK(e.get("/boards/lab1%2Fmps2-an386").j()["state"] == "idle");

  // A job error: failed, not retried.
  const int64_t f = e.post_json("/jobs", {{"model_id", kKwsId}}, e.user).j()["id"];
  REQUIRE(e.get("/agent/jobs?agent_id=lab1&wait=5", e.agent).j()["job_id"] == f);
  r = e.post_json("/agent/jobs/" + std::to_string(f) + "/failure",
                  {{"agent_id", "lab1"}, {"type", "job"}, {"message", "arena too small"}}, e.agent);
  CHECK(r.status == 200);
  CHECK(r.j()["state"] == "failed");
  CHECK(r.j()["failure"] == "job");
  CHECK(r.j()["message"] == "arena too small");
  CHECK(e.post_json("/agent/jobs/1/failure", {{"agent_id", "lab1"}, {"type", "oops"}}, e.agent)
            .status == 400);
  CHECK(e.post_json("/agent/heartbeat", {{"agent_id", "ghost"}}, e.agent).status == 404);
  CHECK(e.post_json("/agent/register", {{"agent_id", "x"}}, e.agent).status == 400);
}

TEST_CASE("http: body limit (413), slow client (408), keep-alive, graceful stop") {
  Env e([](hbs::daemon::DaemonConfig& c) {
    c.http.body_limit = 64 * 1024;
    c.http.read_timeout = std::chrono::milliseconds(400);
  });
  Resp r = e.post("/models", std::string(100 * 1024, 'x'), e.user, "application/octet-stream");
  CHECK(r.status == 413);
  CHECK(r.error_code() == "payload_too_large");
  CHECK(files_under(e.artifacts()) == 0);

  {  // Chunked, no Content-Length: caught while reading.
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), e.port));
    std::string req = "POST /api/v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + e.user +
                      "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i) req += "1000\r\n" + std::string(4096, 'y') + "\r\n";
    req += "0\r\n\r\n";
    beast::error_code ec;
    net::write(s, net::buffer(req), ec);
    std::string got(4096, '\0');
    const size_t n = s.read_some(net::buffer(got), ec);
    CHECK(got.substr(0, n).find("HTTP/1.1 413") == 0);
  }

  {  // Slow client: half a request head, then silence.
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), e.port));
    net::write(s, net::buffer(std::string("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n")));
    const auto t0 = std::chrono::steady_clock::now();
    std::string got;
    beast::error_code ec;
    char buf[1024];
    for (;;) {
      const size_t n = s.read_some(net::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
    }
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited >= std::chrono::milliseconds(300));
    CHECK(waited < std::chrono::milliseconds(3000));
    CHECK(got.find("HTTP/1.1 408") == 0);
  }

  {  // Two requests on one connection.
    net::io_context ioc;
    beast::tcp_stream s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), e.port));
    for (int i = 0; i < 2; ++i) {
      http::request<http::empty_body> req(http::verb::get, "/api/v1/healthz", 11);
      req.set(http::field::host, "x");
      http::write(s, req);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(s, buf, res);
      CHECK(res.result_int() == 200);
      CHECK(res.keep_alive());
    }
  }

  // Graceful stop: a long poll in flight returns 204 at once, and stop is quick.
  e.register_agent("lab1", an386());
  auto poll = std::async(std::launch::async, [&] {
    return call(e.port, http::verb::get, "/api/v1/agent/jobs?agent_id=lab1&wait=20", "", e.agent);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = std::chrono::steady_clock::now();
  e.d->shutdown();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  CHECK(poll.get().status == 204);
  CHECK_THROWS(call(e.port, http::verb::get, "/api/v1/healthz"));
}

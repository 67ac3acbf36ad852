// Agent tests: the real Agent against a real in-process daemon (hbs_api's
// Daemon, SQLite on a temp file, port 0) with emulated boards under QEMU.
// Skipped, loudly, when QEMU or the harness firmware is missing.
#include <doctest/doctest.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/agent.h"
#include "agent/http_client.h"
#include "agent/job_runner.h"
#include "daemon/daemon.h"
#include "driver/device_profile.h"
#include "driver/host_tools.h"

namespace {

namespace fs = std::filesystem;
using hb::agent::Agent;
using hb::agent::AgentOptions;
using hb::agent::HttpClient;
using hb::agent::HttpError;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kShared = HB_SHARED_DIR;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

fs::path firmware_dir() {
  if (const char* e = std::getenv("HB_FW_BUILD_DIR"); e && *e) return e;
  return fs::path(HB_SOURCE_DIR) / "build/firmware";
}

bool in_path(const std::string& name) { return !hb::driver::find_in_path(name).empty(); }

// Why the board tests cannot run here, or "".
std::string missing_tools() {
  if (!in_path("qemu-system-arm")) return "qemu-system-arm not in PATH";
  const fs::path elf = firmware_dir() / "mps2-an386/harness.elf";
  if (!fs::exists(elf)) return "no harness firmware at " + elf.string() + " (set HB_FW_BUILD_DIR)";
  return "";
}

#define SKIP_WITHOUT_TOOLS()                                \
  do {                                                      \
    const std::string why = missing_tools();                \
    if (!why.empty()) {                                     \
      MESSAGE("SKIPPED (a real tool is missing): " << why); \
      return;                                               \
    }                                                       \
  } while (0)

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/hb_agent_test.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
};

// A daemon on 127.0.0.1 (port 0 the first time; restart() reuses the port,
// the database and the artifacts), tokens for a user and an agent.
struct Env {
  TempDir dir;
  std::unique_ptr<hbs::daemon::Daemon> d;
  std::string user, agent_token;
  uint16_t port = 0;

  Env() {
    start(0);
    user = d->store().create_token("ci", "user", 1);
    agent_token = d->store().create_token("lab", "agent", 1);
  }
  void start(uint16_t p) {
    hbs::daemon::DaemonConfig cfg;
    cfg.listen = "127.0.0.1:" + std::to_string(p);
    cfg.db = dir.path + "/hb.db";
    cfg.artifacts = dir.path + "/artifacts";
    cfg.log_level = "warn";
    cfg.service.tick = 50ms;
    cfg.http.drain_timeout = 3000ms;
    hbs::daemon::setup_logging(cfg.log_level);
    d = std::make_unique<hbs::daemon::Daemon>(cfg);
    d->start();
    port = d->port();
  }
  void stop() {
    d->shutdown();
    d.reset();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  HttpClient client() const {
    HttpClient c(url());
    c.set_bearer_token(user);
    return c;
  }
  std::string upload(const std::string& model_file) {
    const auto r = client().post("/api/v1/models", read_file(kShared + "/models/" + model_file),
                                 "application/octet-stream");
    return r.json()["id"];
  }
  int64_t submit(const json& req) { return client().post_json("/api/v1/jobs", req).json()["id"]; }
  json job(int64_t id) { return client().get("/api/v1/jobs/" + std::to_string(id)).json(); }
  // Polls the job until `pred` holds or the timeout passes; returns the last view.
  json wait_job(int64_t id, const std::function<bool(const json&)>& pred,
                std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    json j = job(id);
    while (!pred(j) && Clock::now() < end) {
      std::this_thread::sleep_for(50ms);
      j = job(id);
    }
    return j;
  }
  AgentOptions agent_options(std::vector<std::string> profiles) const {
    AgentOptions o;
    o.server = url();
    o.token = agent_token;
    o.agent_id = "lab1";
    for (auto& p : profiles) o.boards.push_back({p, "", "", {}});
    o.firmware_dir = firmware_dir();
    o.profiles_dir = fs::path(HB_SOURCE_DIR) / "device-profiles";
    o.heartbeat_interval = 200ms;
    o.poll_wait = std::chrono::seconds(1);
    o.backoff_initial = 100ms;
    o.backoff_max = 1000ms;
    return o;
  }
};

bool terminal(const json& j) {
  const std::string s = j.value("state", "");
  return s == "done" || s == "failed" || s == "cancelled";
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  while (!pred()) {
    if (Clock::now() >= end) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

TEST_CASE("agent: board config parsing names the bad field") {
  auto b = hb::agent::parse_board_config(json::parse(
      R"({"boards": [{"profile_id": "mps2-an386"},
                     {"profile_id": "nucleo-l4r5zi", "probe_serial": "0669FF",
                      "serial_port": "/dev/ttyACM0", "tags": {"lab": "desk"}}]})"));
  REQUIRE(b.size() == 2);
  CHECK(b[0].profile_id == "mps2-an386");
  CHECK(b[1].probe_serial == "0669FF");
  CHECK(b[1].serial_port == "/dev/ttyACM0");
  CHECK(b[1].tags.at("lab") == "desk");
  CHECK(hb::agent::parse_board_config(json::parse(R"([{"profile_id": "x"}])")).size() == 1);
  auto err = [](const char* text) {
    try {
      hb::agent::parse_board_config(json::parse(text));
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err(R"({"boards": [{"probe_serial": "1"}]})") == "boards[0].profile_id: required");
  CHECK(err(R"({"boards": [{"profile_id": "a", "port": "x"}]})") == "boards[0].port: unknown key");
  CHECK(err(R"({"boards": [{"profile_id": 3}]})") == "boards[0].profile_id: must be a string");
  CHECK(err(R"({"board": []})") == "board config: missing \"boards\" array");
}

TEST_CASE("http client: URLs, unreachable servers, API errors, cancel") {
  CHECK_THROWS_AS(HttpClient("https://x:1"), HttpError);
  CHECK_THROWS_AS(HttpClient("http://host:99999"), HttpError);
  HttpClient p("http://[::1]:8080/hb/");
  CHECK(p.host() == "::1");
  CHECK(p.port() == 8080);
  CHECK(p.base_url() == "http://[::1]:8080/hb");

  Env e;
  HttpClient c = e.client();
  CHECK(c.get("/api/v1/healthz").json()["status"] == "ok");
  try {
    c.get("/api/v1/jobs/424242");
    FAIL("no error");
  } catch (const HttpError& err) {
    CHECK(err.kind() == HttpError::Kind::kStatus);
    CHECK(err.status() == 404);
    CHECK_FALSE(err.unreachable());
    CHECK(std::string(err.what()).find("no job 424242") != std::string::npos);
  }
  CHECK(c.request("GET", "/api/v1/nope", "", "", {}).status == 404);  // request(): no throw

  // Cancel flag: a long poll gives up promptly.
  HttpClient::Call as_agent;
  as_agent.headers["Authorization"] = "Bearer " + e.agent_token;
  c.post_json("/api/v1/agent/register", {{"agent_id", "x"}, {"boards", json::array()}}, as_agent);
  std::atomic<bool> cancel{false};
  std::thread t([&] {
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto t0 = Clock::now();
  HttpClient::Call call;
  call.headers["Authorization"] = "Bearer " + e.agent_token;
  call.cancel = &cancel;
  try {
    c.get("/api/v1/agent/jobs?agent_id=x&wait=10", call);
    FAIL("no error");
  } catch (const HttpError& err) {
    CHECK(err.kind() == HttpError::Kind::kCancelled);
  }
  t.join();
  CHECK(Clock::now() - t0 < 2s);

  const uint16_t port = e.port;
  e.stop();
  HttpClient gone("http://127.0.0.1:" + std::to_string(port));
  try {
    gone.get("/api/v1/healthz");
    FAIL("no error");
  } catch (const HttpError& err) {
    CHECK(err.unreachable());
  }
}

TEST_CASE("agent: a kws job end to end on an emulated mps2-an386") {
  SKIP_WITHOUT_TOOLS();
  Env e;
  Agent agent(e.agent_options({"mps2-an386"}));
  agent.start();
  REQUIRE(wait_until([&] { return agent.registrations() >= 1; }, 5s));
  const json boards = e.client().get("/api/v1/boards").json()["boards"];
  REQUIRE(boards.size() == 1);
  CHECK(boards[0]["id"] == "lab1/mps2-an386");
  CHECK(boards[0]["tags"]["core"] == "cortex-m4");
  CHECK(boards[0]["tags"]["emulated"] == "true");

  const std::string kws = e.upload("kws_ref_model.tflite");
  const auto t0 = Clock::now();
  const int64_t id = e.submit(
      {{"model_id", kws}, {"board", "mps2-an386"}, {"runs", 3}, {"warmup", 1}, {"windows", 2}});
  const json j = e.wait_job(id, terminal, 120s);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  REQUIRE(j["state"] == "done");
  CHECK(j["attempts"] == 1);

  const json res = e.client().get("/api/v1/results/" + std::to_string(id)).json();
  const json& r = res["data"];
  CHECK(r["output_check"]["passed"] == true);
  CHECK(r["output_check"]["mismatched_bytes"] == 0);
  CHECK(r["latency"]["median_us"].get<double>() > 0);
  CHECK(r["latency"]["windows"].size() == 2);
  CHECK(r["latency"]["windows"][0]["runs"] == 3);
  CHECK(r["latency"]["instructions_per_inference"].get<double>() > 1e6);
  CHECK(r["latency"]["agree"] == true);
  // Emulated latency is the instruction count at the profile's 25 MHz, one
  // per cycle (as `hilbench board run`), not QEMU's 2^5 ns per instruction.
  const double ipi = r["latency"]["instructions_per_inference"];
  CHECK(r["latency"]["time_at_clock_us"].get<double>() == doctest::Approx(ipi / 25.0));
  CHECK(r["latency"]["mean_us"].get<double>() == doctest::Approx(ipi / 25.0).epsilon(0.005));
  CHECK(r["layers"].size() == 13);
  CHECK(r["memory"]["arena_bytes"].get<double>() > 8000);
  for (auto it = r["memory"].begin(); it != r["memory"].end(); ++it)
    CHECK_MESSAGE(it.value().is_number(), it.key());  // the schema: numbers only
  CHECK(r["board"]["profile_id"] == "mps2-an386");
  CHECK(r["model_sha256"].get<std::string>().size() == 64);
  CHECK(res["latency_median_us"].get<double>() == r["latency"]["median_us"].get<double>());

  const std::string log =
      e.client().get("/api/v1/jobs/" + std::to_string(id) + "/log").json()["lines"].dump();
  CHECK(log.find("flashing: booting mps2-an386") != std::string::npos);
  CHECK(log.find("running: window 2/2") != std::string::npos);
  CHECK(log.find("output check PASS") != std::string::npos);
  MESSAGE("kws 2x(3+1) on mps2-an386: job wall "
          << wall << " s (submit -> done), agent " << r["timing"]["agent_seconds"] << " s, board "
          << r["timing"]["board_seconds"] << " s, boot " << r["timing"]["boot_seconds"] << " s");
  const auto st = agent.status();
  CHECK(st[0].jobs_done == 1);
  CHECK(st[0].job_id == 0);
  agent.stop();
}

TEST_CASE("agent: a model that does not fit fails as a job error, never retried") {
  SKIP_WITHOUT_TOOLS();
  Env e;
  Agent agent(e.agent_options({"microbit"}));
  agent.start();
  REQUIRE(wait_until([&] { return agent.registrations() >= 1; }, 5s));
  const std::string kws = e.upload("kws_ref_model.tflite");
  const int64_t id = e.submit({{"model_id", kws}, {"board", "microbit"}});
  json j = e.wait_job(id, terminal, 30s);
  REQUIRE(j["state"] == "failed");
  CHECK(j["failure"] == "job");
  CHECK(j["attempts"] == 1);
  const std::string msg = j["message"];
  CHECK(msg.find("does not fit microbit") != std::string::npos);
  CHECK(msg.find("bytes short") != std::string::npos);
  std::this_thread::sleep_for(500ms);  // several scheduler ticks: still failed, not requeued
  j = e.job(id);
  CHECK(j["state"] == "failed");
  CHECK(j["attempts"] == 1);
  const json b = e.client().get("/api/v1/boards/lab1%2Fmicrobit").json();
  CHECK(b["health"] == "good");  // a job error is not the board's fault
  CHECK(agent.status()[0].jobs_failed == 1);
}

TEST_CASE("agent: cancelling a running job stops QEMU") {
  SKIP_WITHOUT_TOOLS();
  Env e;
  Agent agent(e.agent_options({"mps2-an386"}));
  agent.start();
  REQUIRE(wait_until([&] { return agent.registrations() >= 1; }, 5s));
  const std::string kws = e.upload("kws_ref_model.tflite");
  // Long enough to be cancelled mid-infer (~38 M instructions an inference).
  const int64_t id = e.submit({{"model_id", kws}, {"board", "mps2-an386"}, {"runs", 500}});
  int pid = -1;
  REQUIRE(wait_until(
      [&] {
        pid = agent.status()[0].qemu_pid;
        return pid > 0 && e.job(id)["state"] == "running";
      },
      30s));
  CHECK(::kill(pid, 0) == 0);  // the emulator is alive
  const auto t0 = Clock::now();
  e.client().post("/api/v1/jobs/" + std::to_string(id) + "/cancel", "", "");
  // Heard through the heartbeat (200 ms here); the emulator is killed and reaped.
  CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }, 5s));
  CHECK(wait_until([&] { return agent.status()[0].job_id == 0; }, 5s));
  MESSAGE("cancel -> QEMU gone in " << std::chrono::duration<double>(Clock::now() - t0).count()
                                    << " s");
  CHECK(e.job(id)["state"] == "cancelled");
  CHECK(agent.status()[0].jobs_abandoned == 1);
  CHECK(agent.status()[0].jobs_failed == 0);
  // The board is free for the next job.
  const std::string ad = e.upload("ad01_int8.tflite");
  const int64_t next = e.submit({{"model_id", ad}, {"runs", 1}, {"warmup", 0}});
  CHECK(e.wait_job(next, terminal, 60s)["state"] == "done");
}

TEST_CASE("agent: reconnects and registers again after the daemon restarts") {
  SKIP_WITHOUT_TOOLS();
  Env e;
  Agent agent(e.agent_options({"mps2-an386"}));
  agent.start();
  REQUIRE(wait_until([&] { return agent.registrations() >= 1; }, 5s));
  const std::string ad = e.upload("ad01_int8.tflite");
  const uint16_t port = e.port;
  e.stop();
  std::this_thread::sleep_for(1500ms);  // the agent backs off against a closed port
  e.start(port);
  REQUIRE(e.port == port);
  // The new daemon does not know the agent (404): it registers again.
  REQUIRE(wait_until([&] { return agent.registrations() >= 2; }, 10s));
  const int64_t id = e.submit({{"model_id", ad}, {"runs", 2}, {"warmup", 0}});
  const json j = e.wait_job(id, terminal, 60s);
  CHECK(j["state"] == "done");
  CHECK(e.client()
            .get("/api/v1/results/" + std::to_string(id))
            .json()["data"]["output_check"]["passed"] == true);
}

namespace {
struct NullHooks : hb::agent::JobHooks {
  void progress(const std::string&, const std::string&) override {}
  void log(const std::string&) override {}
  bool cancelled() override { return false; }
  void board_started(int) override {}
  void board_stopping() override {}
};
}  // namespace

TEST_CASE("job runner: a real board without a serial port, an empty firmware: clear failures") {
  hb::agent::BoardEnvironment env;
  env.board_id = "lab1/nucleo-l4r5zi/0669FF";
  env.profile = hb::driver::load_device_profile(fs::path(HB_SOURCE_DIR) /
                                                "device-profiles/nucleo-l4r5zi.json");
  REQUIRE_FALSE(env.profile.emulated);
  env.probe_serial = "0669FF";
  NullHooks hooks;
  hb::agent::JobRequest job;
  try {
    hb::agent::run_job(job, env, hooks);
    FAIL("no failure");
  } catch (const hb::agent::JobFailure& f) {
    CHECK(f.type() == hb::agent::FailureType::kInfrastructure);
    CHECK(std::string(f.what()).find("has no serial_port in the agent's board config") !=
          std::string::npos);
  }
  env.profile =
      hb::driver::load_device_profile(fs::path(HB_SOURCE_DIR) / "device-profiles/mps2-an386.json");
  job.is_firmware = true;
  try {
    hb::agent::run_job(job, env, hooks);
    FAIL("no failure");
  } catch (const hb::agent::JobFailure& f) {
    CHECK(f.type() == hb::agent::FailureType::kJob);
  }
  job.is_firmware = false;
  job.artifact = {1, 2, 3};  // not a .tflite
  try {
    hb::agent::run_job(job, env, hooks);
    FAIL("no failure");
  } catch (const hb::agent::JobFailure& f) {
    CHECK(f.type() == hb::agent::FailureType::kJob);
    CHECK(std::string(f.what()).find("does not compile") != std::string::npos);
  }
}

TEST_CASE("daemon config: local mode keys") {
  hbs::daemon::DaemonConfig c;
  CHECK(c.local_agent);
  CHECK(c.local_boards == std::vector<std::string>{"mps2-an386", "mps3-an547"});
  hbs::daemon::apply_config_json(
      json::parse(R"({"local_agent": false, "local_boards": ["lm3s6965evb"],
                      "local_firmware": "/fw", "local_profiles": "/p"})"),
      c);
  CHECK_FALSE(c.local_agent);
  CHECK(c.local_boards == std::vector<std::string>{"lm3s6965evb"});
  CHECK(c.local_firmware == "/fw");
  CHECK(c.local_profiles == "/p");
  CHECK_THROWS(hbs::daemon::apply_config_json(json::parse(R"({"local_boards": [1]})"), c));
  CHECK_THROWS(hbs::daemon::apply_config_json(json::parse(R"({"local_agent": "yes"})"), c));
}

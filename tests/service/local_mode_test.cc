// The service end to end in local mode: a real hilbenchd process (its
// in-process agent drives emulated QEMU boards) on loopback with a real
// SQLite file. Every shared model completes with outputs equal to the host
// runtime's and to TFLM's golden `lcg` output; the CLI (a real `hilbench`
// process) submits, waits, prints the result table and maps errors to exit
// codes; a running job is cancelled and its board comes back. Every API reply
// seen is validated against schemas/api with ajv (service_harness.h).
#include "service_harness.h"

#include <iostream>
#include <set>

using namespace hb_service_test;

namespace {

bool final_state(const json& j) {
  const std::string s = j.value("state", "");
  return s == "done" || s == "failed" || s == "cancelled";
}

// Wall time of a job from assignment to result, against the agent's board time.
struct Figure {
  std::string model;
  double wall_s, board_s, queue_s, agent_s, boot_s;
};

// Emulators (qemu-system-*) that are children of `pid`.
int emulator_children(pid_t pid) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(e.path() / "stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || stat.find("(qemu-system") == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    n += ppid == pid && state != "Z";
  }
  return n;
}

void write_figures(const std::vector<Figure>& figs) {
  std::ofstream f(bin_dir() / "service-test-state" / "figures.txt", std::ios::app);
  for (const auto& x : figs) {
    std::ostringstream line;
    line << x.model << ": job wall " << x.wall_s << " s (assigned->result), board " << x.board_s
         << " s, ratio " << (x.board_s > 0 ? x.wall_s / x.board_s : 0) << "; agent wall "
         << x.agent_s << " s, boot " << x.boot_s << " s, queued " << x.queue_s << " s";
    f << line.str() << "\n";
    MESSAGE(line.str());
  }
}

}  // namespace

TEST_CASE("service local mode: every shared model completes bit-exact; CLI; cancel") {
  Recorder::get().clear();
  const auto models = shared_models();
  REQUIRE_MESSAGE(models.size() >= 4, "shared models not found in " << shared_dir());
  REQUIRE_MESSAGE(fs::exists(firmware_dir() / "mps2-an386/harness.elf"),
                  "no firmware in " << firmware_dir() << " (build the hb_firmware target)");

  Daemon d(fresh_dir("local"), json{{"agent_timeout_s", 5}, {"requeue_delay_s", 1}});
  d.start();
  Api api(d.port(), d.token("t-user", "user"));
  INFO("daemon log tail:\n" << d.log_tail());

  CHECK(http(d.port(), "GET", "/api/v1/healthz").j == json{{"status", "ok"}});
  Recorder::get().add("health.schema.json", "GET /healthz",
                      http(d.port(), "GET", "/api/v1/healthz").j);

  // The local agent registers its boards shortly after start.
  json boards;
  for (int i = 0; i < 100; ++i) {
    boards = api.get("/boards", "board-list.schema.json");
    if (boards["boards"].size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(boards["boards"].size() >= 1);
  std::set<std::string> profiles;
  for (const auto& b : boards["boards"]) profiles.insert(b["profile_id"].get<std::string>());
  REQUIRE(profiles.count("mps2-an386") == 1);

  SUBCASE("every shared model: done, output check passed, TFLM's golden output") {
    std::vector<std::pair<SharedModel, int64_t>> jobs;
    for (const auto& m : models) {
      const std::string id = api.upload_model(m.file);
      const bool big = fs::file_size(m.file) > 150000;  // vww, resnet: ~100 M instructions
      jobs.emplace_back(m, api.submit({{"model_id", id},
                                       {"board", nullptr},
                                       {"runs", big ? 1 : 3},
                                       {"warmup", 0},
                                       {"labels", {{"branch", "main"}, {"commit", "abc123"}}}}));
    }
    std::vector<Figure> figs;
    for (const auto& [m, id] : jobs) {
      const json job = api.wait_final(id, std::chrono::seconds(180));
      CAPTURE(m.name);
      REQUIRE_MESSAGE(job["state"] == "done", job.dump());
      const json rec = api.get("/results/" + std::to_string(id), "result-record.schema.json");
      const json& data = rec["data"];
      CHECK(rec["job_id"] == id);
      CHECK(rec["branch"] == "main");
      CHECK(data["output_check"]["passed"] == true);
      CHECK(data["output_check"]["mismatched_bytes"] == 0);
      CHECK(rec["latency_median_us"].get<double>() > 0);
      CHECK(data["latency"]["median_us"].get<double>() > 0);
      CHECK(data["layers"].size() > 0);
      // The agent's input is the golden `lcg` input (seed 1), double rounding:
      // its output must be TFLM's, byte for byte.
      if (!m.golden_lcg_output.empty()) {
        std::string got = data["output_check"].value("data_hex", "");
        if (const size_t dots = got.find("..."); dots != std::string::npos) got.resize(dots);
        REQUIRE(!got.empty());
        CHECK(got == hex(m.golden_lcg_output, got.size() / 2));
      }
      const json timing = data.value("timing", json::object());
      if (timing.contains("board_seconds") && job["started_ms"].is_number()) {
        figs.push_back(
            {m.name,
             (job["finished_ms"].get<int64_t>() - job["started_ms"].get<int64_t>()) / 1000.0,
             timing["board_seconds"].get<double>(),
             (job["started_ms"].get<int64_t>() - job["created_ms"].get<int64_t>()) / 1000.0,
             timing.value("wall_seconds", 0.0), timing.value("boot_seconds", 0.0)});
      }
    }
    write_figures(figs);
    // The list and the log views of the same jobs.
    const json list = api.get("/jobs?state=done", "job-list.schema.json");
    CHECK(list["jobs"].size() == jobs.size());
    const json log =
        api.get("/jobs/" + std::to_string(jobs[0].second) + "/log", "job-log.schema.json");
    CHECK(log["lines"].size() > 0);
    api.get("/results?branch=main", "result-list.schema.json");
    api.get("/models", "model-list.schema.json");
    api.get("/compare?a=" + std::to_string(jobs[0].second) + "&b=" + std::to_string(jobs[0].second),
            "compare.schema.json");
  }

  SUBCASE("the CLI: submit --wait, result, jobs, boards, exit codes") {
    const std::string cli = (bin_dir() / "hilbench").string();
    const std::string kws = (shared_dir() / "models/kws_ref_model.tflite").string();
    const std::map<std::string, std::string> env = {{"HILBENCH_SERVER", d.url()},
                                                    {"HILBENCH_TOKEN", api.token()}};
    const fs::path err = d.dir() / "cli.err";

    auto [rc, out] =
        run_command({cli, "submit", kws, "--board", "mps2-an386", "--runs", "3", "--warmup", "1",
                     "--label", "repo=hilbench,branch=cli,commit=c0ffee", "--wait"},
                    env, err);
    INFO("stdout:\n" << out << "\nstderr:\n" << read_file(err));
    CHECK(rc == 0);
    CHECK(out.find("output    PASS") != std::string::npos);
    CHECK(out.find("latency   [emulated") != std::string::npos);
    CHECK(out.find("slowest layers") != std::string::npos);
    CHECK(out.find("energy") != std::string::npos);
    CHECK(read_file(err).find(" running") != std::string::npos);  // progress shown

    std::tie(rc, out) = run_command({cli, "jobs", "--state", "done", "--json"}, env, err);
    CHECK(rc == 0);
    const json jobs = json::parse(out, nullptr, false);
    REQUIRE(jobs.is_object());
    Recorder::get().add("job-list.schema.json", "hilbench jobs --json", jobs);
    REQUIRE(jobs["jobs"].size() >= 1);
    const int64_t id = jobs["jobs"][0]["id"];
    CHECK(jobs["jobs"][0]["labels"]["branch"] == "cli");

    std::tie(rc, out) = run_command({cli, "result", std::to_string(id), "--json"}, env, err);
    CHECK(rc == 0);
    const json rec = json::parse(out, nullptr, false);
    Recorder::get().add("result-record.schema.json", "hilbench result --json", rec);
    CHECK(rec["data"]["output_check"]["passed"] == true);
    std::tie(rc, out) = run_command({cli, "result", std::to_string(id)}, env, err);
    CHECK(rc == 0);
    CHECK(out.find("output    PASS") != std::string::npos);

    std::tie(rc, out) = run_command({cli, "boards"}, env, err);
    CHECK(rc == 0);
    CHECK(out.find("mps2-an386") != std::string::npos);

    // Refusals: the server's message reaches the user, with the right exit code.
    std::tie(rc, out) = run_command({cli, "submit", kws, "--board", "no-such-board"}, env, err);
    CHECK(rc == 3);
    CHECK(read_file(err).find("no board matches") != std::string::npos);
    std::tie(rc, out) = run_command({cli, "submit", kws, "--board", "mps2-an386"},
                                    {{"HILBENCH_SERVER", d.url()}}, err);
    CHECK(rc == 2);
    CHECK(read_file(err).find("HTTP 401") != std::string::npos);
    std::tie(rc, out) = run_command({cli, "cancel", std::to_string(id)}, env, err);
    CHECK(rc == 2);  // 409: already done
    CHECK(read_file(err).find("HTTP 409") != std::string::npos);
    std::tie(rc, out) = run_command({cli, "result", "999999"}, env, err);
    CHECK(rc == 2);  // 404
    std::tie(rc, out) = run_command(
        {cli, "boards", "--server", "http://127.0.0.1:" + std::to_string(free_port())}, {}, err);
    CHECK(rc == 4);
    CHECK(read_file(err).find("unreachable") != std::string::npos);
    std::tie(rc, out) = run_command({cli, "submit", "--runs", "x"}, env, err);
    CHECK(rc == 2);
  }

  SUBCASE("cancel a running job: cancelled, the board is freed and runs the next job") {
    const std::string ad01 = api.upload_model(shared_dir() / "models/ad01_int8.tflite");
    const int64_t id =
        api.submit({{"model_id", ad01}, {"board", "mps2-an386"}, {"runs", 100000}, {"warmup", 0}});
    const json running =
        api.wait_job(id, [](const json& j) { return j["state"] == "running" || final_state(j); });
    REQUIRE(running["state"] == "running");
    const std::string board = running["board_id"];
    const Reply c = api.call("POST", "/jobs/" + std::to_string(id) + "/cancel", "job.schema.json");
    REQUIRE(c.status == 200);
    CHECK(c.j["state"] == "cancelled");
    // The agent learns of it at its next heartbeat and kills the emulator.
    const auto t0 = Clock::now();
    json b;
    while (Clock::now() - t0 < std::chrono::seconds(20)) {
      b = http(d.port(), "GET",
               "/api/v1/boards/" + board.substr(0, board.find('/')) + "%2F" +
                   board.substr(board.find('/') + 1))
              .j;
      if (b.is_object() && b["state"] == "idle" && b["current_job"].is_null()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Recorder::get().add("board.schema.json", "GET /boards/" + board, b);
    CHECK(b["state"] == "idle");
    const double freed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    MESSAGE("board " << board << " idle " << freed_s << " s after the cancel");
    // ... and its emulator is gone (the agent hears of the cancel at its next
    // heartbeat, every 5 s by default).
    while (Clock::now() - t0 < std::chrono::seconds(20) && emulator_children(d.pid()) > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(emulator_children(d.pid()) == 0);
    MESSAGE("emulator of the cancelled job gone "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s after the cancel");
    CHECK(api.job(id)["state"] == "cancelled");
    CHECK(api.call("GET", "/results/" + std::to_string(id), "").status == 404);
    // The same board runs the next job to completion.
    const std::string kws = api.upload_model(shared_dir() / "models/kws_ref_model.tflite");
    const int64_t next = api.submit({{"model_id", kws}, {"board", "mps2-an386"}, {"runs", 2}});
    const json fin = api.wait_final(next);
    CHECK(fin["state"] == "done");
  }

  validate_recorded();
  const auto st = d.stop(SIGTERM);
  CHECK_MESSAGE(st.has_value(), "hilbenchd did not exit on SIGTERM");
  if (st) CHECK(WIFEXITED(*st));
  if (st && WIFEXITED(*st)) CHECK(WEXITSTATUS(*st) == 0);
}

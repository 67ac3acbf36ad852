// Remote agents and faults, with real processes: hilbenchd (local agent off)
// and two hilbench-agent processes, each with one emulated mps2-an386 board.
//   - the two agents share one queue: a burst of jobs runs on both boards;
//   - an agent killed mid-job (kill -9 of its process group, emulator too):
//     its board goes offline and the job completes on the other agent's board;
//   - hilbenchd killed with -9 while jobs are in flight and restarted on the
//     same database: every job completes, earlier results are intact.
#include "service_harness.h"

#include <set>

using namespace hb_service_test;

namespace {

struct Agent {
  std::string id;
  std::unique_ptr<Process> proc;
};

void start_agent(Agent& a, const Daemon& d, const std::string& token) {
  const fs::path cfg = d.dir() / (a.id + ".boards.json");
  std::ofstream(cfg) << json{{"boards", {{{"profile_id", "mps2-an386"}}}}}.dump();
  a.proc = std::make_unique<Process>();
  a.proc->start(
      {(bin_dir() / "hilbench-agent").string(), "run", "--server", d.url(), "--id", a.id,
       "--config", cfg.string(), "--firmware", firmware_dir().string(), "--profiles",
       (source_dir() / "device-profiles").string(), "--heartbeat-s", "1", "--log-level", "debug"},
      d.dir() / (a.id + ".log"), {{"HILBENCH_AGENT_TOKEN", token}});
}

// Waits until `n` boards are idle and healthy enough to take work.
void wait_boards(Api& api, size_t n) {
  const auto end = Clock::now() + std::chrono::seconds(30);
  json b;
  while (Clock::now() < end) {
    b = http(api.port(), "GET", "/api/v1/boards").j;
    size_t idle = 0;
    if (b.is_object()) {
      for (const auto& x : b["boards"]) idle += x["state"] == "idle";
    }
    if (idle >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("fewer than " << n << " idle boards: " << b.dump());
}

}  // namespace

TEST_CASE("service agents: shared queue, agent killed mid-job, daemon killed and restarted") {
  Recorder::get().clear();
  REQUIRE_MESSAGE(fs::exists(bin_dir() / "hilbench-agent"), "no hilbench-agent beside the test");
  Daemon d(fresh_dir("agents"),
           json{{"local_agent", false}, {"agent_timeout_s", 3}, {"requeue_delay_s", 1}});
  d.start();
  INFO("daemon log tail:\n" << d.log_tail());
  Api api(d.port(), d.token("t-user", "user"));
  const std::string agent_token = d.token("t-agent", "agent");
  Agent a{"agent-a", nullptr}, b{"agent-b", nullptr};
  start_agent(a, d, agent_token);
  start_agent(b, d, agent_token);
  wait_boards(api, 2);
  const json boards = api.get("/boards", "board-list.schema.json");
  REQUIRE(boards["boards"].size() == 2);

  const std::string kws = api.upload_model(shared_dir() / "models/kws_ref_model.tflite");
  const std::string ad01 = api.upload_model(shared_dir() / "models/ad01_int8.tflite");

  // 1. A burst of four jobs on one selector: both boards take work.
  std::vector<int64_t> burst;
  for (int i = 0; i < 4; ++i) {
    burst.push_back(api.submit({{"model_id", i % 2 ? ad01 : kws},
                                {"board", "mps2-an386"},
                                {"runs", 3},
                                {"warmup", 0},
                                {"labels", {{"branch", "burst"}}}}));
  }
  std::set<std::string> used;
  double per_inference_s = 0;
  std::map<int64_t, json> results;
  for (int64_t id : burst) {
    const json job = api.wait_final(id);
    REQUIRE_MESSAGE(job["state"] == "done", job.dump());
    used.insert(job["board_id"].get<std::string>());
    results[id] = api.get("/results/" + std::to_string(id), "result-record.schema.json");
    CHECK(results[id]["data"]["output_check"]["passed"] == true);
    const json t = results[id]["data"].value("timing", json::object());
    if (id == burst[0] && t.contains("board_seconds")) {
      per_inference_s = t["board_seconds"].get<double>() / 3;
    }
  }
  CHECK_MESSAGE(used.size() == 2, "jobs ran on one board only");
  // kws runs long enough to be caught mid-job: ~6 s of board time.
  const int long_runs =
      std::clamp(per_inference_s > 0 ? static_cast<int>(6.0 / per_inference_s) : 200, 20, 5000);
  MESSAGE("kws board time ~" << per_inference_s << " s per inference (incl. boot share); "
                             << long_runs << " runs for the fault jobs");

  // 2. Kill the agent running a job: the job completes on the other board.
  {
    const int64_t id = api.submit(
        {{"model_id", kws}, {"board", "mps2-an386"}, {"runs", long_runs}, {"warmup", 0}});
    const json running = api.wait_job(id, [](const json& j) { return j["state"] == "running"; });
    const std::string victim_board = running["board_id"];
    Agent& victim = victim_board.rfind(a.id + "/", 0) == 0 ? a : b;
    const auto t0 = Clock::now();
    victim.proc->kill_group(SIGKILL);
    const json fin = api.wait_final(id, std::chrono::seconds(120));
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    MESSAGE("agent " << victim.id << " killed mid-job; job " << id << " " << fin["state"] << " on "
                     << fin["board_id"] << " " << s << " s later (attempts " << fin["attempts"]
                     << ")");
    CHECK(fin["state"] == "done");
    CHECK(fin["board_id"] != victim_board);
    CHECK(fin["attempts"].get<int>() >= 2);
    CHECK(api.get("/results/" + std::to_string(id),
                  "result-record.schema.json")["data"]["output_check"]["passed"] == true);
    const json vb = api.get("/boards", "board-list.schema.json");
    for (const auto& x : vb["boards"]) {
      if (x["id"] == victim_board) CHECK(x["state"] == "offline");
    }
    // The killed agent restarts under the same id: the daemon still holds
    // its dead long poll, which must not be handed the next job (part 3).
    start_agent(victim, d, agent_token);
    wait_boards(api, 2);
  }

  // 3. kill -9 the daemon with jobs in flight; restart on the same database.
  {
    std::vector<int64_t> jobs;
    for (int i = 0; i < 3; ++i) {
      jobs.push_back(api.submit(
          {{"model_id", kws}, {"board", "mps2-an386"}, {"runs", long_runs / 3}, {"warmup", 0}}));
    }
    api.wait_job(jobs[0], [](const json& j) { return j["state"] == "running"; });
    const auto st = d.stop(SIGKILL);
    REQUIRE(st.has_value());
    CHECK(WIFSIGNALED(*st));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    d.start();
    const auto t0 = Clock::now();
    for (int64_t id : jobs) {
      const json fin = api.wait_final(id, std::chrono::seconds(180));
      CHECK_MESSAGE(fin["state"] == "done", fin.dump());
      if (fin["state"] == "done") {
        CHECK(api.get("/results/" + std::to_string(id),
                      "result-record.schema.json")["data"]["output_check"]["passed"] == true);
      }
    }
    MESSAGE("after the restart, the 3 in-flight/queued jobs finished in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s");
    // Results from before the crash: unchanged.
    for (const auto& [id, rec] : results) {
      CHECK(api.get("/results/" + std::to_string(id), "result-record.schema.json") == rec);
      CHECK(api.job(id)["state"] == "done");
    }
    CHECK(api.get("/jobs?limit=500", "job-list.schema.json")["jobs"].size() == 4 + 1 + 3);
  }

  validate_recorded();
  CHECK(d.stop(SIGTERM).has_value());
  a.proc->stop(SIGTERM);
  b.proc->stop(SIGTERM);
}

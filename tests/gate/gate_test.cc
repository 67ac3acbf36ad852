// The CI gate end to end: a real hilbenchd (local mode, emulated boards), the
// real `hilbench gate` / `hilbench baseline` processes, and the example CI
// step (examples/ci/hilbench-gate.sh, which the GitHub Actions and GitLab CI
// examples run) in a scratch "repository" with a .hilbench.yml.
//
//   main, tiny_base.tflite    -> pass, recorded as the baseline (--accept)
//   PR, the same model        -> pass (exit 0), instructions delta 0
//   PR, tiny_slow.tflite      -> regression (exit 1): one extra CONV_2D layer
//   baseline set on that job  -> the slower model passes afterwards
//   an unreachable server     -> error (exit 2), never a regression
//
// The two models (tests/gate/data, gen_gate_models.mjs) share input and
// output and one baseline key ("tiny"). Every API reply the test reads is
// validated against schemas/api with ajv (tests/service/service_harness.h).
#include "../service/service_harness.h"

using namespace hb_service_test;

namespace {

fs::path data_dir() { return source_dir() / "tests/gate/data"; }

struct Run {
  int rc;
  std::string out, err;
};

// Runs `argv` in `cwd` with `env` (on top of a clean CI-free environment for
// the variables the gate reads), capturing stdout and stderr.
Run run_in(const fs::path& cwd, const std::vector<std::string>& argv,
           std::map<std::string, std::string> env) {
  // The gate reads CI variables; the test's own CI must not leak into it.
  for (const char* v :
       {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "GITHUB_SHA", "GITHUB_BASE_REF",
        "GITHUB_STEP_SUMMARY", "CI_COMMIT_REF_NAME", "CI_COMMIT_SHA",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA", "HILBENCH_MERGE_BASE"})
    if (!env.count(v)) env[v] = "";
  std::string cmd = "cd '" + cwd.string() + "' && exec";
  for (const auto& a : argv) cmd += " '" + a + "'";
  const fs::path err = cwd / "stderr.txt";
  auto [rc, out] = run_command({"/bin/sh", "-c", cmd}, env, err);
  return {rc, out, read_file(err)};
}

json read_json(const fs::path& p) {
  json j = json::parse(read_file(p), nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), p << " is not JSON: " << read_file(p));
  return j;
}

const json* metric(const json& gate_json, const std::string& name) {
  for (const auto& m : gate_json["gates"][0]["metrics"])
    if (m["metric"] == name) return &m;
  return nullptr;
}

}  // namespace

TEST_CASE("gate: pass on an unchanged model, fail on a slower one, 2 when unreachable") {
  Recorder::get().clear();
  REQUIRE_MESSAGE(fs::exists(firmware_dir() / "mps2-an386/harness.elf"),
                  "no firmware in " << firmware_dir() << " (build the hb_firmware target)");
  REQUIRE(fs::exists(data_dir() / "tiny_base.tflite"));
  REQUIRE(fs::exists(data_dir() / "tiny_slow.tflite"));
  const auto t0 = Clock::now();

  Daemon d(fresh_dir("gate"), json{{"agent_timeout_s", 5}, {"requeue_delay_s", 1}});
  d.start();
  const std::string token = d.token("ci", "user");
  Api api(d.port(), token);
  INFO("daemon log tail:\n" << d.log_tail());
  for (int i = 0; i < 100; ++i) {
    if (!api.get("/boards", "board-list.schema.json")["boards"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // A scratch repository: the settings file and the model under test.
  const fs::path repo = d.dir() / "repo";
  fs::create_directories(repo / "models");
  fs::copy_file(data_dir() / "tiny_base.tflite", repo / "models/tiny.tflite");
  std::ofstream(repo / ".hilbench.yml") << "# the gate suite's settings\n"
                                           "board: mps2-an386\n"
                                           "base_branch: main\n"
                                           "runs: 1\n"
                                           "windows: 1\n"
                                           "warmup: 0\n"
                                           "models:\n"
                                           "  - name: tiny\n"
                                           "    path: models/tiny.tflite\n"
                                           "thresholds:\n"
                                           "  instructions: {relative: 0.02}\n";
  const std::string hilbench = (bin_dir() / "hilbench").string();
  const std::string script = (source_dir() / "examples/ci/hilbench-gate.sh").string();
  std::map<std::string, std::string> ci = {
      {"HILBENCH", hilbench}, {"HILBENCH_SERVER", d.url()}, {"HILBENCH_TOKEN", token}};

  // Both CI examples run the script this test runs.
  for (const char* f : {"github-actions.yml", "gitlab-ci.yml"}) {
    CAPTURE(f);
    CHECK(read_file(source_dir() / "examples/ci" / f).find("examples/ci/hilbench-gate.sh") !=
          std::string::npos);
  }

  // 1. main (a push): no baseline yet; passes and becomes the baseline.
  auto env = ci;
  env["GITHUB_REF_NAME"] = "main";
  env["GITHUB_SHA"] = "c0ffee01";
  env["HILBENCH_ACCEPT"] = "1";
  Run r = run_in(repo, {script}, env);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.rc == 0);
  json g = read_json(repo / "hilbench-gate/gate.json");
  CHECK(g["verdict"] == "pass");
  CHECK(g["gates"][0]["accepted"] == true);
  CHECK(g["gates"][0]["model_key"] == "tiny");
  CHECK(metric(g, "instructions")->at("verdict") == "no_baseline");
  const int64_t base_job = g["gates"][0]["job_id"].get<int64_t>();
  CHECK(fs::exists(repo / "hilbench-gate/junit.xml"));
  CHECK(read_file(repo / "hilbench-gate/summary.md").find("no baseline") != std::string::npos);

  json bl =
      api.get("/baselines?model=tiny&profile=mps2-an386&active=1", "baseline-list.schema.json");
  CHECK(bl["baselines"].size() >= 5);  // latency, instructions, arena, ram, flash (+ energy)
  double base_instr = 0;
  for (const auto& b : bl["baselines"]) {
    CHECK(b["job_id"] == base_job);
    CHECK(b["commit"] == "c0ffee01");
    CHECK(b["board_id"].is_null());
    if (b["metric"] == "instructions") base_instr = b["value"].get<double>();
  }
  REQUIRE(base_instr > 0);
  // The sha256 finds the same rows.
  const std::string base_sha = g["gates"][0]["model_id"];
  CHECK(api.get("/baselines?model=" + base_sha, "baseline-list.schema.json")["baselines"].size() ==
        bl["baselines"].size());

  // 2. A pull request that leaves the model alone: pass, delta 0 (emulated
  // boards are deterministic), through the CLI directly.
  r = run_in(repo,
             {hilbench, "gate", "models/tiny.tflite", "--branch", "feature", "--commit", "f1",
              "--base-branch", "main", "--merge-base", "c0ffee01", "--json", "same.json"},
             ci);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.rc == 0);
  g = read_json(repo / "same.json");
  REQUIRE(metric(g, "instructions") != nullptr);
  CHECK(metric(g, "instructions")->at("delta") == 0.0);
  CHECK(metric(g, "instructions")->at("verdict") == "pass");
  CHECK(g["gates"][0]["baseline_job_id"] == base_job);
  CHECK(g["gates"][0]["accepted"] == false);
  CHECK(r.out.find(":white_check_mark: pass") != std::string::npos);

  // 3. A pull request that adds a layer: a regression, exit 1.
  fs::copy_file(data_dir() / "tiny_slow.tflite", repo / "models/tiny.tflite",
                fs::copy_options::overwrite_existing);
  env = ci;
  env["GITHUB_HEAD_REF"] = "feature-slow";
  env["GITHUB_BASE_REF"] = "main";
  env["GITHUB_SHA"] = "51017";
  r = run_in(repo, {script}, env);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.rc == 1);
  g = read_json(repo / "hilbench-gate/gate.json");
  CHECK(g["verdict"] == "regression");
  CHECK(g["exit_code"] == 1);
  const json* ins = metric(g, "instructions");
  REQUIRE(ins != nullptr);
  CHECK(ins->at("verdict") == "regression");
  const double slow_instr = ins->at("candidate").get<double>();
  CHECK(slow_instr > base_instr * 1.5);  // one 3x3 8->8 convolution more
  const int64_t slow_job = g["gates"][0]["job_id"].get<int64_t>();
  const std::string junit = read_file(repo / "hilbench-gate/junit.xml");
  CHECK(junit.find("<failure type=\"regression\" message=\"instructions regressed") !=
        std::string::npos);
  const std::string md = read_file(repo / "hilbench-gate/summary.md");
  CHECK(md.find("### hilbench gate: :x: regression") != std::string::npos);
  CHECK(md.find("| `tiny` | mps2-an386 (emulated) | instructions |") != std::string::npos);
  MESSAGE("tiny: " << base_instr << " -> " << slow_instr << " instructions per inference ("
                   << (100.0 * (slow_instr - base_instr) / base_instr) << " %)");
  {
    std::ofstream f(bin_dir() / "service-test-state" / "figures.txt", std::ios::app);
    f << "gate tiny_base -> tiny_slow on mps2-an386: " << base_instr << " -> " << slow_instr
      << " instructions per inference\n";
  }

  // The verdicts are recorded; the profile filter on results and jobs.
  json gates = api.get("/gates?model=tiny&profile=mps2-an386", "gate-list.schema.json");
  REQUIRE(gates["gates"].size() == 3);
  CHECK(gates["gates"][0]["verdict"] == "regression");
  CHECK(gates["gates"][0]["job_id"] == slow_job);
  CHECK(gates["gates"][0]["branch"] == "feature-slow");
  CHECK(gates["gates"][0]["baseline_job_id"] == base_job);
  CHECK(gates["gates"][2]["verdict"] == "pass");
  CHECK(api.get("/results?profile=mps2-an386", "result-list.schema.json")["results"].size() == 3);
  CHECK(api.get("/results?profile=mps3-an547", "result-list.schema.json")["results"].empty());
  CHECK(api.get("/jobs?profile=mps2-an386", "job-list.schema.json")["jobs"].size() == 3);

  // 4. The slowdown is accepted on purpose: `baseline set`; the gate passes.
  r = run_in(repo,
             {hilbench, "baseline", "set", std::to_string(slow_job), "--name", "tiny", "--reason",
              "extra layer on purpose"},
             ci);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.rc == 0);
  r = run_in(repo, {hilbench, "baseline", "show", "--model", "tiny", "--board", "mps2-an386"}, ci);
  CHECK(r.rc == 0);
  CHECK(r.out.find("extra layer on purpose") != std::string::npos);
  bl = api.get("/baselines?model=tiny&profile=mps2-an386", "baseline-list.schema.json");
  int active = 0, inactive = 0;
  for (const auto& b : bl["baselines"]) (b["active"] == true ? active : inactive)++;
  CHECK(active == inactive);  // every first row superseded by one of the slow job
  r = run_in(repo,
             {hilbench, "gate", "--config", ".hilbench.yml", "--branch", "feature-slow",
              "--merge-base", "c0ffee01"},
             ci);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.rc == 0);  // the person's row cuts off the older merge-base row

  // 5. The service is unreachable: 2, reported as an error in every format.
  const uint16_t dead = free_port();
  r = run_in(repo,
             {hilbench, "gate", "models/tiny.tflite", "--name", "tiny", "--board", "mps2-an386",
              "--server", "http://127.0.0.1:" + std::to_string(dead), "--junit", "dead.xml",
              "--json", "dead.json"},
             ci);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.rc == 2);
  CHECK(read_json(repo / "dead.json")["verdict"] == "error");
  CHECK(read_file(repo / "dead.xml").find("<error") != std::string::npos);
  CHECK(read_file(repo / "dead.xml").find("<failure") == std::string::npos);
  CHECK(run_in(repo, {hilbench, "gate", "--board"}, ci).rc == 2);  // usage

  // The API refuses what it cannot store, with the API's error JSON.
  CHECK(api.call("POST", "/baselines", "", json{{"job_id", 99999}}.dump(), "application/json")
            .status == 404);
  CHECK(api.call("POST", "/baselines", "",
                 json{{"job_id", base_job}, {"metrics", {"speed"}}}.dump(), "application/json")
            .status == 400);
  CHECK(
      api.call("POST", "/gates", "",
               json{{"job_id", base_job}, {"verdict", "maybe"}, {"metrics", json::array()}}.dump(),
               "application/json")
          .status == 400);
  CHECK(api.call("POST", "/baselines", "", json{{"job_id", base_job}}.dump(), "application/json",
                 std::string(""))
            .status == 401);
  // The recorded verdict as the dashboard reads it after a POST.
  Reply posted = api.call("POST", "/gates", "gate.schema.json",
                          json{{"job_id", base_job},
                               {"model_key", "tiny"},
                               {"verdict", "pass"},
                               {"metrics",
                                {{{"metric", "flash_bytes"},
                                  {"baseline", nullptr},
                                  {"candidate", 1.0},
                                  {"delta", nullptr},
                                  {"threshold", nullptr},
                                  {"verdict", "no_baseline"}}}}}
                              .dump(),
                          "application/json");
  CHECK(posted.status == 201);
  CHECK(posted.j["baseline_job_id"].is_null());

  validate_recorded();
  MESSAGE("gate suite: " << std::chrono::duration<double>(Clock::now() - t0).count() << " s");
}

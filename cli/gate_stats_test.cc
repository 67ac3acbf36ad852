// Tests for the CI gate's pure functions: statistics (against values from
// scipy.stats.mannwhitneyu 1.x, which we did not write), verdicts, baseline
// selection, the second-unit choice, the settings file parser and the report
// formats. The CLI sources are linked only into the hilbench executable, so
// the implementations are compiled in here.
#include "gate_stats.cc"   // NOLINT(bugprone-suspicious-include)
#include "gate_config.cc"  // NOLINT(bugprone-suspicious-include)
#include "gate_report.cc"  // NOLINT(bugprone-suspicious-include)

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace hb_cli::gate;
using nlohmann::json;

TEST_CASE("gate: Mann-Whitney U against scipy.stats.mannwhitneyu(candidate, baseline, 'greater')") {
  struct Case {
    std::vector<double> base, cand;
    double u, p;
    bool exact;
  };
  std::vector<double> a30, b30;
  for (int i = 1; i <= 30; ++i) {
    a30.push_back(i);
    b30.push_back(i + 3.5);
  }
  const std::vector<Case> cases = {
      {{1, 2, 3}, {4, 5, 6}, 9, 0.05, true},
      {{1, 2, 3, 4}, {5, 6, 7, 8}, 16, 0.014285714285714285, true},
      {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 25, 0.003968253968253968, true},
      {{10.1, 10.3, 9.9, 10.0, 10.2},
       {10.25, 10.4, 10.05, 10.5, 10.6},
       21,
       0.047619047619047616,
       true},
      {{1, 3, 5, 7}, {2, 4, 6, 8}, 10, 0.34285714285714286, true},
      {{4, 5, 6}, {1, 2, 3}, 0, 1.0, true},
      // Ties: the normal approximation with tie and continuity corrections.
      {{5, 5, 6, 6, 7, 7}, {6, 7, 7, 8, 8, 9}, 31, 0.019696635114928803, false},
      // Larger than the exact limit.
      {a30, b30, 549, 0.07265956362043272, false},
  };
  for (const auto& c : cases) {
    const MannWhitney r = mann_whitney_greater(c.base, c.cand);
    CAPTURE(c.u);
    CHECK(r.u == doctest::Approx(c.u));
    CHECK(r.p_greater == doctest::Approx(c.p).epsilon(1e-9));
    CHECK(r.exact == c.exact);
  }
  CHECK(mann_whitney_greater({}, {1, 2}).p_greater == 1);
  CHECK(mann_whitney_greater({3, 3}, {3, 3}).p_greater == 1);  // all equal: no evidence
}

TEST_CASE("gate: the exact null distribution sums to C(n1+n2, n1) and is symmetric") {
  const auto f = u_counts(6, 4);
  double total = 0;
  for (double x : f) total += x;
  CHECK(total == 210);  // C(10, 4)
  for (size_t k = 0; k < f.size(); ++k) CHECK(f[k] == f[f.size() - 1 - k]);
}

TEST_CASE("gate: the test does not depend on the order of the samples") {
  std::vector<double> a = {10.1, 10.3, 9.9, 10.0, 10.2, 10.15}, b = {10.25, 10.4, 10.05, 10.5};
  const MannWhitney ref = mann_whitney_greater(a, b);
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(a.begin(), a.end(), rng);
    std::shuffle(b.begin(), b.end(), rng);
    const MannWhitney r = mann_whitney_greater(a, b);
    CHECK(r.u == ref.u);
    CHECK(r.p_greater == ref.p_greater);
  }
}

TEST_CASE("gate: thresholds and deterministic verdicts") {
  CHECK(Threshold{0.05, 0}.allowed(1000) == doctest::Approx(50));
  CHECK(Threshold{0.05, 80}.allowed(1000) == doctest::Approx(80));
  CHECK(default_threshold("instructions").relative == doctest::Approx(0.02));
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 2, 3}) == 2.5);

  MetricInput in;
  in.metric = "instructions";
  in.baseline = 1000;
  in.candidate = 1020;
  in.threshold = {0.02, 0};
  CHECK(judge(in, {}).verdict == "pass");  // exactly at the threshold passes
  in.candidate = 1021;
  MetricVerdict v = judge(in, {});
  CHECK(v.verdict == "regression");
  CHECK(*v.delta == 21);
  CHECK(*v.threshold == doctest::Approx(20));
  in.candidate = 500;  // faster: passes
  CHECK(judge(in, {}).verdict == "pass");
  in.baseline.reset();
  CHECK(judge(in, {}).verdict == "no_baseline");
  CHECK(overall({judge(in, {})}) == "pass");
}

TEST_CASE("gate: noisy boards need a significant test and an effect above the threshold") {
  MetricInput in;
  in.metric = "latency_us";
  in.deterministic = false;
  in.threshold = {0.02, 0};
  in.baseline = 1000;
  in.baseline_samples = {1000, 1003, 998, 1001, 999};
  NoiseOptions noise;  // alpha 0.05, min 3 windows

  SUBCASE("a real slowdown: significant and large") {
    in.candidate_samples = {1100, 1104, 1098, 1102, 1099};
    in.candidate = 1100;
    const MetricVerdict v = judge(in, noise);
    CHECK(v.verdict == "regression");
    CHECK(*v.delta == doctest::Approx(100));
    CHECK(v.detail.find("p 0.00396825") != std::string::npos);
  }
  SUBCASE("significant but below the minimum effect") {
    in.candidate_samples = {1005, 1006, 1004, 1007, 1008};
    in.candidate = 1006;
    CHECK(judge(in, noise).verdict == "pass");
  }
  SUBCASE("a large median shift that is not significant (one outlier window)") {
    in.candidate_samples = {1001, 2000, 997};
    in.candidate = 1001;
    CHECK(judge(in, noise).verdict == "pass");
  }
  SUBCASE("too few windows: exact comparison against the threshold") {
    in.candidate_samples = {1100};
    in.candidate = 1100;
    const MetricVerdict v = judge(in, noise);
    CHECK(v.verdict == "regression");
    CHECK(v.detail.find("fewer than 3 windows") != std::string::npos);
  }
}

TEST_CASE("gate: baseline selection") {
  auto row = [](const std::string& metric, double v, int64_t t, const std::string& branch,
                const std::string& commit, const std::string& reason,
                const std::string& board = "") {
    BaselineRow r;
    r.metric = metric;
    r.value = v;
    r.created_ms = t;
    r.job_id = t;
    r.branch = branch;
    r.commit = commit;
    r.reason = reason;
    r.board_id = board;
    return r;
  };
  const std::vector<BaselineRow> rows = {
      row("instructions", 100, 1, "main", "c1", "gate: passed on main@c1"),
      row("instructions", 110, 2, "main", "c2", "gate: passed on main@c2"),
      row("instructions", 120, 3, "main", "c3", "gate: passed on main@c3"),
      row("instructions", 90, 4, "feature", "f1", "gate: passed on feature@f1"),
      row("arena_bytes", 64, 1, "main", "c1", "gate: passed on main@c1"),
  };
  // Newest on the base branch; a feature branch's gate rows never count.
  CHECK(select_baseline(rows, "instructions", "", "main", "")->value == 120);
  // The merge-base commit's row wins.
  CHECK(select_baseline(rows, "instructions", "", "main", "c2")->value == 110);
  // An unknown merge base: the newest.
  CHECK(select_baseline(rows, "instructions", "", "main", "zzz")->value == 120);
  CHECK(!select_baseline(rows, "energy_uj", "", "main", "").has_value());

  // A person's `baseline set` (any branch) cuts the older rows off.
  auto with_set = rows;
  with_set.push_back(row("instructions", 150, 5, "feature", "f2", "slower on purpose"));
  CHECK(select_baseline(with_set, "instructions", "", "main", "c2")->value == 150);
  with_set.push_back(row("instructions", 155, 6, "main", "c4", "gate: passed on main@c4"));
  CHECK(select_baseline(with_set, "instructions", "", "main", "")->value == 155);
  CHECK(select_baseline(with_set, "instructions", "", "main", "f2")->value == 150);

  // The physical board's own history first.
  auto boards = rows;
  boards.push_back(row("instructions", 101, 2, "main", "c2", "gate: x", "lab/nucleo-1"));
  CHECK(select_baseline(boards, "instructions", "lab/nucleo-1", "main", "")->value == 101);
  CHECK(select_baseline(boards, "instructions", "lab/nucleo-2", "main", "")->value == 120);

  // From the API's JSON.
  const json reply = {{"baselines",
                       {{{"id", 1},
                         {"model_id", "x"},
                         {"model_key", "m"},
                         {"profile", "p"},
                         {"board_id", nullptr},
                         {"metric", "flash_bytes"},
                         {"value", 1234.0},
                         {"job_id", 7},
                         {"branch", "main"},
                         {"commit", "c"},
                         {"reason", "r"},
                         {"created_at_ms", 5},
                         {"active", true}}}}};
  const auto parsed = baseline_rows(reply);
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].board_id.empty());
  CHECK(parsed[0].job_id == 7);
  CHECK(parsed[0].active);
}

TEST_CASE("gate: a second unit to confirm on") {
  const json boards = {{"boards",
                        {{{"id", "lab/nucleo-l4r5zi/A"},
                          {"profile_id", "nucleo-l4r5zi"},
                          {"health", "good"},
                          {"state", "busy"},
                          {"tags", {{"core", "cortex-m4"}, {"unit", "A"}}}},
                         {{"id", "lab/nucleo-l4r5zi/B"},
                          {"profile_id", "nucleo-l4r5zi"},
                          {"health", "bad"},
                          {"state", "idle"},
                          {"tags", {{"core", "cortex-m4"}, {"unit", "B"}}}},
                         {{"id", "lab/nucleo-l4r5zi/C"},
                          {"profile_id", "nucleo-l4r5zi"},
                          {"health", "good"},
                          {"state", "idle"},
                          {"tags", {{"core", "cortex-m4"}, {"unit", "C"}}}},
                         {{"id", "lab/mps2-an386"},
                          {"profile_id", "mps2-an386"},
                          {"health", "good"},
                          {"state", "idle"},
                          {"tags", {{"core", "cortex-m4"}}}}}}};
  // B is quarantined; C is told apart by its unit tag.
  CHECK(confirmation_selector(boards, "nucleo-l4r5zi", "lab/nucleo-l4r5zi/A") ==
        std::optional<std::string>("nucleo-l4r5zi,unit=C"));
  CHECK(confirmation_selector(boards, "nucleo-l4r5zi", "lab/nucleo-l4r5zi/C") ==
        std::optional<std::string>("nucleo-l4r5zi,unit=A"));
  // The only unit of its type.
  CHECK(!confirmation_selector(boards, "mps2-an386", "lab/mps2-an386"));
  // Two units with equal tags cannot be pinned apart.
  json twins = boards;
  twins["boards"][2]["tags"]["unit"] = "A";
  CHECK(!confirmation_selector(twins, "nucleo-l4r5zi", "lab/nucleo-l4r5zi/A"));
}

TEST_CASE("gate: the .hilbench.yml subset") {
  const std::string text = R"(# settings
server: "http://hb.example:8080"
board: mps2-an386   # emulated
base_branch: 'main'
runs: 3
models:
- name: tiny
  path: models/tiny.tflite
- models/other.tflite
thresholds:
  latency_us: {relative: 0.1, absolute: 5}
  instructions:
    relative: 0.01
statistics:
  alpha: 0.01
)";
  const json y = parse_yaml_subset(text);
  CHECK(y["server"] == "http://hb.example:8080");
  CHECK(y["runs"] == 3);
  CHECK(y["models"][0]["path"] == "models/tiny.tflite");
  CHECK(y["models"][1] == "models/other.tflite");
  CHECK(y["thresholds"]["latency_us"]["absolute"] == 5);

  const GateConfig c = parse_config(text);
  CHECK(c.board == "mps2-an386");
  CHECK(c.base_branch == "main");
  CHECK(*c.runs == 3);
  REQUIRE(c.models.size() == 2);
  CHECK(c.models[0].name == "tiny");
  CHECK(c.models[1].name.empty());
  CHECK(c.thresholds.at("latency_us").relative == doctest::Approx(0.1));
  CHECK(c.thresholds.at("latency_us").absolute == 5);
  CHECK(c.thresholds.at("instructions").relative == doctest::Approx(0.01));
  CHECK(c.thresholds.at("arena_bytes").relative == doctest::Approx(0.05));  // default
  CHECK(c.noise.alpha == doctest::Approx(0.01));

  // Nested sequences of mappings, indented under their key.
  const json n = parse_yaml_subset("a:\n  - x: 1\n    y: [1, 2]\n  - x: 2\nb: ~\n");
  CHECK(n["a"][0]["y"] == json::array({1, 2}));
  CHECK(n["a"][1]["x"] == 2);
  CHECK(n["b"].is_null());

  CHECK(parse_config("").base_branch == "main");
  CHECK_THROWS_WITH_AS(parse_config("thresholds:\n  latency: {relative: 1}\n"),
                       doctest::Contains("unknown metric 'latency'"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_config("bord: x\n"), doctest::Contains("unknown key 'bord'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(parse_yaml_subset("a: 1\n  b: 2\n"), doctest::Contains("line 2"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(parse_yaml_subset("a: &x 1\n"), doctest::Contains("anchors"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_yaml_subset("a: 1\na: 2\n"), doctest::Contains("duplicate"),
                       ConfigError);
}

TEST_CASE("gate: reports: exit codes, Markdown, JUnit XML, JSON") {
  GateOutcome pass;
  pass.model_key = "tiny.tflite";
  pass.profile = "mps2-an386";
  pass.verdict = "pass";
  pass.job_id = 3;
  MetricVerdict m;
  m.metric = "instructions";
  m.baseline = 1000;
  m.candidate = 1000;
  m.delta = 0;
  m.threshold = 20;
  m.verdict = "pass";
  pass.metrics = {m};

  GateOutcome slow = pass;
  slow.model_key = "tiny <slow> & \"x\"";
  slow.verdict = "regression";
  slow.metrics[0].candidate = 1500;
  slow.metrics[0].delta = 500;
  slow.metrics[0].verdict = "regression";

  GateOutcome broken;
  broken.model_key = "bad.tflite";
  broken.profile = "mps2-an386";
  broken.verdict = "error";
  broken.message = "infrastructure: server unreachable";

  CHECK(exit_code({pass}) == kGatePass);
  CHECK(exit_code({pass, slow}) == kGateRegression);
  CHECK(exit_code({pass, slow, broken}) == kGateError);
  CHECK(exit_code({}) == kGateError);

  const std::string md = markdown({pass, slow}, "feature", "0123456789abcdef");
  CHECK(md.find("### hilbench gate: :x: regression") != std::string::npos);
  CHECK(md.find("| instructions | 1,000 instr | 1,500 instr | +500 instr (+50.00 %) | +20 instr "
                "| :x: regression |") != std::string::npos);
  CHECK(md.find("`feature@0123456789ab`") != std::string::npos);

  const std::string xml = junit_xml({pass, slow, broken});
  CHECK(xml.find("<testsuites name=\"hilbench gate\" tests=\"3\" failures=\"1\" errors=\"1\">") !=
        std::string::npos);
  CHECK(xml.find("tiny &lt;slow&gt; &amp; &quot;x&quot;") != std::string::npos);
  CHECK(xml.find("<failure type=\"regression\"") != std::string::npos);
  CHECK(xml.find("<error type=\"error\" message=\"infrastructure: server unreachable\">") !=
        std::string::npos);

  const json j = report_json({pass, broken}, "b", "c");
  CHECK(j["verdict"] == "error");
  CHECK(j["exit_code"] == 2);
  CHECK(j["gates"][0]["metrics"][0]["threshold"] == 20.0);
  CHECK(j["gates"][1]["job_id"].is_null());

  CHECK(format_value("latency_us", 1234.0) == "1.234 ms");
  CHECK(format_value("latency_us", 812.25) == "812.2 us");
  CHECK(format_value("arena_bytes", 12336) == "12,336 B");
  CHECK(format_value("energy_uj", 3.14159) == "3.14 uJ");
}

// SqliteStore's CI gate tables (migration 2): baselines keep history and one
// active row per key; gates round-trip with their metrics; the profile filter
// on jobs and results.
#include <doctest/doctest.h>

#include "store/sqlite_store.h"
#include "store/test_dir.h"

namespace hbs::store {

namespace {

Job make_job(SqliteStore& s, const std::string& profile, const std::string& branch) {
  JobSpec spec;
  spec.model_id = std::string(64, 'b');
  spec.selector.profile = profile;
  spec.labels.branch = branch;
  return s.create_job(spec, 10);
}

Baseline row(int64_t job, const std::string& metric, double v, const std::string& board = "") {
  Baseline b;
  b.model_key = "tiny.tflite";
  b.model_id = std::string(64, 'b');
  b.profile = "mps2-an386";
  b.board_id = board;
  b.metric = metric;
  b.value = v;
  b.job_id = job;
  b.branch = "main";
  b.commit = "c1";
  b.reason = "first";
  return b;
}

}  // namespace

TEST_CASE("SqliteStore baselines: newer rows deactivate older ones of the same key only") {
  TestDir dir;
  SqliteStore s(dir.file("b.db"), SqliteStore::Sync::kNormal);
  const Job j1 = make_job(s, "mps2-an386", "main");
  const Job j2 = make_job(s, "mps2-an386", "main");

  auto first = s.add_baselines({row(j1.id, "instructions", 100), row(j1.id, "arena_bytes", 64),
                                row(j1.id, "instructions", 99, "a/mps2-an386")},
                               1000);
  REQUIRE(first.size() == 3);
  CHECK(first[0].id > 0);
  CHECK(first[0].created_ms == 1000);
  CHECK(first[0].active);

  Baseline b = row(j2.id, "instructions", 120);
  b.commit = "c2";
  b.reason = "accepted: extra layer";
  auto second = s.add_baselines({b}, 2000);
  REQUIRE(second.size() == 1);

  BaselineFilter f;
  f.model = "tiny.tflite";
  f.profile = "mps2-an386";
  auto all = s.list_baselines(f);
  REQUIRE(all.size() == 4);
  CHECK(all[0].id == second[0].id);  // newest first
  CHECK(all[0].active);
  CHECK(all[0].reason == "accepted: extra layer");
  int active = 0;
  for (const auto& x : all) active += x.active;
  CHECK(active == 3);  // the old type-level instructions row is history now
  for (const auto& x : all) {
    if (x.metric == "instructions" && x.board_id.empty() && x.job_id == j1.id) CHECK(!x.active);
    if (x.board_id == "a/mps2-an386") CHECK(x.active);  // other key: untouched
    if (x.metric == "arena_bytes") CHECK(x.active);
  }

  f.active_only = true;
  f.metric = "instructions";
  auto act = s.list_baselines(f);
  REQUIRE(act.size() == 2);
  CHECK(act[0].value == 120);

  // The sha256 matches too; another profile does not.
  BaselineFilter by_id;
  by_id.model = std::string(64, 'b');
  CHECK(s.list_baselines(by_id).size() == 4);
  by_id.profile = "mps3-an547";
  CHECK(s.list_baselines(by_id).empty());
}

TEST_CASE("SqliteStore baselines: a failed row rolls back the whole acceptance") {
  TestDir dir;
  SqliteStore s(dir.file("b.db"), SqliteStore::Sync::kNormal);
  const Job j1 = make_job(s, "mps2-an386", "main");
  s.add_baselines({row(j1.id, "instructions", 100)}, 1000);
  // The second row names a job that does not exist: a foreign key failure.
  CHECK_THROWS_AS(
      s.add_baselines({row(j1.id, "instructions", 200), row(9999, "flash_bytes", 1)}, 2000),
      StoreError);
  auto all = s.list_baselines({});
  REQUIRE(all.size() == 1);
  CHECK(all[0].value == 100);
  CHECK(all[0].active);  // the deactivation was rolled back too
}

TEST_CASE("SqliteStore gates: round-trip with metrics, filters") {
  TestDir dir;
  SqliteStore s(dir.file("g.db"), SqliteStore::Sync::kNormal);
  const Job j1 = make_job(s, "mps2-an386", "feature");
  GateRecord g;
  g.job_id = j1.id;
  g.baseline_job_id = 0;
  g.model_key = "tiny.tflite";
  g.model_id = std::string(64, 'b');
  g.profile = "mps2-an386";
  g.verdict = "regression";
  g.branch = "feature";
  g.commit = "c9";
  GateMetric m;
  m.metric = "instructions";
  m.baseline = 100;
  m.candidate = 150;
  m.delta = 50;
  m.threshold = 0;
  m.verdict = "regression";
  GateMetric n;
  n.metric = "energy_uj";
  n.candidate = 3.5;
  n.verdict = "no_baseline";
  g.metrics = {m, n};
  const GateRecord stored = s.add_gate(g, 5000);
  CHECK(stored.id > 0);

  GateFilter f;
  f.model = "tiny.tflite";
  auto list = s.list_gates(f);
  REQUIRE(list.size() == 1);
  const GateRecord& r = list[0];
  CHECK(r.id == stored.id);
  CHECK(r.verdict == "regression");
  CHECK(r.created_ms == 5000);
  REQUIRE(r.metrics.size() == 2);
  CHECK(*r.metrics[0].baseline == 100);
  CHECK(*r.metrics[0].delta == 50);
  CHECK(!r.metrics[1].baseline);
  CHECK(!r.metrics[1].threshold);
  CHECK(r.metrics[1].verdict == "no_baseline");
  f.profile = "other";
  CHECK(s.list_gates(f).empty());

  GateRecord bad = g;
  bad.verdict = "maybe";  // CHECK constraint
  CHECK_THROWS_AS(s.add_gate(bad, 6000), StoreError);
  bad = g;
  bad.job_id = 4242;  // foreign key
  CHECK_THROWS_AS(s.add_gate(bad, 6000), StoreError);
  CHECK(s.list_gates({}).size() == 1);
}

TEST_CASE("SqliteStore: profile filter on jobs and results") {
  TestDir dir;
  SqliteStore s(dir.file("p.db"), SqliteStore::Sync::kNormal);
  const Job a = make_job(s, "mps2-an386", "main");
  const Job b = make_job(s, "mps3-an547", "main");
  for (const Job& j : {a, b}) {
    Result r;
    r.model_id = j.spec.model_id;
    r.board_id = "x/" + j.spec.selector.profile;
    r.profile_id = j.spec.selector.profile;
    r.branch = "main";
    r.data = nlohmann::json::object();
    REQUIRE(s.finish_job_with_result(j.id, JobState::kQueued, r, 20));
  }
  JobFilter f;
  f.profile = "mps3-an547";
  auto rs = s.query_results(f);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].job_id == b.id);
  auto js = s.list_jobs(f);
  REQUIRE(js.size() == 1);
  CHECK(js[0].id == b.id);
  f.profile = "";
  CHECK(s.query_results(f).size() == 2);
  CHECK(s.list_jobs(f).size() == 2);
}

}  // namespace hbs::store

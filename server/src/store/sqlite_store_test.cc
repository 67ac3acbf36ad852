#include "store/sqlite_store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "store/test_dir.h"

namespace hbs::store {

namespace {

JobSpec sample_spec() {
  JobSpec s;
  s.model_id = std::string(64, 'a');
  s.firmware_id = "";
  s.selector.profile = "nucleo-f446re";
  s.selector.tags = {{"core", "cortex-m4"}, {"emulated", "false"}};
  s.runs = 25;
  s.warmup = 3;
  s.windows = 4;
  s.priority = 7;
  s.rounding = "single";
  s.labels = {"acme/fw", "main", "deadbeef", "https://ci.example/1"};
  return s;
}

Board sample_board(const std::string& id) {
  Board b;
  b.id = id;
  b.profile_id = "nucleo-f446re";
  b.agent_id = "agent-1";
  b.tags = {{"core", "cortex-m4"}, {"mcu", "stm32f446"}};
  b.state = BoardState::kIdle;
  b.health = BoardHealth::kGood;
  b.current_job = 0;
  b.consecutive_infra_failures = 2;
  b.last_health_check_ms = 1234;
  b.health_message = "probe ok";
  b.probe_serial = "0670FF";
  return b;
}

Result sample_result(int64_t job_id) {
  Result r;
  r.job_id = job_id;
  r.model_id = std::string(64, 'a');
  r.board_id = "agent-1/nucleo-f446re/0670FF";
  r.profile_id = "nucleo-f446re";
  r.branch = "main";
  r.commit = "deadbeef";
  r.latency_median_us = 1234.5;
  r.data = {{"latency", {{"median_us", 1234.5}, {"windows", {1, 2, 3}}}}, {"energy", nullptr}};
  return r;
}

}  // namespace

TEST_CASE("SqliteStore: models round-trip, idempotent re-upload, paging") {
  SqliteStore s(":memory:");
  ModelRecord m{std::string(64, 'b'), "kws.tflite", 52000, {{"ops", {"CONV_2D", "SOFTMAX"}}}, 100};
  s.put_model(m);
  auto got = s.get_model(m.id);
  REQUIRE(got);
  CHECK(got->name == "kws.tflite");
  CHECK(got->size == 52000);
  CHECK(got->inspection == m.inspection);
  CHECK(got->created_ms == 100);

  ModelRecord again = m;
  again.name = "renamed.tflite";
  again.created_ms = 999;
  again.inspection = {{"ops", {"CONV_2D"}}, {"macs", 5}};
  s.put_model(again);
  got = s.get_model(m.id);
  CHECK(got->name == "kws.tflite");  // first upload's name and time kept
  CHECK(got->created_ms == 100);
  CHECK(got->inspection == again.inspection);  // report refreshed

  CHECK_FALSE(s.get_model("nope"));
  s.put_model({std::string(64, 'c'), "vww.tflite", 1, nlohmann::json::object(), 200});
  s.put_model({std::string(64, 'd'), "ic.tflite", 2, nlohmann::json::object(), 300});
  auto all = s.list_models(10, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].name == "ic.tflite");  // newest first
  CHECK(all[2].name == "kws.tflite");
  auto page = s.list_models(1, 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0].name == "vww.tflite");
  CHECK(s.list_models(-1, 0).empty());  // a negative limit is not "everything"
}

TEST_CASE("SqliteStore: job create/get round-trips every spec field") {
  SqliteStore s(":memory:");
  JobSpec spec = sample_spec();
  Job j = s.create_job(spec, 5000);
  CHECK(j.id > 0);
  CHECK(j.state == JobState::kQueued);
  auto got = s.get_job(j.id);
  REQUIRE(got);
  CHECK(got->spec.model_id == spec.model_id);
  CHECK(got->spec.firmware_id == "");
  CHECK(got->spec.selector.profile == "nucleo-f446re");
  CHECK(got->spec.selector.tags == spec.selector.tags);
  CHECK(got->spec.runs == 25);
  CHECK(got->spec.warmup == 3);
  CHECK(got->spec.windows == 4);
  CHECK(got->spec.priority == 7);
  CHECK(got->spec.rounding == "single");
  CHECK(got->spec.labels.repo == "acme/fw");
  CHECK(got->spec.labels.branch == "main");
  CHECK(got->spec.labels.commit == "deadbeef");
  CHECK(got->spec.labels.ci_url == "https://ci.example/1");
  CHECK(got->state == JobState::kQueued);
  CHECK(got->failure == FailureType::kNone);
  CHECK(got->attempts == 0);
  CHECK(got->excluded_boards.empty());
  CHECK(got->created_ms == 5000);
  CHECK(got->updated_ms == 5000);
  CHECK(got->started_ms == 0);
  CHECK(got->finished_ms == 0);
  CHECK_FALSE(s.get_job(j.id + 1000));
  Job j2 = s.create_job(spec, 5001);
  CHECK(j2.id > j.id);
}

TEST_CASE("SqliteStore: update_job is a compare-and-set and sets only given fields") {
  SqliteStore s(":memory:");
  Job j = s.create_job(sample_spec(), 1);

  JobUpdate to_assigned{JobState::kAssigned};
  to_assigned.board_id = "b1";
  to_assigned.attempts = 1;
  to_assigned.message = "assigned to b1";
  CHECK(s.update_job(j.id, JobState::kQueued, to_assigned, 10));
  // A second identical CAS loses: the job is no longer queued.
  CHECK_FALSE(s.update_job(j.id, JobState::kQueued, to_assigned, 11));
  // Unknown id loses too.
  CHECK_FALSE(s.update_job(j.id + 99, JobState::kAssigned, to_assigned, 11));

  JobUpdate to_running{JobState::kRunning};
  to_running.started_ms = 20;
  CHECK(s.update_job(j.id, JobState::kAssigned, to_running, 20));
  auto got = s.get_job(j.id);
  REQUIRE(got);
  CHECK(got->state == JobState::kRunning);
  CHECK(got->board_id == "b1");             // kept
  CHECK(got->attempts == 1);                // kept
  CHECK(got->message == "assigned to b1");  // kept
  CHECK(got->started_ms == 20);
  CHECK(got->updated_ms == 20);

  JobUpdate back{JobState::kQueued};
  back.failure = FailureType::kInfrastructure;
  back.excluded_boards = std::vector<std::string>{"b1", "b9"};
  back.message = "probe lost";
  CHECK(s.update_job(j.id, JobState::kRunning, back, 30));
  got = s.get_job(j.id);
  CHECK(got->state == JobState::kQueued);
  CHECK(got->failure == FailureType::kInfrastructure);
  CHECK(got->excluded_boards == std::vector<std::string>{"b1", "b9"});
  CHECK(got->message == "probe lost");

  JobUpdate fail{JobState::kFailed};
  fail.failure = FailureType::kJob;
  fail.finished_ms = 40;
  CHECK(s.update_job(j.id, JobState::kQueued, fail, 40));
  got = s.get_job(j.id);
  CHECK(got->state == JobState::kFailed);
  CHECK(got->failure == FailureType::kJob);
  CHECK(got->finished_ms == 40);
}

TEST_CASE("SqliteStore: two threads racing update_job on one job: exactly one wins") {
  TestDir dir;
  SqliteStore s(dir.file("race.db"), SqliteStore::Sync::kNormal);
  for (int round = 0; round < 200; ++round) {
    Job j = s.create_job(sample_spec(), round);
    std::atomic<int> wins{0};
    std::atomic<bool> go{false};
    auto racer = [&](const std::string& board) {
      while (!go.load()) {
      }
      JobUpdate u{JobState::kAssigned};
      u.board_id = board;
      if (s.update_job(j.id, JobState::kQueued, u, round)) wins.fetch_add(1);
    };
    std::thread a(racer, "A"), b(racer, "B");
    go = true;
    a.join();
    b.join();
    REQUIRE(wins.load() == 1);
    auto got = s.get_job(j.id);
    CHECK((got->board_id == "A" || got->board_id == "B"));
  }
}

TEST_CASE("SqliteStore: two connections (two daemons) racing on one file: exactly one wins") {
  TestDir dir;
  SqliteStore s1(dir.file("race2.db"), SqliteStore::Sync::kNormal);
  SqliteStore s2(dir.file("race2.db"), SqliteStore::Sync::kNormal);
  for (int round = 0; round < 50; ++round) {
    Job j = s1.create_job(sample_spec(), round);
    std::atomic<int> wins{0};
    auto racer = [&](SqliteStore* st) {
      if (st->update_job(j.id, JobState::kQueued, JobUpdate{JobState::kAssigned}, round)) {
        wins.fetch_add(1);
      }
    };
    std::thread a(racer, &s1), b(racer, &s2);
    a.join();
    b.join();
    REQUIRE(wins.load() == 1);
  }
}

TEST_CASE("SqliteStore: list_jobs filters, newest first, paging; queued_jobs") {
  SqliteStore s(":memory:");
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    JobSpec spec = sample_spec();
    spec.labels.branch = i % 2 ? "dev" : "main";
    spec.labels.repo = i < 3 ? "acme/fw" : "acme/other";
    spec.model_id = i == 5 ? "m5" : "m";
    ids.push_back(s.create_job(spec, 100 + i).id);
  }
  JobUpdate u{JobState::kAssigned};
  u.board_id = "b7";
  REQUIRE(s.update_job(ids[1], JobState::kQueued, u, 200));

  JobFilter all;
  auto v = s.list_jobs(all);
  REQUIRE(v.size() == 6);
  CHECK(v.front().id == ids[5]);
  CHECK(v.back().id == ids[0]);

  JobFilter f;
  f.branch = "dev";
  CHECK(s.list_jobs(f).size() == 3);
  f.repo = "acme/fw";
  v = s.list_jobs(f);
  REQUIRE(v.size() == 1);
  CHECK(v[0].id == ids[1]);

  JobFilter st;
  st.state = JobState::kAssigned;
  v = s.list_jobs(st);
  REQUIRE(v.size() == 1);
  CHECK(v[0].board_id == "b7");

  JobFilter bf;
  bf.board_id = "b7";
  CHECK(s.list_jobs(bf).size() == 1);
  JobFilter mf;
  mf.model_id = "m5";
  CHECK(s.list_jobs(mf).size() == 1);
  JobFilter cf;
  cf.commit = "nope";
  CHECK(s.list_jobs(cf).empty());

  JobFilter page;
  page.limit = 2;
  page.offset = 2;
  v = s.list_jobs(page);
  REQUIRE(v.size() == 2);
  CHECK(v[0].id == ids[3]);
  CHECK(v[1].id == ids[2]);

  auto q = s.queued_jobs();
  CHECK(q.size() == 5);
  for (const Job& j : q) CHECK(j.state == JobState::kQueued);
}

TEST_CASE("SqliteStore: job logs in order; a log for a missing job is refused") {
  SqliteStore s(":memory:");
  Job j = s.create_job(sample_spec(), 1);
  Job other = s.create_job(sample_spec(), 1);
  s.append_log(j.id, "flashing", 2);
  s.append_log(other.id, "other job", 2);
  s.append_log(j.id, "running 10 inferences", 3);
  s.append_log(j.id, "", 4);
  CHECK(s.job_log(j.id) == std::vector<std::string>{"flashing", "running 10 inferences", ""});
  CHECK(s.job_log(other.id) == std::vector<std::string>{"other job"});
  CHECK(s.job_log(12345).empty());
  CHECK_THROWS_AS(s.append_log(12345, "x", 5), StoreError);
}

TEST_CASE("SqliteStore: requeue_in_flight") {
  SqliteStore s(":memory:");
  Job q = s.create_job(sample_spec(), 1);
  Job a = s.create_job(sample_spec(), 1);
  Job f = s.create_job(sample_spec(), 1);
  Job r = s.create_job(sample_spec(), 1);
  Job d = s.create_job(sample_spec(), 1);
  REQUIRE(s.update_job(a.id, JobState::kQueued, JobUpdate{JobState::kAssigned}, 2));
  REQUIRE(s.update_job(f.id, JobState::kQueued, JobUpdate{JobState::kFlashing}, 2));
  REQUIRE(s.update_job(r.id, JobState::kQueued, JobUpdate{JobState::kRunning}, 2));
  REQUIRE(s.update_job(d.id, JobState::kQueued, JobUpdate{JobState::kCancelled}, 2));
  Board b = sample_board("b1");
  b.state = BoardState::kBusy;
  b.current_job = r.id;
  s.upsert_board(b);
  s.upsert_board(sample_board("b2"));
  s.set_board_state("b2", BoardState::kOffline, 0);

  CHECK(s.requeue_in_flight(50) == 3);
  CHECK(s.get_job(a.id)->message == "requeued: daemon restarted while the job was assigned");
  CHECK(s.get_job(f.id)->message == "requeued: daemon restarted while the job was flashing");
  CHECK(s.get_job(r.id)->message == "requeued: daemon restarted while the job was running");
  CHECK(s.get_job(r.id)->state == JobState::kQueued);
  CHECK(s.get_job(r.id)->updated_ms == 50);
  CHECK(s.get_job(q.id)->message == "");
  CHECK(s.get_job(d.id)->state == JobState::kCancelled);
  CHECK(s.get_board("b1")->state == BoardState::kIdle);
  CHECK(s.get_board("b1")->current_job == 0);
  CHECK(s.get_board("b2")->state == BoardState::kOffline);  // only busy boards are freed
  CHECK(s.queued_jobs().size() == 4);
  CHECK(s.requeue_in_flight(60) == 0);
}

TEST_CASE("SqliteStore: boards upsert keeps health; state and health setters") {
  SqliteStore s(":memory:");
  Board b = sample_board("agent-1/nucleo-f446re/0670FF");
  s.upsert_board(b);
  auto got = s.get_board(b.id);
  REQUIRE(got);
  CHECK(got->profile_id == b.profile_id);
  CHECK(got->agent_id == "agent-1");
  CHECK(got->tags == b.tags);
  CHECK(got->state == BoardState::kIdle);
  CHECK(got->health == BoardHealth::kGood);
  CHECK(got->consecutive_infra_failures == 2);
  CHECK(got->last_health_check_ms == 1234);
  CHECK(got->health_message == "probe ok");
  CHECK(got->probe_serial == "0670FF");

  s.set_board_health(b.id, BoardHealth::kBad, "flash failed 3 times", 3, 777);
  s.set_board_state(b.id, BoardState::kBusy, 42);
  got = s.get_board(b.id);
  CHECK(got->health == BoardHealth::kBad);
  CHECK(got->health_message == "flash failed 3 times");
  CHECK(got->consecutive_infra_failures == 3);
  CHECK(got->last_health_check_ms == 777);
  CHECK(got->state == BoardState::kBusy);
  CHECK(got->current_job == 42);

  // The agent re-registers: identity and state refresh, health is kept.
  Board again = b;
  again.agent_id = "agent-2";
  again.tags["emulated"] = "false";
  again.state = BoardState::kIdle;
  again.health = BoardHealth::kGood;
  again.health_message = "";
  again.consecutive_infra_failures = 0;
  s.upsert_board(again);
  got = s.get_board(b.id);
  CHECK(got->agent_id == "agent-2");
  CHECK(got->tags.at("emulated") == "false");
  CHECK(got->state == BoardState::kIdle);
  CHECK(got->current_job == 0);
  CHECK(got->health == BoardHealth::kBad);
  CHECK(got->health_message == "flash failed 3 times");
  CHECK(got->consecutive_infra_failures == 3);

  s.upsert_board(sample_board("a"));
  auto all = s.list_boards();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == "a");  // ordered by id
  CHECK_FALSE(s.get_board("missing"));
  s.set_board_state("missing", BoardState::kBusy, 1);  // no-op, no throw
  CHECK(s.list_boards().size() == 2);
}

TEST_CASE("SqliteStore: finish_job_with_result is atomic and a compare-and-set") {
  SqliteStore s(":memory:");
  Job j = s.create_job(sample_spec(), 1);
  REQUIRE(s.update_job(j.id, JobState::kQueued, JobUpdate{JobState::kRunning}, 2));

  // Wrong expected state: nothing written.
  CHECK_FALSE(s.finish_job_with_result(j.id, JobState::kFlashing, sample_result(j.id), 3));
  CHECK_FALSE(s.get_result(j.id));
  CHECK(s.get_job(j.id)->state == JobState::kRunning);

  CHECK(s.finish_job_with_result(j.id, JobState::kRunning, sample_result(j.id), 4));
  auto job = s.get_job(j.id);
  CHECK(job->state == JobState::kDone);
  CHECK(job->finished_ms == 4);
  auto r = s.get_result(j.id);
  REQUIRE(r);
  CHECK(r->job_id == j.id);
  CHECK(r->board_id == "agent-1/nucleo-f446re/0670FF");
  CHECK(r->profile_id == "nucleo-f446re");
  CHECK(r->model_id == std::string(64, 'a'));
  CHECK(r->branch == "main");
  CHECK(r->commit == "deadbeef");
  CHECK(r->latency_median_us == 1234.5);
  CHECK(r->data == sample_result(j.id).data);
  CHECK(r->created_ms == 4);

  // Done -> done again: the duplicate result insert fails and rolls the
  // whole transaction back.
  CHECK_THROWS_AS(s.finish_job_with_result(j.id, JobState::kDone, sample_result(j.id), 5),
                  StoreError);
  CHECK(s.get_job(j.id)->finished_ms == 4);

  // A result for a job that does not exist: CAS fails, nothing stored.
  CHECK_FALSE(s.finish_job_with_result(999, JobState::kRunning, sample_result(999), 6));
  CHECK_FALSE(s.get_result(999));
}

TEST_CASE("SqliteStore: query_results filters, newest first") {
  SqliteStore s(":memory:");
  for (int i = 0; i < 5; ++i) {
    JobSpec spec = sample_spec();
    spec.labels.repo = i == 4 ? "acme/other" : "acme/fw";
    Job j = s.create_job(spec, i);
    REQUIRE(s.update_job(j.id, JobState::kQueued, JobUpdate{JobState::kRunning}, i));
    Result r = sample_result(j.id);
    r.board_id = i % 2 ? "odd" : "even";
    r.commit = "c" + std::to_string(i);
    r.created_ms = 1000 + i;
    REQUIRE(s.finish_job_with_result(j.id, JobState::kRunning, r, 2000 + i));
  }
  JobFilter f;
  auto v = s.query_results(f);
  REQUIRE(v.size() == 5);
  CHECK(v[0].commit == "c4");
  CHECK(v[0].created_ms == 1004);  // the caller's time is kept when given
  f.board_id = "odd";
  CHECK(s.query_results(f).size() == 2);
  JobFilter c;
  c.commit = "c2";
  v = s.query_results(c);
  REQUIRE(v.size() == 1);
  CHECK(v[0].board_id == "even");
  JobFilter repo;
  repo.repo = "acme/other";
  v = s.query_results(repo);
  REQUIRE(v.size() == 1);
  CHECK(v[0].commit == "c4");
  JobFilter failed;
  failed.state = JobState::kFailed;
  CHECK(s.query_results(failed).empty());
  JobFilter page;
  page.limit = 2;
  page.offset = 1;
  v = s.query_results(page);
  REQUIRE(v.size() == 2);
  CHECK(v[0].commit == "c3");
}

TEST_CASE("SqliteStore: tokens are random, stored hashed, and map back to their role") {
  TestDir dir;
  std::string admin, agent;
  {
    SqliteStore s(dir.file("tokens.db"));
    admin = s.create_token("alice", "admin", 1);
    agent = s.create_token("lab-agent", "agent", 2);
    CHECK(admin.size() == 64);
    CHECK(admin.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(admin != agent);
    CHECK(s.token_role(admin) == "admin");
    CHECK(s.token_role(agent) == "agent");
    CHECK_FALSE(s.token_role(""));
    CHECK_FALSE(s.token_role(std::string(64, '0')));
    std::string near = admin;
    near[63] = near[63] == '0' ? '1' : '0';
    CHECK_FALSE(s.token_role(near));
  }
  SqliteStore reopened(dir.file("tokens.db"));
  CHECK(reopened.token_role(admin) == "admin");
  // The plaintext is not in the file.
  std::string bytes;
  {
    FILE* f = fopen(dir.file("tokens.db").c_str(), "rb");
    REQUIRE(f);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    fclose(f);
    f = fopen(dir.file("tokens.db-wal").c_str(), "rb");
    if (f) {
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
      fclose(f);
    }
  }
  CHECK(bytes.find(admin) == std::string::npos);
  CHECK(bytes.find("alice") != std::string::npos);  // sanity: we did read the data
}

TEST_CASE("SqliteStore: counts") {
  SqliteStore s(":memory:");
  for (int i = 0; i < 3; ++i) s.create_job(sample_spec(), i);
  Job j = s.create_job(sample_spec(), 9);
  REQUIRE(s.update_job(j.id, JobState::kQueued, JobUpdate{JobState::kRunning}, 10));
  s.upsert_board(sample_board("a"));
  Board b = sample_board("b");
  b.health = BoardHealth::kUnknown;
  b.state = BoardState::kBusy;
  s.upsert_board(b);
  Counts c = s.counts();
  CHECK(c.queued == 3);
  CHECK(c.jobs_by_state.at("queued") == 3);
  CHECK(c.jobs_by_state.at("running") == 1);
  CHECK(c.jobs_by_state.count("done") == 0);
  CHECK(c.boards_by_state.at("idle") == 1);
  CHECK(c.boards_by_state.at("busy") == 1);
  CHECK(c.boards_by_health.at("good") == 1);
  CHECK(c.boards_by_health.at("unknown") == 1);
}

TEST_CASE("open_sqlite_store: a file that is not a database is refused with StoreError") {
  TestDir dir;
  FILE* f = fopen(dir.file("junk.db").c_str(), "wb");
  REQUIRE(f);
  std::string junk(8192, 'x');
  fwrite(junk.data(), 1, junk.size(), f);
  fclose(f);
  CHECK_THROWS_AS(open_sqlite_store(dir.file("junk.db")), StoreError);
  CHECK_THROWS_AS(open_sqlite_store(dir.file("no/such/dir/x.db")), StoreError);
  auto ok = open_sqlite_store(dir.file("good.db"));
  CHECK(ok->counts().queued == 0);
}

}  // namespace hbs::store

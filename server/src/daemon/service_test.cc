// Tests for service.cc's rules, driven directly (no HTTP) with a fake clock
// and tick() called by hand: retries of infrastructure failures on other
// boards, the attempt limit, quarantine and restore, job errors never
// retried, agent loss, job timeouts, restart hand-back.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "api/api_error.h"
#include "daemon/daemon.h"
#include "daemon/service.h"

namespace {

using hbs::BoardHealth;
using hbs::BoardState;
using hbs::FailureType;
using hbs::JobState;
using hbs::api::AgentBoard;
using hbs::api::ApiError;

struct Fixture {
  std::string dir;
  std::unique_ptr<hbs::Store> store;
  std::unique_ptr<hbs::ArtifactStore> artifacts;
  std::unique_ptr<hbs::daemon::Service> svc;
  std::atomic<int64_t> now{1'000'000};
  std::string model_id;

  explicit Fixture(hbs::daemon::ServiceOptions o = {}) {
    char tmpl[] = "/tmp/hbs_service_test.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
    store = hbs::open_sqlite_store(dir + "/hb.db");
    artifacts = std::make_unique<hbs::ArtifactStore>(dir + "/art");
    o.tick = std::chrono::hours(1);  // the test ticks by hand
    svc = std::make_unique<hbs::daemon::Service>(*store, *artifacts, o,
                                                 [this] { return now.load(); });
    svc->start();
    hbs::ModelRecord m;
    m.id = model_id = std::string(64, 'a');
    m.size = 1;
    store->put_model(m);
  }
  ~Fixture() {
    svc->stop();
    std::filesystem::remove_all(dir);
  }
  int64_t submit() {
    hbs::JobSpec s;
    s.model_id = model_id;
    return svc->submit_job(s).id;
  }
  // Ticks and polls once: the assignment for `agent`, if any.
  std::optional<hbs::api::AgentAssignment> next(const std::string& agent) {
    svc->tick();
    return svc->poll(agent, std::chrono::milliseconds(0));
  }
  hbs::Job job(int64_t id) { return *store->get_job(id); }
  hbs::Board board(const std::string& id) { return *store->get_board(id); }
};

std::vector<AgentBoard> boards(std::initializer_list<const char*> serials) {
  std::vector<AgentBoard> out;
  for (const char* s : serials) out.push_back({"nucleo-l4r5zi", s, {{"core", "cortex-m4"}}});
  return out;
}

}  // namespace

TEST_CASE("service: infrastructure failures retry on other boards, then fail") {
  Fixture f;
  f.svc->register_agent("lab", boards({"p1", "p2", "p3", "p4"}));
  const int64_t id = f.submit();
  std::set<std::string> used;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto a = f.next("lab");
    REQUIRE(a);
    CHECK(a->job_id == id);
    CHECK(a->attempt == attempt);
    CHECK(used.insert(a->board_id).second);  // never the same board twice
    f.svc->report_progress("lab", id, JobState::kFlashing, "");
    const hbs::Job j = f.svc->report_failure("lab", id, FailureType::kInfrastructure, "probe lost");
    CHECK(f.board(a->board_id).state == BoardState::kIdle);
    CHECK(f.board(a->board_id).consecutive_infra_failures == 1);
    if (attempt < 3) {
      CHECK(j.state == JobState::kQueued);
      CHECK(j.excluded_boards.size() == static_cast<size_t>(attempt));
    } else {
      CHECK(j.state == JobState::kFailed);
      CHECK(j.failure == FailureType::kInfrastructure);
      CHECK(j.message.find("giving up") != std::string::npos);
    }
  }
  CHECK_FALSE(f.next("lab"));
}

TEST_CASE("service: 3 consecutive infrastructure failures quarantine a board until restored") {
  Fixture f;
  f.svc->register_agent("lab", boards({"p1"}));
  const std::string b = "lab/nucleo-l4r5zi/p1";
  for (int i = 1; i <= 3; ++i) {
    const int64_t id = f.submit();
    auto a = f.next("lab");
    REQUIRE(a);
    CHECK(a->job_id == id);
    f.svc->report_failure("lab", id, FailureType::kInfrastructure, "flash verify failed");
    // Excluded from its only board: it waits.
    CHECK(f.job(id).state == JobState::kQueued);
  }
  CHECK(f.board(b).health == BoardHealth::kBad);
  CHECK(f.board(b).health_message.find("quarantined") != std::string::npos);
  const int64_t fresh = f.submit();
  CHECK_FALSE(f.next("lab"));  // bad boards are not scheduled
  f.svc->set_maintenance(b, false);
  CHECK(f.board(b).health == BoardHealth::kGood);
  CHECK(f.board(b).consecutive_infra_failures == 0);
  auto a = f.next("lab");
  REQUIRE(a);
  CHECK(a->job_id == fresh);
  f.svc->report_result("lab", fresh, {{"latency", {{"median_us", 5.0}}}});
  CHECK(f.job(fresh).state == JobState::kDone);
  CHECK(f.store->get_result(fresh)->latency_median_us == 5.0);
}

TEST_CASE("service: a job error fails the job at once and keeps the board healthy") {
  Fixture f;
  f.svc->register_agent("lab", boards({"p1", "p2"}));
  const int64_t id = f.submit();
  auto a = f.next("lab");
  REQUIRE(a);
  const hbs::Job j = f.svc->report_failure("lab", id, FailureType::kJob, "model does not fit");
  CHECK(j.state == JobState::kFailed);
  CHECK(j.failure == FailureType::kJob);
  CHECK(j.attempts == 1);
  CHECK(f.board(a->board_id).health == BoardHealth::kGood);
  CHECK_FALSE(f.next("lab"));
  // Reports from another agent, or on a finished job, are conflicts.
  f.svc->register_agent("other", boards({"q"}));
  CHECK_THROWS_AS(f.svc->report_result("other", id, {}), ApiError);
  CHECK_THROWS_AS(f.svc->report_result("lab", id, {}), ApiError);
}

TEST_CASE("service: a silent agent goes offline; its jobs are requeued after the delay") {
  hbs::daemon::ServiceOptions o;
  o.agent_timeout = std::chrono::seconds(30);
  o.requeue_delay = std::chrono::seconds(60);
  Fixture f(o);
  f.svc->register_agent("a", boards({"p1"}));
  f.svc->register_agent("b", boards({"p2"}));
  const int64_t id = f.submit();
  auto got = f.next("a");
  if (!got) got = f.next("b");
  REQUIRE(got);
  const std::string lost_agent = got->board_id.rfind("a/", 0) == 0 ? "a" : "b";
  const std::string live_agent = lost_agent == "a" ? "b" : "a";
  f.now += 31'000;
  f.svc->heartbeat(live_agent);
  f.svc->tick();
  CHECK(f.board(got->board_id).state == BoardState::kOffline);
  CHECK(f.job(id).state == JobState::kAssigned);  // not yet: it may come back
  f.now += 61'000;
  f.svc->heartbeat(live_agent);
  auto again = f.next(live_agent);
  REQUIRE(again);
  CHECK(again->job_id == id);
  CHECK(again->attempt == 2);
  CHECK(f.job(id).excluded_boards == std::vector<std::string>{got->board_id});
  // The lost agent comes back: told the job is no longer its.
  f.svc->heartbeat(lost_agent);
  CHECK_THROWS_AS(f.svc->report_result(lost_agent, id, {}), ApiError);
  CHECK(f.board(got->board_id).state == BoardState::kIdle);
}

TEST_CASE("service: a restarted agent's assignments never go to its old process's long poll") {
  Fixture f;
  f.svc->register_agent("lab", boards({"p1"}));
  // The old process's long poll: its connection is dead but the server cannot know.
  std::optional<hbs::api::AgentAssignment> old_got;
  std::thread old_poll([&] { old_got = f.svc->poll("lab", std::chrono::seconds(5)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  f.svc->register_agent("lab", boards({"p1"}));  // the new process
  const int64_t id = f.submit();
  f.svc->tick();  // assigns: the old poll, were it still waiting, would take the job now
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto got = f.svc->poll("lab", std::chrono::milliseconds(0));
  old_poll.join();
  CHECK_FALSE(old_got);  // released by the new registration, without a job
  REQUIRE(got);
  CHECK(got->job_id == id);
}

TEST_CASE("service: job timeout fails the job and tells the agent") {
  hbs::daemon::ServiceOptions o;
  o.job_timeout = std::chrono::seconds(10);
  o.agent_timeout = std::chrono::hours(1);
  Fixture f(o);
  f.svc->register_agent("lab", boards({"p1"}));
  const int64_t id = f.submit();
  REQUIRE(f.next("lab"));
  f.svc->report_progress("lab", id, JobState::kRunning, "");
  f.now += 11'000;
  f.svc->tick();
  CHECK(f.job(id).state == JobState::kFailed);
  CHECK(f.job(id).failure == FailureType::kTimeout);
  CHECK(f.svc->heartbeat("lab") == std::vector<int64_t>{id});
  CHECK(f.board("lab/nucleo-l4r5zi/p1").state == BoardState::kIdle);
  CHECK(f.svc->metrics().duration_count == 1);
}

TEST_CASE("service: stop hands in-flight work back to the queue") {
  Fixture f;
  f.svc->register_agent("lab", boards({"p1"}));
  const int64_t id = f.submit();
  REQUIRE(f.next("lab"));
  f.svc->stop();
  CHECK(f.job(id).state == JobState::kQueued);
  CHECK_THROWS_AS(f.svc->submit_job(f.job(id).spec), ApiError);  // shutting down: 503
}

// --- board health checks ----------------------------------------------------

namespace {

// A small real model as the golden one: the service inspects it at start
// (a model it cannot run would turn the checks off) and ships its bytes.
const std::string kHealthModel =
    std::string(HB_SOURCE_DIR) + "/tests/fuzz/corpus/model_reader/fc_nobias.tflite";

struct HealthFixture {
  std::unique_ptr<Fixture> f;
  explicit HealthFixture(hbs::daemon::ServiceOptions o = {}) {
    o.health_model = kHealthModel;
    o.health_check_interval = std::chrono::seconds(10);
    f = std::make_unique<Fixture>(o);
  }
  // Ticks, expects a health check for `board`, answers it (timed by `method`).
  hbs::Job answer(const std::string& board, double median_us, bool passed,
                  const std::string& method = "emulated: instruction count") {
    f->svc->heartbeat("lab");
    auto a = f->next("lab");
    REQUIRE(a);
    CHECK(a->board_id == board);
    CHECK(a->spec.labels.repo == hbs::daemon::kHealthRepo);
    CHECK(a->spec.labels.branch == board);
    return f->svc->report_result("lab", a->job_id,
                                 {{"latency", {{"median_us", median_us}, {"method", method}}},
                                  {"output_check", {{"passed", passed}}}});
  }
};

const std::string kBoard = "lab/nucleo-l4r5zi/p1";

}  // namespace

TEST_CASE("health: a newly registered board gets a pinned, high-priority health check") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1", "p2"}));
  CHECK(f.board(kBoard).health == BoardHealth::kUnknown);
  f.svc->tick();
  hbs::JobFilter jf;
  jf.repo = hbs::daemon::kHealthRepo;
  const auto jobs = f.store->list_jobs(jf);
  REQUIRE(jobs.size() == 2);
  std::set<std::string> pinned;
  for (const hbs::Job& j : jobs) {
    CHECK(j.spec.priority == hbs::daemon::kHealthPriority);
    CHECK(j.state == JobState::kAssigned);
    CHECK(j.board_id == j.spec.labels.branch);  // ran on the board it is pinned to
    pinned.insert(j.spec.labels.branch);
  }
  CHECK(pinned == std::set<std::string>{kBoard, "lab/nucleo-l4r5zi/p2"});
  f.svc->tick();
  CHECK(f.store->list_jobs(jf).size() == 2);  // no duplicates while pending
}

TEST_CASE("health: a passing check makes the board good; a failed output check makes it bad") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1"}));
  const hbs::Job j = h.answer(kBoard, 100.0, true);
  CHECK(j.state == JobState::kDone);
  CHECK(f.board(kBoard).health == BoardHealth::kGood);
  CHECK(f.board(kBoard).last_health_check_ms == f.now.load());
  CHECK(f.board(kBoard).health_message.find("passed") != std::string::npos);
  CHECK(f.store->get_result(j.id)->data["health_check"]["passed"] == true);
  f.svc->tick();
  CHECK_FALSE(f.svc->poll("lab", std::chrono::milliseconds(0)));  // not due yet
  f.now += 11'000;                                                // past the 10 s interval
  h.answer(kBoard, 100.0, false);
  CHECK(f.board(kBoard).health == BoardHealth::kBad);
  CHECK(f.board(kBoard).health_message.find("output check failed") != std::string::npos);
  // Quarantined: no user job, no further check until restored.
  f.submit();
  f.now += 11'000;
  f.svc->heartbeat("lab");
  CHECK_FALSE(f.next("lab"));
}

TEST_CASE("health: latency out of band after 3 good checks -> bad") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1"}));
  for (double us : {100.0, 104.0, 98.0}) {  // the first 3 build the history
    h.answer(kBoard, us, true);
    CHECK(f.board(kBoard).health == BoardHealth::kGood);
    f.now += 11'000;
  }
  h.answer(kBoard, 108.0, true);  // within 10 % of the median 100
  CHECK(f.board(kBoard).health == BoardHealth::kGood);
  f.now += 11'000;
  const hbs::Job j = h.answer(kBoard, 125.0, true);
  CHECK(f.board(kBoard).health == BoardHealth::kBad);
  CHECK(f.board(kBoard).health_message.find("outside") != std::string::npos);
  CHECK(f.store->get_result(j.id)->data["health_check"]["passed"] == false);
}

TEST_CASE("health: checks timed another way (a new agent's latency method) start a new band") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1"}));
  for (double us : {100.0, 104.0, 98.0}) {
    h.answer(kBoard, us, true, "old basis");
    f.now += 11'000;
  }
  // 25 % slower on the new basis: not a slower board, no history on that basis yet.
  for (double us : {125.0, 126.0, 124.0}) {
    h.answer(kBoard, us, true, "new basis");
    CHECK(f.board(kBoard).health == BoardHealth::kGood);
    f.now += 11'000;
  }
  // The new band holds from now on.
  h.answer(kBoard, 100.0, true, "new basis");
  CHECK(f.board(kBoard).health == BoardHealth::kBad);
}

TEST_CASE("health: a job error or infrastructure failure of a check -> bad, not retried") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1", "p2"}));
  f.svc->tick();
  auto a = f.svc->poll("lab", std::chrono::milliseconds(0));
  auto b = f.svc->poll("lab", std::chrono::milliseconds(0));
  REQUIRE(a);
  REQUIRE(b);
  f.svc->report_failure("lab", a->job_id, FailureType::kJob, "arena too small");
  CHECK(f.board(a->board_id).health == BoardHealth::kBad);
  CHECK(f.board(a->board_id).health_message.find("arena too small") != std::string::npos);
  const hbs::Job j =
      f.svc->report_failure("lab", b->job_id, FailureType::kInfrastructure, "probe lost");
  CHECK(j.state == JobState::kFailed);  // pinned: never retried on another board
  CHECK(f.board(b->board_id).health == BoardHealth::kBad);
  CHECK(f.board(b->board_id).health_message.find("probe lost") != std::string::npos);
}

TEST_CASE("health: maintenance boards are skipped; restore -> unknown and a fresh check") {
  HealthFixture h;
  Fixture& f = *h.f;
  f.svc->register_agent("lab", boards({"p1"}));
  h.answer(kBoard, 100.0, false);
  REQUIRE(f.board(kBoard).health == BoardHealth::kBad);
  f.svc->set_maintenance(kBoard, true);
  f.now += 11'000;
  f.svc->heartbeat("lab");
  CHECK_FALSE(f.next("lab"));
  f.svc->set_maintenance(kBoard, false);
  CHECK(f.board(kBoard).health == BoardHealth::kUnknown);
  h.answer(kBoard, 100.0, true);
  CHECK(f.board(kBoard).health == BoardHealth::kGood);
}

TEST_CASE("health: config keys; no model configured -> no health checks") {
  hbs::daemon::DaemonConfig c;
  CHECK(c.health_model.empty());
  hbs::daemon::apply_config_json(
      nlohmann::json::parse(R"({"health_model": "auto", "health_check_interval_s": 60})"), c);
  CHECK(c.health_model == "auto");
  CHECK(c.service.health_check_interval == std::chrono::seconds(60));
  CHECK_THROWS(hbs::daemon::apply_config_json(nlohmann::json::parse(R"({"health_model": 1})"), c));
  Fixture f;  // no health_model
  f.svc->register_agent("lab", boards({"p1"}));
  f.svc->tick();
  hbs::JobFilter jf;
  jf.repo = hbs::daemon::kHealthRepo;
  CHECK(f.store->list_jobs(jf).empty());
  CHECK(f.board(kBoard).health == BoardHealth::kUnknown);
}

TEST_CASE("health: a golden model the compiler refuses turns the checks off") {
  char tmpl[] = "/tmp/hbs_health_model.XXXXXX";
  const int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "TFL3-not-a-model", 16) == 16);
  close(fd);
  hbs::daemon::ServiceOptions o;
  o.health_model = tmpl;
  Fixture f(o);
  std::filesystem::remove(tmpl);
  f.svc->register_agent("lab", boards({"p1"}));
  f.svc->tick();
  hbs::JobFilter jf;
  jf.repo = hbs::daemon::kHealthRepo;
  CHECK(f.store->list_jobs(jf).empty());
  CHECK(f.store->list_models(10, 0).size() == 1);  // only the fixture's: nothing for it
}

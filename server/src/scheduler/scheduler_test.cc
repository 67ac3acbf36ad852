#include "hbs/scheduler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>

namespace hbs {

namespace {

Job job(int64_t id, int32_t priority, int64_t created, BoardSelector sel = {},
        std::vector<std::string> excluded = {}) {
  Job j;
  j.id = id;
  j.spec.priority = priority;
  j.spec.selector = std::move(sel);
  j.created_ms = created;
  j.excluded_boards = std::move(excluded);
  return j;
}

Board board(std::string id, std::string profile = "f446", std::string agent = "a1",
            std::map<std::string, std::string> tags = {{"core", "cortex-m4"}}) {
  Board b;
  b.id = std::move(id);
  b.profile_id = std::move(profile);
  b.agent_id = std::move(agent);
  b.tags = std::move(tags);
  b.state = BoardState::kIdle;
  b.health = BoardHealth::kGood;
  return b;
}

std::map<int64_t, std::string> as_map(const std::vector<Assignment>& v) {
  std::map<int64_t, std::string> m;
  for (const auto& a : v) {
    CHECK_MESSAGE(m.count(a.job_id) == 0, "job assigned twice");
    m[a.job_id] = a.board_id;
  }
  return m;
}

const std::set<std::string> kOnline = {"a1", "a2"};

}  // namespace

TEST_CASE("matches: profile and every tag") {
  Board b = board("x", "f446", "a1", {{"core", "cortex-m4"}, {"emulated", "false"}});
  CHECK(matches({}, b));
  CHECK(matches({"f446", {}}, b));
  CHECK_FALSE(matches({"f746", {}}, b));
  CHECK(matches({"", {{"core", "cortex-m4"}}}, b));
  CHECK(matches({"f446", {{"core", "cortex-m4"}, {"emulated", "false"}}}, b));
  CHECK_FALSE(matches({"", {{"core", "cortex-m7"}}}, b));
  CHECK_FALSE(matches({"", {{"core", "cortex-m4"}, {"fpu", "yes"}}}, b));  // missing key
  Board off = b;
  off.state = BoardState::kOffline;
  off.health = BoardHealth::kBad;
  CHECK(matches({"f446", {}}, off));  // ignores state and health
}

TEST_CASE("assign: priority first, then age, then id") {
  std::vector<Job> jobs = {job(1, 0, 100), job(2, 5, 300), job(3, 5, 200), job(4, 0, 50),
                           job(5, 5, 200)};
  std::vector<Board> boards = {board("b2"), board("b1")};
  auto m = as_map(assign(jobs, boards, kOnline));
  REQUIRE(m.size() == 2);
  // Priority 5 jobs first; of those, created 200 (ids 3 and 5) before 300;
  // 3 before 5 by id. Boards by id.
  CHECK(m.at(3) == "b1");
  CHECK(m.at(5) == "b2");
}

TEST_CASE("assign: one job per board; only idle boards") {
  std::vector<Job> jobs;
  for (int i = 1; i <= 10; ++i) jobs.push_back(job(i, 0, i));
  std::vector<Board> boards = {board("b1"), board("b2"), board("b3")};
  boards[1].state = BoardState::kBusy;
  auto v = assign(jobs, boards, kOnline);
  auto m = as_map(v);
  REQUIRE(m.size() == 2);
  CHECK(m.at(1) == "b1");
  CHECK(m.at(2) == "b3");
  std::set<std::string> used;
  for (auto& a : v) CHECK(used.insert(a.board_id).second);
}

TEST_CASE("assign: tags and profile") {
  std::vector<Board> boards = {
      board("m4", "f446", "a1", {{"core", "cortex-m4"}}),
      board("m7", "f746", "a1", {{"core", "cortex-m7"}}),
      board("m0", "qemu-m0", "a2", {{"core", "cortex-m0"}, {"emulated", "true"}}),
  };
  std::vector<Job> jobs = {
      job(1, 0, 1, {"", {{"core", "cortex-m7"}}}),
      job(2, 0, 2, {"qemu-m0", {}}),
      job(3, 0, 3, {"", {{"core", "cortex-m55"}}}),     // no such board
      job(4, 0, 4, {"f446", {{"core", "cortex-m7"}}}),  // contradictory
      job(5, 0, 5),                                     // anything: m4 is what is left
  };
  auto m = as_map(assign(jobs, boards, kOnline));
  CHECK(m.size() == 3);
  CHECK(m.at(1) == "m7");
  CHECK(m.at(2) == "m0");
  CHECK(m.count(3) == 0);
  CHECK(m.count(4) == 0);
  CHECK(m.at(5) == "m4");
}

TEST_CASE("assign: excluded boards are skipped, the next match is used") {
  std::vector<Board> boards = {board("b1"), board("b2")};
  auto m = as_map(assign({job(1, 0, 1, {}, {"b1"})}, boards, kOnline));
  CHECK(m.at(1) == "b2");
  m = as_map(assign({job(1, 0, 1, {}, {"b1", "b2"})}, boards, kOnline));
  CHECK(m.empty());
  // An excluded job does not block a later job from the board it refused.
  m = as_map(assign({job(1, 9, 1, {}, {"b1", "b2"}), job(2, 0, 2)}, boards, kOnline));
  CHECK(m.count(1) == 0);
  CHECK(m.at(2) == "b1");
}

TEST_CASE("assign: offline agents, bad and maintenance health are never used; unknown is") {
  std::vector<Board> boards = {board("a-off", "f446", "gone"), board("b-bad"), board("c-maint"),
                               board("d-unknown"), board("e-offline-state")};
  boards[1].health = BoardHealth::kBad;
  boards[2].health = BoardHealth::kMaintenance;
  boards[3].health = BoardHealth::kUnknown;
  boards[4].state = BoardState::kOffline;
  std::vector<Job> jobs = {job(1, 0, 1), job(2, 0, 2), job(3, 0, 3)};
  auto m = as_map(assign(jobs, boards, kOnline));
  REQUIRE(m.size() == 1);
  CHECK(m.at(1) == "d-unknown");
  CHECK(assign(jobs, boards, {}).empty());  // nobody online
}

TEST_CASE("assign: only queued jobs; duplicates count once; empty inputs") {
  std::vector<Job> jobs = {job(1, 0, 1), job(1, 0, 1), job(2, 0, 2)};
  jobs[2].state = JobState::kRunning;
  std::vector<Board> boards = {board("b1"), board("b2"), board("b3")};
  auto v = assign(jobs, boards, kOnline);
  REQUIRE(v.size() == 1);
  CHECK(v[0].job_id == 1);
  CHECK(assign({}, boards, kOnline).empty());
  CHECK(assign(jobs, {}, kOnline).empty());
}

TEST_CASE("assign: a selector with nothing free does not hide boards from others") {
  // Exercises the "exhausted selector" memo: job 1 takes the only m7; job 2
  // (m7) finds none; job 3 (m7, lower priority) must also get none, while a
  // job with another selector still gets its board.
  std::vector<Board> boards = {board("m7", "f746", "a1", {{"core", "cortex-m7"}}),
                               board("m4", "f446", "a1", {{"core", "cortex-m4"}})};
  BoardSelector m7{"", {{"core", "cortex-m7"}}};
  std::vector<Job> jobs = {job(1, 3, 1, m7), job(2, 2, 1, m7), job(3, 1, 1, m7),
                           job(4, 0, 1, {"f446", {}})};
  auto m = as_map(assign(jobs, boards, kOnline));
  CHECK(m.size() == 2);
  CHECK(m.at(1) == "m7");
  CHECK(m.at(4) == "m4");
}

TEST_CASE("assign: permutation invariance over many shuffles") {
  std::mt19937 rng(12345);
  const char* cores[] = {"cortex-m0", "cortex-m4", "cortex-m7", "cortex-m55"};
  const char* profiles[] = {"p0", "p1", "p2", "p3", "p4"};
  std::vector<Board> boards;
  for (int i = 0; i < 40; ++i) {
    Board b = board("board-" + std::to_string(i), profiles[i % 5], i % 7 == 0 ? "a3" : "a1",
                    {{"core", cores[i % 4]}});
    if (i % 9 == 0) b.health = BoardHealth::kBad;
    if (i % 11 == 0) b.state = BoardState::kBusy;
    if (i % 13 == 0) b.health = BoardHealth::kUnknown;
    boards.push_back(b);
  }
  std::vector<Job> jobs;
  for (int i = 1; i <= 120; ++i) {
    BoardSelector sel;
    if (i % 3 == 0) sel.tags["core"] = cores[i % 4];
    if (i % 5 == 0) sel.profile = profiles[i % 5];
    std::vector<std::string> ex;
    if (i % 4 == 0) ex = {"board-" + std::to_string(i % 40), "board-" + std::to_string(i % 17)};
    // Few distinct priorities and times so that ties are common.
    jobs.push_back(job(i, i % 3, 1000 + (i % 4), sel, ex));
  }
  const std::set<std::string> online = {"a1"};
  const auto reference = as_map(assign(jobs, boards, online));
  CHECK(reference.size() > 10);  // the instance is not trivially empty
  for (int round = 0; round < 300; ++round) {
    std::shuffle(jobs.begin(), jobs.end(), rng);
    std::shuffle(boards.begin(), boards.end(), rng);
    REQUIRE(as_map(assign(jobs, boards, online)) == reference);
  }
}

}  // namespace hbs

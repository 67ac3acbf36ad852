// scheduler_bench.cc: how fast assign() is on a big snapshot, and how many
// assignments per second the scheduler+store loop can apply.
//
//   scheduler_bench [boards=500] [jobs=10000]
//
// Prints figures; not a test (no thresholds). Board and job shapes: 8
// profiles, 4 cores, every 10th board bad, every 15th on an offline agent;
// jobs select by core (1/2), by profile (1/4) or anything, 5 priorities.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "hbs/scheduler.h"
#include "store/sqlite_store.h"

using namespace hbs;
using Clock = std::chrono::steady_clock;

namespace {

const char* kCores[] = {"cortex-m0", "cortex-m4", "cortex-m7", "cortex-m55"};

// prefix + number, built by appending (GCC 12 gives a false -Wrestrict on
// "literal" + std::string in -O2 builds).
std::string num(const char* prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

std::vector<Board> make_boards(int n) {
  std::vector<Board> boards;
  for (int i = 0; i < n; ++i) {
    Board b;
    b.agent_id = num("agent-", i % 30);
    b.profile_id = num("p", i % 8);
    b.id = b.agent_id;
    b.id += '/';
    b.id += b.profile_id;
    b.id += num("/", i);
    b.tags = {{"core", kCores[i % 4]}, {"emulated", i % 3 ? "false" : "true"}};
    b.health = i % 10 == 0 ? BoardHealth::kBad : BoardHealth::kGood;
    boards.push_back(b);
  }
  return boards;
}

JobSpec make_spec(int i) {
  JobSpec s;
  if (i % 2 == 0) s.selector.tags["core"] = kCores[i % 4];
  if (i % 4 == 1) s.selector.profile = num("p", i % 8);
  s.priority = i % 5;
  return s;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int nboards = argc > 1 ? std::atoi(argv[1]) : 500;
  const int njobs = argc > 2 ? std::atoi(argv[2]) : 10000;
  std::set<std::string> online;
  for (int a = 0; a < 30; ++a) {
    if (a % 15 != 0) online.insert(num("agent-", a));
  }
  std::vector<Board> boards = make_boards(nboards);

  // 1. assign() alone on the snapshot.
  std::vector<Job> jobs;
  for (int i = 0; i < njobs; ++i) {
    Job j;
    j.id = i + 1;
    j.spec = make_spec(i);
    j.created_ms = i;
    if (i % 20 == 0) j.excluded_boards = {boards[i % nboards].id};
    jobs.push_back(j);
  }
  size_t assigned = 0;
  int reps = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 2.0 || reps < 3) {
    assigned = assign(jobs, boards, online).size();
    ++reps;
  }
  double per_call = seconds_since(t0) / reps;
  std::printf(
      "assign(): %d boards, %d queued jobs: %.2f ms per call, %zu assignments per call, "
      "%.0f assignments/s\n",
      nboards, njobs, per_call * 1e3, assigned, assigned / per_call);

  // 2. The daemon's loop through the store: snapshot (queued_jobs +
  // list_boards), assign, apply each with update_job (CAS) and
  // set_board_state, then finish every running job so boards free up.
  for (auto sync : {store::SqliteStore::Sync::kFull, store::SqliteStore::Sync::kNormal}) {
    const bool full = sync == store::SqliteStore::Sync::kFull;
    // FULL fsyncs every commit: a smaller queue keeps the run short.
    const int n = full ? std::min(njobs, 1000) : njobs;
    std::string dir = std::filesystem::temp_directory_path() / num("hbs-bench-", getpid());
    std::filesystem::create_directories(dir);
    {
      store::SqliteStore s(dir + "/bench.db", sync);
      for (const Board& b : boards) s.upsert_board(b);
      auto tc = Clock::now();
      for (int i = 0; i < n; ++i) s.create_job(make_spec(i), i);
      double create_s = seconds_since(tc);
      size_t applied = 0, cycles = 0;
      double snapshot_s = 0, assign_s = 0, apply_s = 0;
      auto t1 = Clock::now();
      while (seconds_since(t1) < 10.0) {
        auto ts = Clock::now();
        auto q = s.queued_jobs();
        auto bs = s.list_boards();
        snapshot_s += seconds_since(ts);
        if (q.empty()) break;
        auto ta = Clock::now();
        auto as = assign(q, bs, online);
        assign_s += seconds_since(ta);
        auto tp = Clock::now();
        for (const auto& a : as) {
          JobUpdate u{JobState::kAssigned};
          u.board_id = a.board_id;
          u.attempts = 1;
          if (s.update_job(a.job_id, JobState::kQueued, u, 0)) {
            s.set_board_state(a.board_id, BoardState::kBusy, a.job_id);
            ++applied;
          }
        }
        apply_s += seconds_since(tp);
        // Free the boards again (stands in for jobs completing).
        for (const auto& a : as) {
          Result r;
          r.board_id = a.board_id;
          s.finish_job_with_result(a.job_id, JobState::kAssigned, r, 1);
          s.set_board_state(a.board_id, BoardState::kIdle, 0);
        }
        ++cycles;
      }
      double total = seconds_since(t1);
      std::printf(
          "store loop (synchronous=%s): created %d jobs in %.2f s (%.0f/s); %zu "
          "assignments in %zu cycles, %.2f s: %.0f assignments/s end to end "
          "(snapshot %.2f s, assign %.2f s, apply %.2f s, finish %.2f s)\n",
          full ? "FULL" : "NORMAL", n, create_s, n / create_s, applied, cycles, total,
          applied / total, snapshot_s, assign_s, apply_s, total - snapshot_s - assign_s - apply_s);
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}

// Crash safety: a child process stores results in a loop and is SIGKILLed at
// a random moment; every result it reported as committed must survive, and
// the file must pass integrity_check. Run with both synchronous modes: for a
// process kill (not a power cut) NORMAL must be as safe as FULL.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"
#include "store/test_dir.h"

namespace hbs::store {

namespace {

[[noreturn]] void child_loop(const std::string& path, SqliteStore::Sync sync, int out_fd) {
  try {
    SqliteStore s(path, sync);
    for (int64_t i = 0;; ++i) {
      JobSpec spec;
      spec.labels.commit = "c" + std::to_string(i);
      Job j = s.create_job(spec, i);
      JobUpdate run{JobState::kRunning};
      run.board_id = "b";
      run.started_ms = i;
      if (!s.update_job(j.id, JobState::kQueued, run, i)) _exit(3);
      s.append_log(j.id, "running", i);
      Result r;
      r.board_id = "b";
      r.commit = spec.labels.commit;
      r.latency_median_us = static_cast<double>(i);
      r.data = {{"i", i}, {"pad", std::string(200, 'x')}};
      if (!s.finish_job_with_result(j.id, JobState::kRunning, r, i)) _exit(4);
      // Only now is the result committed: report it.
      if (write(out_fd, &j.id, sizeof j.id) != sizeof j.id) _exit(5);
    }
  } catch (...) {
    _exit(2);
  }
}

}  // namespace

TEST_CASE("SqliteStore: SIGKILL at random moments loses no committed result") {
  TestDir dir;
  const std::string path = dir.file("crash.db");
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(5, 80);
  size_t total_reported = 0;
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    const auto sync = round % 2 ? SqliteStore::Sync::kNormal : SqliteStore::Sync::kFull;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      child_loop(path, sync, fds[1]);
    }
    close(fds[1]);
    std::vector<int64_t> reported;
    // Drain the pipe while the child runs so it never blocks on a full pipe.
    std::thread reader([&] {
      int64_t id;
      while (read(fds[0], &id, sizeof id) == sizeof id) reported.push_back(id);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    reader.join();  // EOF: the child's write end closed when it died
    close(fds[0]);
    INFO("round " << round);
    // The child must have died from our signal, not from an error of its own.
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    SqliteStore s(path);
    REQUIRE(s.integrity_check() == "ok");
    for (int64_t id : reported) {
      auto r = s.get_result(id);
      REQUIRE_MESSAGE(r, "result of job " << id << " lost");
      auto j = s.get_job(id);
      REQUIRE(j);
      CHECK(j->state == JobState::kDone);
      CHECK(r->commit == j->spec.labels.commit);
    }
    // A job killed mid-flight is requeued, never left running.
    s.requeue_in_flight(0);
    JobFilter running;
    running.state = JobState::kRunning;
    CHECK(s.list_jobs(running).empty());
    total_reported += reported.size();
  }
  MESSAGE("crash test: " << total_reported << " committed results checked over " << kRounds
                         << " kills");
  CHECK(total_reported > 0);
}

}  // namespace hbs::store

#include "hbs/types.h"

#include <doctest/doctest.h>

namespace hbs {

TEST_CASE("enum strings round-trip and unknown strings are rejected") {
  for (JobState s :
       {JobState::kQueued, JobState::kAssigned, JobState::kFlashing, JobState::kRunning,
        JobState::kDone, JobState::kFailed, JobState::kCancelled}) {
    CHECK(job_state_from(to_string(s)) == s);
  }
  for (FailureType f : {FailureType::kNone, FailureType::kInfrastructure, FailureType::kJob,
                        FailureType::kTimeout}) {
    CHECK(failure_type_from(to_string(f)) == f);
  }
  for (BoardState s : {BoardState::kIdle, BoardState::kBusy, BoardState::kOffline}) {
    CHECK(board_state_from(to_string(s)) == s);
  }
  for (BoardHealth h :
       {BoardHealth::kGood, BoardHealth::kBad, BoardHealth::kUnknown, BoardHealth::kMaintenance}) {
    CHECK(board_health_from(to_string(h)) == h);
  }
  CHECK(std::string(to_string(JobState::kCancelled)) == "cancelled");
  CHECK(std::string(to_string(FailureType::kInfrastructure)) == "infrastructure");
  CHECK_FALSE(job_state_from("Queued"));
  CHECK_FALSE(job_state_from(""));
  CHECK_FALSE(board_health_from("ok"));
  CHECK_FALSE(failure_type_from("infra"));
  CHECK_FALSE(board_state_from("idle "));
}

TEST_CASE("is_terminal: done, failed, cancelled only") {
  CHECK(is_terminal(JobState::kDone));
  CHECK(is_terminal(JobState::kFailed));
  CHECK(is_terminal(JobState::kCancelled));
  CHECK_FALSE(is_terminal(JobState::kQueued));
  CHECK_FALSE(is_terminal(JobState::kAssigned));
  CHECK_FALSE(is_terminal(JobState::kFlashing));
  CHECK_FALSE(is_terminal(JobState::kRunning));
}

}  // namespace hbs

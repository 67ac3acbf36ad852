// types.cc: the string forms of the domain enums. These strings are stored in
// the database and sent over the API, so changing one is a schema change.
#include "hbs/types.h"

namespace hbs {

const char* to_string(JobState s) {
  switch (s) {
    case JobState::kQueued:
      return "queued";
    case JobState::kAssigned:
      return "assigned";
    case JobState::kFlashing:
      return "flashing";
    case JobState::kRunning:
      return "running";
    case JobState::kDone:
      return "done";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

const char* to_string(FailureType f) {
  switch (f) {
    case FailureType::kNone:
      return "none";
    case FailureType::kInfrastructure:
      return "infrastructure";
    case FailureType::kJob:
      return "job";
    case FailureType::kTimeout:
      return "timeout";
  }
  return "unknown";
}

const char* to_string(BoardState s) {
  switch (s) {
    case BoardState::kIdle:
      return "idle";
    case BoardState::kBusy:
      return "busy";
    case BoardState::kOffline:
      return "offline";
  }
  return "unknown";
}

const char* to_string(BoardHealth h) {
  switch (h) {
    case BoardHealth::kGood:
      return "good";
    case BoardHealth::kBad:
      return "bad";
    case BoardHealth::kUnknown:
      return "unknown";
    case BoardHealth::kMaintenance:
      return "maintenance";
  }
  return "unknown";
}

std::optional<JobState> job_state_from(const std::string& s) {
  for (JobState v :
       {JobState::kQueued, JobState::kAssigned, JobState::kFlashing, JobState::kRunning,
        JobState::kDone, JobState::kFailed, JobState::kCancelled}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<FailureType> failure_type_from(const std::string& s) {
  for (FailureType v : {FailureType::kNone, FailureType::kInfrastructure, FailureType::kJob,
                        FailureType::kTimeout}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<BoardState> board_state_from(const std::string& s) {
  for (BoardState v : {BoardState::kIdle, BoardState::kBusy, BoardState::kOffline}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<BoardHealth> board_health_from(const std::string& s) {
  for (BoardHealth v :
       {BoardHealth::kGood, BoardHealth::kBad, BoardHealth::kUnknown, BoardHealth::kMaintenance}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

bool is_terminal(JobState s) {
  return s == JobState::kDone || s == JobState::kFailed || s == JobState::kCancelled;
}

}  // namespace hbs

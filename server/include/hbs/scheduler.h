// hbs/scheduler.h: which queued job goes to which board, as a pure function.
//
// assign() sees a snapshot (queued jobs, boards, which agents are online) and
// returns assignments; the daemon applies them with Store::update_job
// compare-and-set. Being pure, it is tested by permuting its inputs: the
// answer must not change (jobs are ordered by priority desc, created asc, id
// asc; boards by id).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hbs/types.h"

namespace hbs {

struct Assignment {
  int64_t job_id;
  std::string board_id;
};

// Rules: one job per board (only idle boards); never a board whose agent is
// offline, whose health is bad or maintenance, or that is in the job's
// excluded_boards; the selector's profile and every tag must match.
std::vector<Assignment> assign(const std::vector<Job>& queued, const std::vector<Board>& boards,
                               const std::set<std::string>& online_agents);

// True if `b` satisfies `sel` (profile and tags), ignoring state and health.
bool matches(const BoardSelector& sel, const Board& b);

}  // namespace hbs

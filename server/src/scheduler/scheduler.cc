// scheduler.cc: assign() as a pure function (hbs/scheduler.h).
//
// Greedy in a canonical order: jobs by (priority desc, created asc, id asc),
// each takes the first eligible unused board by id. Both orders are total
// (ids are unique), so the answer depends only on the sets given, never on
// their order. Cost: O(J log J + B log B + J * B) in the worst case; two
// shortcuts keep the common case cheap: stop once every board is taken, and
// remember selectors that found no free board (boards are only ever consumed
// within one call, so such a selector stays unsatisfiable for later jobs).
#include "hbs/scheduler.h"

#include <algorithm>
#include <unordered_set>

namespace hbs {

bool matches(const BoardSelector& sel, const Board& b) {
  if (!sel.profile.empty() && sel.profile != b.profile_id) return false;
  for (const auto& [key, value] : sel.tags) {
    auto it = b.tags.find(key);
    if (it == b.tags.end() || it->second != value) return false;
  }
  return true;
}

namespace {

bool schedulable(const Board& b, const std::set<std::string>& online_agents) {
  return b.state == BoardState::kIdle && b.health != BoardHealth::kBad &&
         b.health != BoardHealth::kMaintenance && online_agents.count(b.agent_id) != 0;
}

// A canonical text form of a selector, for the "nothing free" memo.
std::string selector_key(const BoardSelector& s) {
  std::string k = s.profile;
  k += '\0';
  for (const auto& [key, value] : s.tags) {
    k += key;
    k += '\x01';
    k += value;
    k += '\0';
  }
  return k;
}

}  // namespace

std::vector<Assignment> assign(const std::vector<Job>& queued, const std::vector<Board>& boards,
                               const std::set<std::string>& online_agents) {
  std::vector<const Board*> free;
  free.reserve(boards.size());
  for (const Board& b : boards) {
    if (schedulable(b, online_agents)) free.push_back(&b);
  }
  std::sort(free.begin(), free.end(), [](const Board* a, const Board* b) { return a->id < b->id; });
  // A board id listed twice is one board.
  free.erase(std::unique(free.begin(), free.end(),
                         [](const Board* a, const Board* b) { return a->id == b->id; }),
             free.end());

  std::vector<const Job*> jobs;
  jobs.reserve(queued.size());
  for (const Job& j : queued) {
    if (j.state == JobState::kQueued) jobs.push_back(&j);
  }
  std::sort(jobs.begin(), jobs.end(), [](const Job* a, const Job* b) {
    if (a->spec.priority != b->spec.priority) return a->spec.priority > b->spec.priority;
    if (a->created_ms != b->created_ms) return a->created_ms < b->created_ms;
    return a->id < b->id;
  });

  std::vector<Assignment> out;
  std::vector<bool> taken(free.size(), false);
  size_t remaining = free.size();
  std::unordered_set<std::string> exhausted;  // selectors with no free matching board left
  std::unordered_set<int64_t> seen;           // a job id listed twice is one job
  for (const Job* j : jobs) {
    if (remaining == 0) break;
    if (!seen.insert(j->id).second) continue;
    std::string key = selector_key(j->spec.selector);
    if (exhausted.count(key)) continue;
    bool any_match = false;  // a free matching board, excluded or not
    for (size_t i = 0; i < free.size(); ++i) {
      if (taken[i] || !matches(j->spec.selector, *free[i])) continue;
      any_match = true;
      const auto& ex = j->excluded_boards;
      if (std::find(ex.begin(), ex.end(), free[i]->id) != ex.end()) continue;
      taken[i] = true;
      --remaining;
      out.push_back({j->id, free[i]->id});
      break;
    }
    if (!any_match) exhausted.insert(std::move(key));
  }
  return out;
}

}  // namespace hbs

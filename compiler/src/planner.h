// planner.h: offline arena planner.
//
// Assigns every activation tensor and every op's scratch buffer an arena
// offset so that no two buffers that are live at the same time share a
// byte, except where an operator says it can tolerate it (OverlapHint in
// hbc/lower.h: aliasing, in-place, or "output may start `lead` bytes before
// its dying input"). The planner is a pure function of its inputs: it tries
// several placement orders (greedy lowest-fit by size, by first use, by
// lifetime, ... with and without the overlap hints, plus seeded random
// orders and a local search) and keeps the smallest arena. check_arena()
// verifies any assignment independently; compile_plan runs it on every plan.
//
// Lifetimes are in op positions (0 .. n_ops-1), inclusive: a buffer is live
// from the op that writes it first to the last op that reads it. Graph
// inputs start at 0, graph outputs end at n_ops-1, an op's scratch lives
// only at that op.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hbc {

struct PlanBuffer {
  uint32_t size = 0;  // bytes (0 is allowed: such a buffer takes no space)
  int first = 0;      // first op position at which it is live
  int last = 0;       // last op position at which it is live (>= first)
};

// Buffer `out` may overlap buffer `in` (indices into the PlanBuffer list):
//  alias: out's offset equals in's offset (any lifetimes; the bytes are shared
//         read-only, e.g. RESHAPE);
//  else:  only if `in` dies where `out` is born (in.last == out.first) and
//         out.offset + lead <= in.offset: the kernel writes its output in
//         increasing address order and, with its output starting at least
//         `lead` bytes before its input, never overwrites input bytes it has
//         yet to read (lead 0 = elementwise in place).
struct PlanHint {
  int out = -1;
  int in = -1;
  int64_t lead = 0;  // bytes, >= 0
  bool alias = false;
};

struct ArenaPlan {
  std::vector<uint32_t> offsets;  // per buffer, bytes from the arena base, 16-aligned
  uint32_t arena_size = 0;        // bytes, a multiple of 16
  std::string strategy;           // which ordering won (for reports/debugging)
};

// Plans the arena. Deterministic. Throws std::invalid_argument for
// malformed input (bad lifetimes or hint indices) and std::overflow_error
// if the arena would exceed 4 GiB.
ArenaPlan plan_arena(const std::vector<PlanBuffer>& buffers, const std::vector<PlanHint>& hints);

// Checks an assignment: alignment, bounds, and that every pair of buffers
// live at the same time is byte-disjoint or allowed by a hint. Returns ""
// when valid, otherwise a description of the first violation.
std::string check_arena(const std::vector<PlanBuffer>& buffers, const std::vector<PlanHint>& hints,
                        const ArenaPlan& plan);

}  // namespace hbc

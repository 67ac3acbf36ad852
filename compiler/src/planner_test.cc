// Tests for planner.cc: every plan passes the independent checker, hints
// shrink the arena exactly when they are legal, and the checker itself
// catches overlaps.
#include "planner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using hbc::ArenaPlan;
using hbc::PlanBuffer;
using hbc::PlanHint;

TEST_CASE("planner: chain without hints reuses memory of dead buffers") {
  // a(0..1) -> b(1..2) -> c(2..3): a and c never live together.
  std::vector<PlanBuffer> b = {{100, 0, 1}, {200, 1, 2}, {100, 2, 3}};
  ArenaPlan p = hbc::plan_arena(b, {});
  CHECK(hbc::check_arena(b, {}, p) == "");
  CHECK(p.arena_size == 112 + 208);
  CHECK(p.offsets[0] == p.offsets[2]);
}

TEST_CASE("planner: in-place hint halves an elementwise chain") {
  std::vector<PlanBuffer> b = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}};
  std::vector<PlanHint> h = {{1, 0, 0, false}, {2, 1, 0, false}};
  ArenaPlan with = hbc::plan_arena(b, h);
  CHECK(hbc::check_arena(b, h, with) == "");
  CHECK(with.arena_size == 1008);
  ArenaPlan without = hbc::plan_arena(b, {});
  CHECK(without.arena_size == 2016);
  // The hinted plan is illegal without the hints.
  CHECK(hbc::check_arena(b, {}, with) != "");
}

TEST_CASE("planner: a lead keeps the output far enough before its input") {
  std::vector<PlanBuffer> b = {{100, 0, 1}, {120, 1, 2}};
  std::vector<PlanHint> h = {{1, 0, 20, false}};
  ArenaPlan p = hbc::plan_arena(b, h);
  CHECK(hbc::check_arena(b, h, p) == "");
  CHECK(p.arena_size == 144);  // output at 0, input at 32 (16-aligned, >= 20)
  CHECK(p.offsets[1] + 20 <= p.offsets[0]);
  CHECK(hbc::plan_arena(b, {}).arena_size == 112 + 128);
  // Output ahead of its input is never allowed.
  ArenaPlan ahead{{0, 16}, 144, ""};
  CHECK(hbc::check_arena(b, h, ahead) != "");
  // Output before the input, but by less than the lead.
  ArenaPlan close{{16, 0}, 128, ""};
  CHECK(hbc::check_arena(b, h, close) != "");
  // Further before than the lead: fine.
  ArenaPlan far{{48, 0}, 160, ""};
  CHECK(hbc::check_arena(b, h, far) == "");
}

TEST_CASE("planner: a hint is void when the input outlives the op") {
  // Input 0 is still read at op 2 (e.g. a ResNet skip connection).
  std::vector<PlanBuffer> b = {{256, 0, 2}, {256, 1, 2}};
  std::vector<PlanHint> h = {{1, 0, 0, false}};
  ArenaPlan p = hbc::plan_arena(b, h);
  CHECK(hbc::check_arena(b, h, p) == "");
  CHECK(p.arena_size == 512);
}

TEST_CASE("planner: alias shares the offset even while both live") {
  std::vector<PlanBuffer> b = {{64, 0, 3}, {64, 1, 3}, {32, 2, 2}};
  std::vector<PlanHint> h = {{1, 0, 0, true}};
  ArenaPlan p = hbc::plan_arena(b, h);
  CHECK(hbc::check_arena(b, h, p) == "");
  CHECK(p.offsets[0] == p.offsets[1]);
  CHECK(p.arena_size == 64 + 32);
}

TEST_CASE("planner: random problems, permuted, always check out") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    const int n_ops = 3 + static_cast<int>(rng() % 12);
    std::vector<PlanBuffer> b;
    std::vector<PlanHint> h;
    for (int i = 0; i < 4 + static_cast<int>(rng() % 20); ++i) {
      const int first = static_cast<int>(rng() % static_cast<unsigned>(n_ops));
      const int last = first + static_cast<int>(rng() % 4);
      b.push_back({static_cast<uint32_t>(rng() % 3000), first, std::min(last, n_ops)});
    }
    for (size_t i = 0; i < b.size(); ++i) {
      for (size_t j = 0; j < b.size(); ++j) {
        if (i != j && b[j].last == b[i].first && rng() % 3 == 0) {
          h.push_back({static_cast<int>(i), static_cast<int>(j), static_cast<int64_t>(rng() % 64),
                       rng() % 7 == 0});
        }
      }
    }
    const ArenaPlan p = hbc::plan_arena(b, h);
    REQUIRE(hbc::check_arena(b, h, p) == "");
    uint64_t sum = 0, biggest = 0;
    for (const auto& x : b) {
      sum += (x.size + 15) / 16 * 16;
      biggest = std::max<uint64_t>(biggest, x.size);
    }
    CHECK(p.arena_size <= sum);
    CHECK(p.arena_size >= biggest);
    // Deterministic.
    CHECK(hbc::plan_arena(b, h).offsets == p.offsets);
    // A permuted problem (buffers renumbered) is planned validly too, and
    // no worse than the plain size-ordered greedy bound.
    std::vector<int> perm(b.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<PlanBuffer> pb(b.size());
    for (size_t i = 0; i < b.size(); ++i) pb[static_cast<size_t>(perm[i])] = b[i];
    std::vector<PlanHint> ph = h;
    for (auto& x : ph) {
      x.out = perm[static_cast<size_t>(x.out)];
      x.in = perm[static_cast<size_t>(x.in)];
    }
    const ArenaPlan pp = hbc::plan_arena(pb, ph);
    CHECK(hbc::check_arena(pb, ph, pp) == "");
    CHECK(pp.arena_size <= sum);
  }
}

TEST_CASE("planner: rejects malformed input") {
  CHECK_THROWS(hbc::plan_arena({{16, 3, 1}}, {}));
  CHECK_THROWS(hbc::plan_arena({{16, 0, 1}}, {{0, 5, 0, false}}));
  CHECK(hbc::plan_arena({}, {}).arena_size == 0);
}

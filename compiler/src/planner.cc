// planner.cc: greedy lowest-fit arena placement over several orders; see
// planner.h for the contract.
#include "planner.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hb/plan_format.h"

namespace hbc {

namespace {

constexpr uint64_t kAlign = HB_ARENA_ALIGN;

uint64_t align_up(uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

struct Problem {
  const std::vector<PlanBuffer>& bufs;
  const std::vector<PlanHint>& hints;
  std::vector<std::vector<int>> hints_of;  // per buffer: hint indices naming it

  Problem(const std::vector<PlanBuffer>& b, const std::vector<PlanHint>& h)
      : bufs(b), hints(h), hints_of(b.size()) {
    for (size_t i = 0; i < h.size(); ++i) {
      hints_of[static_cast<size_t>(h[i].out)].push_back(static_cast<int>(i));
      if (h[i].in != h[i].out)
        hints_of[static_cast<size_t>(h[i].in)].push_back(static_cast<int>(i));
    }
  }

  bool live_together(size_t a, size_t b) const {
    return bufs[a].first <= bufs[b].last && bufs[b].first <= bufs[a].last;
  }

  // True if a hint lets buffer a at offset xa and buffer b at offset xb
  // share bytes.
  bool allowed(size_t a, uint64_t xa, size_t b, uint64_t xb) const {
    for (int hi : hints_of[a]) {
      const PlanHint& h = hints[static_cast<size_t>(hi)];
      const size_t other =
          static_cast<size_t>(h.out) == a ? static_cast<size_t>(h.in) : static_cast<size_t>(h.out);
      if (other != b) continue;
      const size_t in = static_cast<size_t>(h.in), out = static_cast<size_t>(h.out);
      const uint64_t xin = in == a ? xa : xb;
      const uint64_t xout = out == a ? xa : xb;
      if (h.alias) {
        if (xin == xout) return true;
        continue;
      }
      if (bufs[in].last != bufs[out].first) continue;
      // The output writes ahead of the input by at most (xin - xout) bytes;
      // the kernel needs at least `lead` of such distance.
      if (xout + static_cast<uint64_t>(h.lead) <= xin) return true;
    }
    return false;
  }
};

bool bytes_overlap(uint64_t xa, uint64_t sa, uint64_t xb, uint64_t sb) {
  return sa != 0 && sb != 0 && xa < xb + sb && xb < xa + sa;
}

// Greedy: place buffers in `order`, each at the lowest feasible offset.
// Returns the arena size; fills offsets.
uint64_t place(const Problem& p, const std::vector<int>& order, bool use_hints,
               std::vector<uint64_t>* offsets) {
  const size_t n = p.bufs.size();
  offsets->assign(n, 0);
  std::vector<char> placed(n, 0);
  std::vector<uint64_t> cand;
  uint64_t arena = 0;
  for (int bi : order) {
    const size_t b = static_cast<size_t>(bi);
    const uint64_t size = p.bufs[b].size;
    if (size == 0) {
      placed[b] = 1;
      continue;
    }
    cand.clear();
    cand.push_back(0);
    for (size_t q = 0; q < n; ++q) {
      if (placed[q] && p.bufs[q].size && p.live_together(b, q)) {
        cand.push_back(align_up((*offsets)[q] + p.bufs[q].size));
      }
    }
    if (use_hints) {
      for (int hi : p.hints_of[b]) {
        const PlanHint& h = p.hints[static_cast<size_t>(hi)];
        const size_t in = static_cast<size_t>(h.in), out = static_cast<size_t>(h.out);
        if (out == b && placed[in]) {
          const uint64_t xin = (*offsets)[in];
          const uint64_t lead = static_cast<uint64_t>(h.alias ? 0 : h.lead);
          if (h.alias)
            cand.push_back(xin);
          else if (lead <= xin)
            cand.push_back((xin - lead) / kAlign * kAlign);
        } else if (in == b && placed[out]) {
          const uint64_t lead = static_cast<uint64_t>(h.alias ? 0 : h.lead);
          cand.push_back(align_up((*offsets)[out] + lead));
        }
      }
    }
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    uint64_t chosen = 0;
    bool found = false;
    for (uint64_t x : cand) {
      bool ok = true;
      for (size_t q = 0; q < n && ok; ++q) {
        if (!placed[q] || !p.live_together(b, q)) continue;
        if (!bytes_overlap(x, size, (*offsets)[q], p.bufs[q].size)) continue;
        ok = use_hints && p.allowed(b, x, q, (*offsets)[q]);
      }
      if (ok) {
        chosen = x;
        found = true;
        break;
      }
    }
    // The end of the highest live buffer is always feasible, so `found`
    // only fails if the candidate list is wrong.
    if (!found) throw std::logic_error("planner: no feasible offset");
    (*offsets)[b] = chosen;
    placed[b] = 1;
    arena = std::max(arena, chosen + size);
  }
  return align_up(arena);
}

std::vector<int> sorted_order(size_t n, const std::function<bool(int, int)>& less) {
  std::vector<int> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), less);
  return o;
}

}  // namespace

ArenaPlan plan_arena(const std::vector<PlanBuffer>& buffers, const std::vector<PlanHint>& hints) {
  const size_t n = buffers.size();
  for (size_t i = 0; i < n; ++i) {
    if (buffers[i].first > buffers[i].last) {
      throw std::invalid_argument("planner: buffer " + std::to_string(i) +
                                  " ends before it starts");
    }
  }
  for (const PlanHint& h : hints) {
    if (h.out < 0 || h.in < 0 || static_cast<size_t>(h.out) >= n ||
        static_cast<size_t>(h.in) >= n || h.out == h.in || h.lead < 0) {
      throw std::invalid_argument("planner: bad overlap hint");
    }
  }
  const Problem p(buffers, hints);
  const auto& b = buffers;
  auto len = [&](int i) {
    return int64_t{b[static_cast<size_t>(i)].last} - b[static_cast<size_t>(i)].first + 1;
  };

  std::vector<std::pair<std::string, std::vector<int>>> orders;
  orders.emplace_back("size", sorted_order(n, [&](int x, int y) {
                        return b[static_cast<size_t>(x)].size > b[static_cast<size_t>(y)].size;
                      }));
  orders.emplace_back("first-use", sorted_order(n, [&](int x, int y) {
                        return b[static_cast<size_t>(x)].first < b[static_cast<size_t>(y)].first;
                      }));
  orders.emplace_back("lifetime", sorted_order(n, [&](int x, int y) {
                        if (len(x) != len(y)) return len(x) > len(y);
                        return b[static_cast<size_t>(x)].size > b[static_cast<size_t>(y)].size;
                      }));
  orders.emplace_back("area", sorted_order(n, [&](int x, int y) {
                        return len(x) * b[static_cast<size_t>(x)].size >
                               len(y) * b[static_cast<size_t>(y)].size;
                      }));
  orders.emplace_back("last-use", sorted_order(n, [&](int x, int y) {
                        return b[static_cast<size_t>(x)].last > b[static_cast<size_t>(y)].last;
                      }));
  std::mt19937 rng(0x4842504c);  // fixed seed: planning is deterministic
  for (int r = 0; r < 48; ++r) {
    std::vector<int> o(n);
    std::iota(o.begin(), o.end(), 0);
    std::shuffle(o.begin(), o.end(), rng);
    orders.emplace_back("random", std::move(o));
  }

  ArenaPlan best;
  uint64_t best_size = std::numeric_limits<uint64_t>::max();
  std::vector<int> best_order;
  bool best_hints = true;
  std::vector<uint64_t> offs;
  auto consider = [&](const std::string& name, const std::vector<int>& order, bool use_hints) {
    const uint64_t s = place(p, order, use_hints, &offs);
    if (s < best_size) {
      best_size = s;
      best_order = order;
      best_hints = use_hints;
      best.strategy = name + (use_hints ? "+hints" : "");
      best.offsets.assign(offs.begin(), offs.end());
    }
  };
  for (const auto& [name, order] : orders) {
    consider(name, order, true);
    if (!hints.empty()) consider(name, order, false);
  }
  // Local search: swap two buffers in the best order; keep improvements.
  // Bounded work so large graphs stay fast.
  const int iters = n < 2 ? 0 : static_cast<int>(std::min<size_t>(400, 40000 / (n + 1) + 50));
  for (int it = 0; it < iters; ++it) {
    std::vector<int> o = best_order;
    std::swap(o[rng() % n], o[rng() % n]);
    const std::string tag = best.strategy.substr(0, best.strategy.find('+'));
    consider(tag.find("search") == std::string::npos ? tag + "+search" : tag, o, best_hints);
  }
  if (best_size > std::numeric_limits<uint32_t>::max()) {
    throw std::overflow_error("planner: arena exceeds 4 GiB");
  }
  best.arena_size = static_cast<uint32_t>(best_size);
  return best;
}

std::string check_arena(const std::vector<PlanBuffer>& buffers, const std::vector<PlanHint>& hints,
                        const ArenaPlan& plan) {
  const size_t n = buffers.size();
  if (plan.offsets.size() != n) return "offset count differs from buffer count";
  for (const PlanHint& h : hints) {
    if (h.out < 0 || h.in < 0 || static_cast<size_t>(h.out) >= n ||
        static_cast<size_t>(h.in) >= n || h.lead < 0) {
      return "bad overlap hint";
    }
  }
  if (plan.arena_size % kAlign) return "arena size not aligned";
  const Problem p(buffers, hints);
  for (size_t i = 0; i < n; ++i) {
    if (plan.offsets[i] % kAlign) return "buffer " + std::to_string(i) + " misaligned";
    if (uint64_t{plan.offsets[i]} + buffers[i].size > plan.arena_size) {
      return "buffer " + std::to_string(i) + " ends beyond the arena";
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (!p.live_together(i, j)) continue;
      if (!bytes_overlap(plan.offsets[i], buffers[i].size, plan.offsets[j], buffers[j].size)) {
        continue;
      }
      if (!p.allowed(i, plan.offsets[i], j, plan.offsets[j])) {
        return "buffers " + std::to_string(i) + " [" + std::to_string(plan.offsets[i]) + "+" +
               std::to_string(buffers[i].size) + ", ops " + std::to_string(buffers[i].first) +
               ".." + std::to_string(buffers[i].last) + "] and " + std::to_string(j) + " [" +
               std::to_string(plan.offsets[j]) + "+" + std::to_string(buffers[j].size) + ", ops " +
               std::to_string(buffers[j].first) + ".." + std::to_string(buffers[j].last) +
               "] overlap while both live";
      }
    }
  }
  return "";
}

}  // namespace hbc

#include "memory_plan.h"

#include <algorithm>
#include <numeric>

namespace ort_lite {

namespace {

constexpr size_t kAlign = 64;
size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Slots that may share storage (a view and what it views) end in one set.
class Groups {
 public:
  explicit Groups(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(size_t a, size_t b) { parent_[find(a)] = find(b); }

 private:
  std::vector<size_t> parent_;
};

struct Buffer {
  int slot;
  size_t bytes;
  int first, last;  // steps, inclusive
};

}  // namespace

MemoryPlan plan_memory(const std::vector<MemoryPlanStep>& steps, size_t slots,
                       const std::vector<bool>& kept) {
  MemoryPlan plan;
  plan.offset.assign(slots, -1);
  Groups groups(slots);
  std::vector<int> producer(slots, -1);
  for (size_t s = 0; s < steps.size(); ++s) {
    for (int out : steps[s].outputs) {
      if (out < 0) continue;
      producer[static_cast<size_t>(out)] = static_cast<int>(s);
      // A view may be of any input: it keeps them all alive (conservative, and views are few).
      if (steps[s].outputs_are_views) {
        for (int in : steps[s].inputs) {
          if (in >= 0) groups.unite(static_cast<size_t>(out), static_cast<size_t>(in));
        }
      }
    }
  }
  // Per group: the last step reading any member, and whether a member must be kept.
  std::vector<int> last_use(slots, -1);
  std::vector<bool> group_kept(slots, false);
  for (size_t s = 0; s < steps.size(); ++s) {
    for (int in : steps[s].inputs) {
      if (in < 0) continue;
      int& last = last_use[groups.find(static_cast<size_t>(in))];
      last = std::max(last, static_cast<int>(s));
    }
  }
  for (size_t slot = 0; slot < slots; ++slot) {
    if (kept[slot]) group_kept[groups.find(slot)] = true;
  }

  std::vector<Buffer> buffers;
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s].outputs_are_views) continue;
    for (size_t i = 0; i < steps[s].outputs.size(); ++i) {
      const int out = steps[s].outputs[i];
      if (out < 0) continue;
      const size_t root = groups.find(static_cast<size_t>(out));
      if (group_kept[root]) continue;
      // An output nobody reads still needs its bytes during its own step.
      const int last = std::max(last_use[root], static_cast<int>(s));
      buffers.push_back({out, align_up(std::max<size_t>(steps[s].output_bytes[i], 1)),
                         static_cast<int>(s), last});
    }
  }
  // Largest first, each at the lowest offset clear of every placed buffer alive at the same
  // time (greedy by size, as TFLite's arena planner).
  std::stable_sort(buffers.begin(), buffers.end(),
                   [](const Buffer& a, const Buffer& b) { return a.bytes > b.bytes; });
  std::vector<std::pair<size_t, const Buffer*>> placed;  // offset, buffer
  for (const Buffer& b : buffers) {
    std::vector<std::pair<size_t, size_t>> busy;  // [begin, end) of overlapping lifetimes
    for (const auto& [offset, other] : placed) {
      if (other->first <= b.last && b.first <= other->last) {
        busy.emplace_back(offset, offset + other->bytes);
      }
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + b.bytes <= begin) break;
      offset = std::max(offset, end);
    }
    placed.emplace_back(offset, &b);
    plan.offset[static_cast<size_t>(b.slot)] = static_cast<int64_t>(offset);
    plan.arena_bytes = std::max(plan.arena_bytes, offset + b.bytes);
  }
  return plan;
}

}  // namespace ort_lite

// The memory plan: where each intermediate tensor of a run lives. Every value a step
// allocates gets an offset in one arena, from its lifetime (its producing step to the last
// step that reads it or a view of it); values whose lifetimes do not overlap share bytes.
// Graph outputs (and any view that becomes one) are allocated per run instead, since the
// caller keeps them. A run takes an arena from a pool the plan keeps, so steady-state runs do
// not allocate intermediates at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ort_lite {

struct MemoryPlanStep {
  std::vector<int> inputs, outputs;  // value slots (-1: none)
  std::vector<size_t> output_bytes;  // per output
  bool outputs_are_views = false;    // the kernel sets its outputs to views of its inputs
};

struct MemoryPlan {
  std::vector<int64_t> offset;  // by slot; -1 when the value is not in the arena
  size_t arena_bytes = 0;       // the arena, without the kernels' scratch
};

// `kept` marks slots that must never be in the arena (graph outputs); `slots` is the count.
MemoryPlan plan_memory(const std::vector<MemoryPlanStep>& steps, size_t slots,
                       const std::vector<bool>& kept);

}  // namespace ort_lite

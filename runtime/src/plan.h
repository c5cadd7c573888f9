// Plan: a graph prepared for one set of input shapes. Immutable after build(); run() is const
// and may be called from many threads at once (each call owns its intermediate tensors).
//
// build() walks the nodes in order and, for each: converts its inputs to the layouts the op
// takes (layout.h; a reorder or relabel step, cached per value), prepares its kernel, and
// folds it into constants when every input is known. Graph outputs are converted back to
// plain at the end.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ort_lite/kernel.h"
#include "ort_lite/session.h"

namespace ort_lite {

class Plan {
 public:
  // `input_types` follows graph.inputs; `known_inputs` too, holding the values of inputs that
  // count as known at prepare time (empty() for the others). With `consumed_initializers`
  // (graph.initializers itself, for a plan that will be the only one), the initializers are
  // moved out of it into the plan, and each one a kernel packed is freed as soon as no later
  // node reads it: the model's weights are then held once, packed, even while preparing.
  static Result<std::unique_ptr<Plan>> build(
      const Graph& graph, const OpRegistry& registry, const SessionOptions& options,
      const std::vector<TensorType>& input_types, const std::vector<Tensor>& known_inputs,
      bool* needed_unknown_value = nullptr,
      std::map<std::string, Tensor>* consumed_initializers = nullptr);

  // `inputs` follows graph.inputs and must match the types the plan was built for. With
  // `profile`, each step's wall time is recorded there.
  Result<std::vector<Tensor>> run(const std::vector<Tensor>& inputs,
                                  RunProfile* profile = nullptr) const;
  const std::vector<NodeReport>& report() const { return report_; }
  PlanMemory memory() const { return {arena_bytes_, scratch_bytes_, output_bytes_}; }

 private:
  friend class PlanBuilder;

  struct Step {
    std::string label;                     // "Conv 'conv1'", "Reorder 'x' (plain -> channels-last)"
    std::string op_type;                   // "Conv", "Reorder"
    std::vector<int> inputs;               // value slots; -1 for an omitted optional input
    std::vector<int> outputs;              // value slots; -1 for an omitted optional output
    std::vector<TensorType> output_types;  // physical (as the tensors are allocated)
    std::vector<int> release_after;        // slots whose last reader is this step
    std::unique_ptr<Kernel> kernel;
    bool kernel_sets_outputs = false;
    std::string implementation;  // the kernel's, kept for reports and profiles
  };

  // Runs one step on `values` (indexed by slot). Outputs with an arena offset are views of
  // `arena`; the others (and all of them without an arena) are allocated.
  Status execute(const Step& step, std::vector<Tensor>& values, std::span<std::byte> scratch,
                 const std::shared_ptr<std::byte>& arena) const;
  // An arena of arena_bytes_ + scratch_bytes_ from the pool (or a new one), and its return.
  std::shared_ptr<std::byte> acquire_arena() const;
  void release_arena(std::shared_ptr<std::byte> arena) const;

  std::vector<Step> steps_;
  std::vector<Tensor> constants_;  // indexed by slot; empty() for non-constant slots
  std::vector<int> input_slots_, output_slots_;
  std::vector<int64_t> arena_offsets_;  // by slot (memory_plan.h); empty while building
  size_t arena_bytes_ = 0;
  size_t scratch_bytes_ = 0;
  size_t output_bytes_ = 0;  // graph outputs not known at prepare (allocated per run)
  int threads_ = 0;
  std::vector<NodeReport> report_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::shared_ptr<std::byte>> arena_pool_;
};

}  // namespace ort_lite

#include "plan.h"

#include <omp.h>

#include <map>

#include <fmt/format.h>

namespace ort_lite {

namespace {

// Sets the OpenMP thread count of the calling thread for one run, and restores it after, so a
// session's setting does not leak into the caller's other OpenMP code.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int threads) : previous_(omp_get_max_threads()), set_(threads > 0) {
    if (set_) omp_set_num_threads(threads);
  }
  ~ThreadCountScope() {
    if (set_) omp_set_num_threads(previous_);
  }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int previous_;
  bool set_;
};

}  // namespace

Result<std::unique_ptr<Plan>> Plan::build(const Graph& graph, const OpRegistry& registry,
                                          const SessionOptions& options,
                                          const std::vector<TensorType>& input_types) {
  auto plan = std::make_unique<Plan>();
  plan->threads_ = options.threads;
  std::map<std::string, int> slots;
  std::vector<std::optional<TensorType>> types;
  auto new_slot = [&](const std::string& name, std::optional<TensorType> type) {
    const int slot = static_cast<int>(types.size());
    slots[name] = slot;
    types.push_back(std::move(type));
    plan->constants_.emplace_back();
    return slot;
  };

  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    plan->input_slots_.push_back(new_slot(graph.inputs[i].name, input_types[i]));
  }
  for (const auto& [name, tensor] : graph.initializers) {
    const int slot = new_slot(name, TensorType{tensor.dtype(), tensor.shape()});
    plan->constants_[static_cast<size_t>(slot)] = tensor;
  }

  for (const Node& node : graph.nodes) {
    const OpDefinition* def = registry.find(node.domain, node.op_type, node.opset);
    if (!def) {
      return unsupported(
          fmt::format("{}: no implementation for opset {}", node.label(), node.opset));
    }
    Step step;
    step.node = &node;
    PrepareContext context{node, {}, options};
    for (const std::string& name : node.inputs) {
      PrepareInput input;
      int slot = -1;
      if (!name.empty()) {
        auto it = slots.find(name);
        if (it == slots.end()) {
          return invalid_model(
              fmt::format("{}: input '{}' is not produced by any node, graph "
                          "input or initializer",
                          node.label(), name));
        }
        slot = it->second;
        input.present = true;
        input.type = *types[static_cast<size_t>(slot)];
        const Tensor& constant = plan->constants_[static_cast<size_t>(slot)];
        if (!constant.empty()) input.constant = &constant;
      }
      step.inputs.push_back(slot);
      context.inputs.push_back(input);
    }
    const bool reference = options.backend == Backend::kReference && def->prepare_reference;
    auto prepared = (reference ? def->prepare_reference : def->prepare)(context);
    if (!prepared.ok()) return prepared.status();
    if (prepared->outputs.size() < node.outputs.size()) {
      return internal_error(fmt::format("{}: prepared {} outputs for {} declared", node.label(),
                                        prepared->outputs.size(), node.outputs.size()));
    }
    NodeReport report{node.label(), prepared->kernel->implementation(), {}};
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const std::string& name = node.outputs[i];
      step.outputs.push_back(name.empty() ? -1 : new_slot(name, prepared->outputs[i]));
      step.output_types.push_back(prepared->outputs[i]);
      report.output_shapes.push_back(prepared->outputs[i].shape);
    }
    step.kernel = std::move(prepared->kernel);
    plan->scratch_bytes_ = std::max(plan->scratch_bytes_, step.kernel->scratch_bytes());
    plan->report_.push_back(std::move(report));
    plan->steps_.push_back(std::move(step));
  }

  for (const ValueInfo& output : graph.outputs) {
    auto it = slots.find(output.name);
    if (it == slots.end()) {
      return invalid_model(
          fmt::format("graph output '{}' is not produced by any node, graph "
                      "input or initializer",
                      output.name));
    }
    plan->output_slots_.push_back(it->second);
  }

  // Free every intermediate after its last reader, unless it is a graph output.
  std::vector<int> last_reader(types.size(), -1);
  for (size_t s = 0; s < plan->steps_.size(); ++s) {
    for (int slot : plan->steps_[s].inputs) {
      if (slot >= 0) last_reader[static_cast<size_t>(slot)] = static_cast<int>(s);
    }
  }
  for (int slot : plan->output_slots_) last_reader[static_cast<size_t>(slot)] = -1;
  for (size_t slot = 0; slot < types.size(); ++slot) {
    if (last_reader[slot] >= 0 && plan->constants_[slot].empty()) {
      plan->steps_[static_cast<size_t>(last_reader[slot])].release_after.push_back(
          static_cast<int>(slot));
    }
  }
  return plan;
}

Result<std::vector<Tensor>> Plan::run(const std::vector<Tensor>& inputs) const {
  ThreadCountScope thread_scope(threads_);
  std::vector<Tensor> values = constants_;
  for (size_t i = 0; i < input_slots_.size(); ++i) {
    values[static_cast<size_t>(input_slots_[i])] = inputs[i];
  }
  ORTL_ASSIGN_OR_RETURN(Tensor scratch,
                        Tensor::create(DType::kUInt8, {static_cast<int64_t>(scratch_bytes_)}));
  const std::span<std::byte> scratch_span(static_cast<std::byte*>(scratch.raw_data()),
                                          scratch_bytes_);

  std::vector<Tensor> step_inputs, step_outputs;
  for (const Step& step : steps_) {
    step_inputs.clear();
    step_outputs.clear();
    for (int slot : step.inputs) {
      step_inputs.push_back(slot >= 0 ? values[static_cast<size_t>(slot)] : Tensor());
    }
    for (const TensorType& type : step.output_types) {
      auto tensor = Tensor::create(type.dtype, type.shape);
      if (!tensor.ok()) return tensor.status().with_context(step.node->label());
      step_outputs.push_back(std::move(tensor).value());
    }
    Status status;
    try {
      status = step.kernel->run(step_inputs, step_outputs, scratch_span);
    } catch (const std::bad_alloc&) {
      status = internal_error("out of memory");
    } catch (const std::exception& e) {
      status = internal_error(fmt::format("unexpected exception: {}", e.what()));
    }
    if (!status.ok()) return status.with_context(step.node->label());
    for (size_t i = 0; i < step.outputs.size(); ++i) {
      if (step.outputs[i] >= 0) {
        values[static_cast<size_t>(step.outputs[i])] = std::move(step_outputs[i]);
      }
    }
    for (int slot : step.release_after) values[static_cast<size_t>(slot)] = Tensor();
  }

  std::vector<Tensor> outputs;
  for (int slot : output_slots_) outputs.push_back(values[static_cast<size_t>(slot)]);
  return outputs;
}

}  // namespace ort_lite

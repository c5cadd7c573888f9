#include "plan.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ort_lite {

namespace {

// Sets the OpenMP thread count of the calling thread for a prepare or a run, and restores it
// after, so a session's setting does not leak into the caller's other OpenMP code. Every
// parallel region of ours and of oneDNN's reads it: oneDNN fixes a primitive's thread count
// when the primitive is created, which is why prepare runs under the same scope as run.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int threads) : previous_(omp_get_max_threads()) {
    omp_set_num_threads(threads);
  }
  ~ThreadCountScope() { omp_set_num_threads(previous_); }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int previous_;
};

// SessionOptions::threads with 0 resolved to one per core (not OMP_NUM_THREADS: the option alone
// decides).
int resolved_threads(const SessionOptions& options) {
  return options.threads > 0 ? options.threads : available_cores();
}

}  // namespace

// The machine's memory bounds every tensor; SessionOptions::max_tensor_bytes may bound it more.
Status check_output_fits(const TensorType& type, const SessionOptions& options) {
  ORTL_RETURN_IF_ERROR(check_tensor_fits(type.dtype, type.shape));
  const double bytes = static_cast<double>(*checked_element_count(type.shape)) *
                       static_cast<double>(dtype_size(type.dtype));
  if (options.max_tensor_bytes > 0 && bytes > static_cast<double>(options.max_tensor_bytes)) {
    return invalid_argument(fmt::format(
        "a {} tensor of shape {} would need {} bytes, more than max_tensor_bytes = {}",
        dtype_name(type.dtype), shape_to_string(type.shape), bytes, options.max_tensor_bytes));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Plan>> Plan::build(const Graph& graph, const OpRegistry& registry,
                                          const SessionOptions& options,
                                          const std::vector<TensorType>& input_types,
                                          const std::vector<Tensor>& known_inputs,
                                          bool* needed_unknown_value) {
  auto plan = std::make_unique<Plan>();
  plan->threads_ = resolved_threads(options);
  ThreadCountScope thread_scope(plan->threads_);
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
    const int slot = new_slot(graph.inputs[i].name, input_types[i]);
    plan->input_slots_.push_back(slot);
    plan->constants_[static_cast<size_t>(slot)] = known_inputs[i];
  }
  for (const auto& [name, tensor] : graph.initializers) {
    const int slot = new_slot(name, TensorType{tensor.dtype(), tensor.shape()});
    plan->constants_[static_cast<size_t>(slot)] = tensor;
  }

  // Every node's problems are collected, so that one load lists all unsupported attributes;
  // nodes that read a value a failed node should have produced are skipped.
  std::vector<Status> failures;
  std::set<std::string> unknown_values;
  for (const Node& node : graph.nodes) {
    const bool downstream_of_failure =
        std::any_of(node.inputs.begin(), node.inputs.end(),
                    [&](const std::string& name) { return unknown_values.count(name) > 0; });
    if (downstream_of_failure) {
      unknown_values.insert(node.outputs.begin(), node.outputs.end());
      continue;
    }
    const OpDefinition* def = registry.find(node.domain, node.op_type, node.opset);
    if (!def) {
      return unsupported(
          fmt::format("{}: no implementation for opset {}", node.label(), node.opset));
    }
    Step step;
    step.node = &node;
    PrepareContext context{node, {}, options, needed_unknown_value};
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
    if (!prepared.ok()) {
      if (prepared.status().code() == StatusCode::kInternal) return prepared.status();
      failures.push_back(prepared.status());
      unknown_values.insert(node.outputs.begin(), node.outputs.end());
      continue;
    }
    if (prepared->outputs.size() < node.outputs.size()) {
      return internal_error(fmt::format("{}: prepared {} outputs for {} declared", node.label(),
                                        prepared->outputs.size(), node.outputs.size()));
    }
    // Every output the op prepared is allocated (the kernel contract), also those the node
    // leaves unnamed (omitted optional outputs, or a node that names none); only named ones
    // get a slot.
    for (size_t i = 0; i < prepared->outputs.size(); ++i) {
      const std::string name = i < node.outputs.size() ? node.outputs[i] : "";
      const TensorType& type = prepared->outputs[i];
      if (Status fits = check_output_fits(type, options); !fits.ok()) {
        return fits.with_context(fmt::format("{}: output {}", node.label(),
                                             name.empty() ? std::to_string(i) : "'" + name + "'"));
      }
      step.outputs.push_back(name.empty() ? -1 : new_slot(name, prepared->outputs[i]));
      step.output_types.push_back(prepared->outputs[i]);
    }
    step.kernel = std::move(prepared->kernel);
    step.kernel_sets_outputs = prepared->kernel_sets_outputs;
    step.implementation = step.kernel->implementation();

    // Fold what is known now: values the op computed from shapes, or a node whose inputs are
    // all constants (shape arithmetic, weight transposes...), which runs once, here.
    const bool all_constant =
        !context.inputs.empty() &&
        std::all_of(context.inputs.begin(), context.inputs.end(),
                    [](const PrepareInput& in) { return !in.present || in.constant; });
    std::vector<Tensor> folded = std::move(prepared->known_outputs);
    if (folded.empty() && all_constant) {
      std::vector<Tensor> values = plan->constants_;
      ORTL_ASSIGN_OR_RETURN(
          Tensor scratch,
          Tensor::create(DType::kUInt8, {static_cast<int64_t>(step.kernel->scratch_bytes())}));
      ORTL_RETURN_IF_ERROR(
          execute(step, values,
                  {static_cast<std::byte*>(scratch.raw_data()), step.kernel->scratch_bytes()}));
      for (int slot : step.outputs) {
        folded.push_back(slot >= 0 ? values[static_cast<size_t>(slot)] : Tensor());
      }
    }
    NodeReport report{node.label(), step.kernel->implementation(), {}};
    for (const TensorType& type : step.output_types) report.output_shapes.push_back(type.shape);
    if (!folded.empty()) {
      // One folded value per prepared output, in output order.
      for (size_t i = 0; i < step.outputs.size() && i < folded.size(); ++i) {
        if (step.outputs[i] >= 0)
          plan->constants_[static_cast<size_t>(step.outputs[i])] = folded[i];
      }
      report.implementation = "folded at prepare time (" + report.implementation + ")";
      plan->report_.push_back(std::move(report));
      continue;
    }
    plan->scratch_bytes_ = std::max(plan->scratch_bytes_, step.kernel->scratch_bytes());
    plan->report_.push_back(std::move(report));
    plan->steps_.push_back(std::move(step));
  }

  if (failures.size() == 1) return failures[0];
  if (failures.size() > 1) {
    std::vector<std::string> messages;
    for (const Status& failure : failures) messages.push_back(failure.to_string());
    // The first failure's code stands for all; every message keeps its own.
    return Status(failures[0].code(), fmt::format("{} nodes cannot be prepared: {}",
                                                  failures.size(), fmt::join(messages, "; ")));
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

Result<std::vector<Tensor>> Plan::run(const std::vector<Tensor>& inputs,
                                      RunProfile* profile) const {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point run_start = Clock::now();
  auto micros_since = [](Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
  };
  ThreadCountScope thread_scope(threads_);
  std::vector<Tensor> values = constants_;
  for (size_t i = 0; i < input_slots_.size(); ++i) {
    values[static_cast<size_t>(input_slots_[i])] = inputs[i];
  }
  ORTL_ASSIGN_OR_RETURN(Tensor scratch,
                        Tensor::create(DType::kUInt8, {static_cast<int64_t>(scratch_bytes_)}));
  const std::span<std::byte> scratch_span(static_cast<std::byte*>(scratch.raw_data()),
                                          scratch_bytes_);

  if (profile) *profile = RunProfile{};
  for (const Step& step : steps_) {
    const Clock::time_point step_start = profile ? Clock::now() : Clock::time_point{};
    ORTL_RETURN_IF_ERROR(execute(step, values, scratch_span));
    for (int slot : step.release_after) values[static_cast<size_t>(slot)] = Tensor();
    if (profile) {
      const Clock::time_point step_end = Clock::now();
      profile->steps.push_back({step.node->label(), step.node->op_type, step.implementation,
                                micros_since(run_start, step_start),
                                micros_since(step_start, step_end)});
    }
  }

  std::vector<Tensor> outputs;
  for (int slot : output_slots_) {
    // A constant output is cloned: callers may write to what they get back.
    const Tensor& value = values[static_cast<size_t>(slot)];
    outputs.push_back(constants_[static_cast<size_t>(slot)].empty() ? value : value.clone());
  }
  if (profile) profile->total_us = micros_since(run_start, Clock::now());
  return outputs;
}

Status Plan::execute(const Step& step, std::vector<Tensor>& values, std::span<std::byte> scratch) {
  std::vector<Tensor> inputs, outputs;
  for (int slot : step.inputs)
    inputs.push_back(slot >= 0 ? values[static_cast<size_t>(slot)] : Tensor());
  // A step whose every output holds no element has nothing to compute: its kernel never sees
  // the (possibly enormous) other dims of empty tensors.
  const bool nothing_to_compute =
      !step.output_types.empty() &&
      std::all_of(step.output_types.begin(), step.output_types.end(),
                  [](const TensorType& type) { return *checked_element_count(type.shape) == 0; });
  for (const TensorType& type : step.output_types) {
    if (step.kernel_sets_outputs && !nothing_to_compute) {
      outputs.emplace_back();
      continue;
    }
    auto tensor = Tensor::create(type.dtype, type.shape);
    if (!tensor.ok()) return tensor.status().with_context(step.node->label());
    outputs.push_back(std::move(tensor).value());
  }
  Status status;
  try {
    if (!nothing_to_compute) status = step.kernel->run(inputs, outputs, scratch);
  } catch (const std::bad_alloc&) {
    status = internal_error("out of memory");
  } catch (const std::exception& e) {
    status = internal_error(fmt::format("unexpected exception: {}", e.what()));
  }
  if (!status.ok()) return status.with_context(step.node->label());
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    if (step.outputs[i] < 0) continue;
    // A kernel that breaks its prepared type would corrupt every later step: stop here.
    if (outputs[i].dtype() != step.output_types[i].dtype ||
        outputs[i].shape() != step.output_types[i].shape || outputs[i].empty()) {
      return internal_error(fmt::format(
          "{}: output {} is {} {}, prepared as {} {}", step.node->label(), i,
          dtype_name(outputs[i].dtype()), shape_to_string(outputs[i].shape()),
          dtype_name(step.output_types[i].dtype), shape_to_string(step.output_types[i].shape)));
    }
    values[static_cast<size_t>(step.outputs[i])] = std::move(outputs[i]);
  }
  return Status::Ok();
}

}  // namespace ort_lite

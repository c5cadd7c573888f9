#include "plan.h"

#include "memory_plan.h"

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

// The same bytes under another shape: a layout change of a tensor whose bytes do not move, or a
// rank change for broadcasting.
class RelabelKernel final : public Kernel {
 public:
  explicit RelabelKernel(Shape shape) : shape_(std::move(shape)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    ORTL_ASSIGN_OR_RETURN(outputs[0], inputs[0].reshaped(shape_));
    return Status::Ok();
  }
  std::string implementation() const override { return "relabel (no copy)"; }

 private:
  Shape shape_;
};

int64_t element_count_or_zero(const Shape& shape) {
  auto count = checked_element_count(shape);
  return count.ok() ? *count : 0;
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

class PlanBuilder {
 public:
  PlanBuilder(const Graph& graph, const OpRegistry& registry, const SessionOptions& options,
              bool* needed_unknown_value, std::map<std::string, Tensor>* consumed_initializers)
      : graph_(graph),
        registry_(registry),
        options_(options),
        needed_unknown_value_(needed_unknown_value),
        consumed_initializers_(consumed_initializers),
        plan_(std::make_unique<Plan>()) {}

  Result<std::unique_ptr<Plan>> build(const std::vector<TensorType>& input_types,
                                      const std::vector<Tensor>& known_inputs);

 private:
  struct Value {
    TensorType logical;
    Layout layout = Layout::kPlain;
    TensorType physical() const { return {logical.dtype, physical_shape(logical.shape, layout)}; }
  };

  int new_slot(const std::string& name, TensorType logical, Layout layout);
  Tensor& constant(int slot) { return plan_->constants_[static_cast<size_t>(slot)]; }
  // The slot holding `slot`'s value in `layout` (a reorder or relabel step, made once).
  Result<int> convert(int slot, Layout layout);
  // The slot holding a plain value reshaped to `rank` dims (leading 1s), for broadcasting.
  Result<int> with_rank(int slot, size_t rank);
  // Adds a prepared step, or folds it into constants when its outputs are known now.
  Status add_step(Plan::Step step, PreparedOp prepared, bool inputs_known,
                  const std::vector<Layout>& layouts, const std::vector<std::string>& names,
                  const std::string& report_label);
  // Converts one node's inputs, prepares it and adds it; a Status the caller collects.
  Status add_node(const Node& node);
  LayoutClass layout_class(const OpDefinition& def, const Node& node) const;
  void remove_dead_steps();
  // Consumed initializers: `node` has prepared, so it no longer counts as a reader of its
  // inputs; an initializer whose readers have all prepared and that no step reads at run time
  // is freed now.
  void release_prepared_initializers(const Node& node);
  // Constants no step reads at run time (their kernels packed them) are dropped from the plan.
  void drop_unread_constants();
  void plan_releases();
  void plan_arena();

  const Graph& graph_;
  const OpRegistry& registry_;
  const SessionOptions& options_;
  bool* needed_unknown_value_;
  std::map<std::string, Tensor>* consumed_initializers_;
  std::map<int, int> initializer_readers_left_;  // consumed initializers: slot -> nodes to come
  std::unique_ptr<Plan> plan_;
  std::vector<Value> values_;           // by slot
  std::map<std::string, int> slot_of_;  // value name -> slot
  std::map<std::pair<int, Layout>, int> converted_;
  std::map<std::pair<int, size_t>, int> reranked_;
};

int PlanBuilder::new_slot(const std::string& name, TensorType logical, Layout layout) {
  const int slot = static_cast<int>(values_.size());
  if (!name.empty()) slot_of_[name] = slot;
  values_.push_back({std::move(logical), layout});
  plan_->constants_.emplace_back();
  return slot;
}

Result<int> PlanBuilder::convert(int slot, Layout layout) {
  const Value value = values_[static_cast<size_t>(slot)];
  if (value.layout == layout || value.logical.shape.size() < 3) return slot;
  if (auto it = converted_.find({slot, layout}); it != converted_.end()) return it->second;
  const bool relabel = same_bytes_in_both_layouts(value.logical.shape);
  std::unique_ptr<Kernel> kernel;
  if (relabel) {
    kernel = std::make_unique<RelabelKernel>(physical_shape(value.logical.shape, layout));
  } else if (ReorderFactory factory = registry_.reorder_factory()) {
    kernel = factory(value.logical, value.layout, layout);
  }
  if (!kernel) return internal_error("no layout reorder is registered");
  Plan::Step step;
  const std::string value_name = [&] {
    for (const auto& [name, s] : slot_of_) {
      if (s == slot) return name;
    }
    return std::string("#") + std::to_string(slot);
  }();
  step.label = fmt::format("Reorder '{}' ({} -> {})", value_name, layout_name(value.layout),
                           layout_name(layout));
  step.op_type = "Reorder";
  step.inputs = {slot};
  step.kernel = std::move(kernel);
  step.kernel_sets_outputs = relabel;
  PreparedOp prepared;
  prepared.outputs = {value.logical};
  const bool known = !constant(slot).empty();
  const int before = static_cast<int>(values_.size());
  ORTL_RETURN_IF_ERROR(add_step(std::move(step), std::move(prepared), known, {layout}, {""}, ""));
  converted_[{slot, layout}] = before;
  return before;
}

Result<int> PlanBuilder::with_rank(int slot, size_t rank) {
  const Value value = values_[static_cast<size_t>(slot)];
  if (value.logical.shape.size() >= rank) return slot;
  if (auto it = reranked_.find({slot, rank}); it != reranked_.end()) return it->second;
  ORTL_ASSIGN_OR_RETURN(slot, convert(slot, Layout::kPlain));
  Shape shape(rank - value.logical.shape.size(), 1);
  shape.insert(shape.end(), value.logical.shape.begin(), value.logical.shape.end());
  Plan::Step step;
  step.label = fmt::format("Reshape '#{}' to rank {}", slot, rank);
  step.op_type = "Relabel";
  step.inputs = {slot};
  step.kernel = std::make_unique<RelabelKernel>(shape);
  step.kernel_sets_outputs = true;
  PreparedOp prepared;
  prepared.outputs = {{value.logical.dtype, shape}};
  const bool known = !constant(slot).empty();
  const int before = static_cast<int>(values_.size());
  ORTL_RETURN_IF_ERROR(
      add_step(std::move(step), std::move(prepared), known, {Layout::kPlain}, {""}, ""));
  reranked_[{slot, rank}] = before;
  return before;
}

LayoutClass PlanBuilder::layout_class(const OpDefinition& def, const Node& node) const {
  // The reference backend is the oracle: plain loops on plain tensors only.
  if (options_.backend == Backend::kReference || !options_.optimizations.channels_last ||
      !def.layout_class) {
    return LayoutClass::kPlain;
  }
  return def.layout_class(node);
}

Status PlanBuilder::add_step(Plan::Step step, PreparedOp prepared, bool inputs_known,
                             const std::vector<Layout>& layouts,
                             const std::vector<std::string>& names,
                             const std::string& report_label) {
  // Every output the op prepared is allocated (the kernel contract), also those the node
  // leaves unnamed (omitted optional outputs, or a node that names none); only named ones
  // get a slot.
  for (size_t i = 0; i < prepared.outputs.size(); ++i) {
    const std::string name = i < names.size() ? names[i] : "";
    const Layout layout = i < layouts.size() ? layouts[i] : Layout::kPlain;
    const Value value{prepared.outputs[i], layout};
    if (Status fits = check_output_fits(value.physical(), options_); !fits.ok()) {
      return fits.with_context(fmt::format("{}: output {}", step.label,
                                           name.empty() ? std::to_string(i) : "'" + name + "'"));
    }
    const bool named = !name.empty() || step.op_type == "Reorder" || step.op_type == "Relabel";
    step.outputs.push_back(named ? new_slot(name, value.logical, layout) : -1);
    step.output_types.push_back(value.physical());
  }
  step.kernel_sets_outputs = step.kernel_sets_outputs || prepared.kernel_sets_outputs;
  step.implementation = step.kernel->implementation();

  // Fold what is known now: values the op computed from shapes, or a step whose inputs are all
  // constants (shape arithmetic, weight transposes...), which runs once, here.
  std::vector<Tensor> folded = std::move(prepared.known_outputs);
  if (folded.empty() && inputs_known) {
    std::vector<Tensor> values = plan_->constants_;
    ORTL_ASSIGN_OR_RETURN(
        Tensor scratch,
        Tensor::create(DType::kUInt8, {static_cast<int64_t>(step.kernel->scratch_bytes())}));
    ORTL_RETURN_IF_ERROR(plan_->execute(
        step, values, {static_cast<std::byte*>(scratch.raw_data()), step.kernel->scratch_bytes()},
        nullptr));
    for (int slot : step.outputs) {
      folded.push_back(slot >= 0 ? values[static_cast<size_t>(slot)] : Tensor());
    }
  }
  NodeReport report{step.label, step.implementation, {}};
  for (int slot : step.outputs) {
    if (slot >= 0) report.output_shapes.push_back(values_[static_cast<size_t>(slot)].logical.shape);
  }
  if (!folded.empty()) {
    // One folded value per prepared output, in output order.
    for (size_t i = 0; i < step.outputs.size() && i < folded.size(); ++i) {
      if (step.outputs[i] >= 0) constant(step.outputs[i]) = folded[i];
    }
    report.implementation = "folded at prepare time (" + report.implementation + ")";
    if (!report_label.empty()) plan_->report_.push_back(std::move(report));
    return Status::Ok();
  }
  plan_->scratch_bytes_ = std::max(plan_->scratch_bytes_, step.kernel->scratch_bytes());
  plan_->report_.push_back(std::move(report));
  plan_->steps_.push_back(std::move(step));
  return Status::Ok();
}

Status PlanBuilder::add_node(const Node& node) {
  const OpDefinition* def = registry_.find(node.domain, node.op_type, node.opset);
  if (!def) {
    return unsupported(fmt::format("{}: no implementation for opset {}", node.label(), node.opset));
  }
  // Kernels write output 0 at least (fuzz finding: a BatchNormalization with no outputs).
  if (node.outputs.empty()) {
    return invalid_model(fmt::format(
        "{}: the node has no outputs; every ONNX operator has at least one", node.label()));
  }
  std::vector<int> slots;
  for (const std::string& name : node.inputs) {
    if (name.empty()) {
      slots.push_back(-1);
      continue;
    }
    auto it = slot_of_.find(name);
    if (it == slot_of_.end()) {
      return invalid_model(
          fmt::format("{}: input '{}' is not produced by any node, graph input or initializer",
                      node.label(), name));
    }
    slots.push_back(it->second);
  }

  // Bring the inputs into the layouts the op takes.
  const LayoutClass cls = layout_class(*def, node);
  Layout op_layout = Layout::kPlain;
  size_t op_rank = 0;
  for (int slot : slots) {
    if (slot >= 0)
      op_rank = std::max(op_rank, values_[static_cast<size_t>(slot)].logical.shape.size());
  }
  if ((cls == LayoutClass::kElementwise || cls == LayoutClass::kUniform) && op_rank >= 3) {
    for (int slot : slots) {
      const Value& v = values_[static_cast<size_t>(slot < 0 ? 0 : slot)];
      if (slot >= 0 && v.layout == Layout::kChannelsLast && v.logical.shape.size() == op_rank) {
        op_layout = Layout::kChannelsLast;
      }
    }
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] < 0 || cls == LayoutClass::kNative) continue;
    // One element broadcasts alike in every layout and rank (Clip's min and max stay scalars).
    const Value& v = values_[static_cast<size_t>(slots[i])];
    if (cls == LayoutClass::kElementwise && v.layout == Layout::kPlain &&
        element_count_or_zero(v.logical.shape) == 1) {
      continue;
    }
    Layout wanted = Layout::kPlain;
    if (cls == LayoutClass::kElementwise && op_layout == Layout::kChannelsLast) {
      ORTL_ASSIGN_OR_RETURN(slots[i], with_rank(slots[i], op_rank));
      wanted = Layout::kChannelsLast;
    } else if (cls == LayoutClass::kUniform) {
      wanted = op_layout;
    } else if (cls == LayoutClass::kChannelsLastData && (i == 0 || i == 3)) {
      wanted = Layout::kChannelsLast;
    }
    ORTL_ASSIGN_OR_RETURN(slots[i], convert(slots[i], wanted));
  }

  Plan::Step step;
  step.label = node.label();
  step.op_type = node.op_type;
  step.inputs = slots;
  PrepareContext context{node, {}, options_, needed_unknown_value_};
  bool inputs_known = !slots.empty();
  for (int slot : slots) {
    PrepareInput input;
    if (slot >= 0) {
      const Value& v = values_[static_cast<size_t>(slot)];
      input.present = true;
      input.layout = v.layout;
      input.type = cls == LayoutClass::kElementwise ? v.physical() : v.logical;
      if (!constant(slot).empty()) input.constant = &constant(slot);
    }
    inputs_known = inputs_known && (!input.present || input.constant);
    context.inputs.push_back(input);
  }
  const bool reference = options_.backend == Backend::kReference && def->prepare_reference;
  ORTL_ASSIGN_OR_RETURN(PreparedOp prepared,
                        (reference ? def->prepare_reference : def->prepare)(context));
  if (prepared.outputs.size() < node.outputs.size()) {
    return internal_error(fmt::format("{}: prepared {} outputs for {} declared", node.label(),
                                      prepared.outputs.size(), node.outputs.size()));
  }
  std::vector<Layout> layouts = prepared.output_layouts;
  if (cls == LayoutClass::kElementwise) {
    // The op computed physical types: record the logical ones.
    layouts.assign(prepared.outputs.size(), op_layout);
    for (TensorType& type : prepared.outputs) {
      if (type.shape.size() != op_rank) return internal_error(node.label() + ": changed rank");
      type.shape = logical_shape(type.shape, op_layout);
    }
  }
  for (size_t i : prepared.inputs_taken_at_prepare) {
    if (i < step.inputs.size() && step.inputs[i] >= 0 && !constant(step.inputs[i]).empty()) {
      step.inputs[i] = -1;  // the kernel holds its own (packed) copy
    }
  }
  step.kernel = std::move(prepared.kernel);
  return add_step(std::move(step), std::move(prepared), inputs_known, layouts, node.outputs,
                  node.label());
}

void PlanBuilder::release_prepared_initializers(const Node& node) {
  for (const std::string& name : node.inputs) {
    auto slot_it = slot_of_.find(name);
    if (name.empty() || slot_it == slot_of_.end()) continue;
    auto it = initializer_readers_left_.find(slot_it->second);
    if (it == initializer_readers_left_.end() || --it->second > 0) continue;
    const int slot = it->first;
    const bool read_at_run =
        std::any_of(plan_->steps_.begin(), plan_->steps_.end(), [&](const Plan::Step& step) {
          return std::find(step.inputs.begin(), step.inputs.end(), slot) != step.inputs.end();
        });
    // Layout conversions of it made so far were folded into constants of their own.
    if (!read_at_run) constant(slot) = Tensor();
    initializer_readers_left_.erase(it);
  }
}

void PlanBuilder::drop_unread_constants() {
  std::vector<bool> read(values_.size(), false);
  for (int slot : plan_->output_slots_) read[static_cast<size_t>(slot)] = true;
  for (const Plan::Step& step : plan_->steps_) {
    for (int slot : step.inputs) {
      if (slot >= 0) read[static_cast<size_t>(slot)] = true;
    }
  }
  for (size_t slot = 0; slot < values_.size(); ++slot) {
    if (!read[slot]) plan_->constants_[slot] = Tensor();
  }
}

void PlanBuilder::remove_dead_steps() {
  std::vector<bool> read(values_.size(), false);
  for (int slot : plan_->output_slots_) read[static_cast<size_t>(slot)] = true;
  std::vector<Plan::Step> live;
  for (size_t s = plan_->steps_.size(); s-- > 0;) {
    Plan::Step& step = plan_->steps_[s];
    const bool used = std::any_of(step.outputs.begin(), step.outputs.end(), [&](int slot) {
      return slot >= 0 && read[static_cast<size_t>(slot)];
    });
    if (!used) {
      // Its report goes too (a reorder only a folded Shape read, say): --report shows what runs.
      auto& report = plan_->report_;
      auto it = std::find_if(report.rbegin(), report.rend(),
                             [&](const NodeReport& r) { return r.node == step.label; });
      if (it != report.rend()) report.erase(std::next(it).base());
      continue;
    }
    for (int slot : step.inputs) {
      if (slot >= 0) read[static_cast<size_t>(slot)] = true;
    }
    live.push_back(std::move(step));
  }
  std::reverse(live.begin(), live.end());
  plan_->steps_ = std::move(live);
}

void PlanBuilder::plan_releases() {
  // Free every intermediate after its last reader, unless it is a graph output.
  std::vector<int> last_reader(values_.size(), -1);
  for (size_t s = 0; s < plan_->steps_.size(); ++s) {
    for (int slot : plan_->steps_[s].inputs) {
      if (slot >= 0) last_reader[static_cast<size_t>(slot)] = static_cast<int>(s);
    }
  }
  for (int slot : plan_->output_slots_) last_reader[static_cast<size_t>(slot)] = -1;
  for (size_t slot = 0; slot < values_.size(); ++slot) {
    if (last_reader[slot] >= 0 && plan_->constants_[slot].empty()) {
      plan_->steps_[static_cast<size_t>(last_reader[slot])].release_after.push_back(
          static_cast<int>(slot));
    }
  }
}

void PlanBuilder::plan_arena() {
  std::vector<MemoryPlanStep> steps;
  for (const Plan::Step& step : plan_->steps_) {
    MemoryPlanStep s{step.inputs, step.outputs, {}, step.kernel_sets_outputs};
    for (const TensorType& type : step.output_types) {
      s.output_bytes.push_back(static_cast<size_t>(element_count_or_zero(type.shape)) *
                               dtype_size(type.dtype));
    }
    steps.push_back(std::move(s));
  }
  std::vector<bool> kept(values_.size(), false);
  for (int slot : plan_->output_slots_) {
    const bool graph_input = std::find(plan_->input_slots_.begin(), plan_->input_slots_.end(),
                                       slot) != plan_->input_slots_.end();
    if (kept[static_cast<size_t>(slot)] || !constant(slot).empty() || graph_input) continue;
    kept[static_cast<size_t>(slot)] = true;
    const TensorType physical = values_[static_cast<size_t>(slot)].physical();
    plan_->output_bytes_ +=
        static_cast<size_t>(element_count_or_zero(physical.shape)) * dtype_size(physical.dtype);
  }
  const MemoryPlan memory = plan_memory(steps, values_.size(), kept);
  plan_->arena_offsets_ = memory.offset;
  plan_->arena_bytes_ = memory.arena_bytes;
}

Result<std::unique_ptr<Plan>> PlanBuilder::build(const std::vector<TensorType>& input_types,
                                                 const std::vector<Tensor>& known_inputs) {
  plan_->threads_ = resolved_threads(options_);
  ThreadCountScope thread_scope(plan_->threads_);
  for (size_t i = 0; i < graph_.inputs.size(); ++i) {
    const int slot = new_slot(graph_.inputs[i].name, input_types[i], Layout::kPlain);
    plan_->input_slots_.push_back(slot);
    constant(slot) = known_inputs[i];
  }
  for (const auto& [name, tensor] : graph_.initializers) {
    const int slot = new_slot(name, TensorType{tensor.dtype(), tensor.shape()}, Layout::kPlain);
    if (consumed_initializers_) {
      constant(slot) = std::move(consumed_initializers_->at(name));
      initializer_readers_left_[slot] = 0;
    } else {
      constant(slot) = tensor;
    }
  }
  if (consumed_initializers_) {
    for (const Node& node : graph_.nodes) {
      for (const std::string& name : node.inputs) {
        auto slot = slot_of_.find(name);
        if (!name.empty() && slot != slot_of_.end() &&
            initializer_readers_left_.count(slot->second)) {
          ++initializer_readers_left_[slot->second];
        }
      }
    }
    // A graph output that is an initializer is never freed.
    for (const ValueInfo& output : graph_.outputs) {
      if (auto slot = slot_of_.find(output.name); slot != slot_of_.end()) {
        initializer_readers_left_.erase(slot->second);
      }
    }
  }
  if (options_.optimizations.eager_channels_last && options_.optimizations.channels_last &&
      options_.backend != Backend::kReference) {
    for (size_t i = 0; i < graph_.inputs.size(); ++i) {
      const int slot = plan_->input_slots_[i];
      const TensorType& type = values_[static_cast<size_t>(slot)].logical;
      if (type.dtype != DType::kFloat32 || type.shape.size() < 3 || !constant(slot).empty()) {
        continue;
      }
      ORTL_ASSIGN_OR_RETURN(const int converted, convert(slot, Layout::kChannelsLast));
      slot_of_[graph_.inputs[i].name] = converted;
    }
  }

  // Every node's problems are collected, so that one load lists all unsupported attributes;
  // nodes that read a value a failed node should have produced are skipped.
  std::vector<Status> failures;
  std::set<std::string> unknown_values;
  for (const Node& node : graph_.nodes) {
    const bool downstream_of_failure =
        std::any_of(node.inputs.begin(), node.inputs.end(),
                    [&](const std::string& name) { return unknown_values.count(name) > 0; });
    if (!downstream_of_failure) {
      const Status status = add_node(node);
      if (status.ok()) {
        if (consumed_initializers_) release_prepared_initializers(node);
        continue;
      }
      if (status.code() == StatusCode::kInternal || failures.size() > 1000) return status;
      failures.push_back(status);
    }
    unknown_values.insert(node.outputs.begin(), node.outputs.end());
  }
  if (failures.size() == 1) return failures[0];
  if (failures.size() > 1) {
    std::vector<std::string> messages;
    for (const Status& failure : failures) messages.push_back(failure.to_string());
    // The first failure's code stands for all; every message keeps its own.
    return Status(failures[0].code(), fmt::format("{} nodes cannot be prepared: {}",
                                                  failures.size(), fmt::join(messages, "; ")));
  }

  for (const ValueInfo& output : graph_.outputs) {
    auto it = slot_of_.find(output.name);
    if (it == slot_of_.end()) {
      return invalid_model(
          fmt::format("graph output '{}' is not produced by any node, graph input or initializer",
                      output.name));
    }
    ORTL_ASSIGN_OR_RETURN(int slot, convert(it->second, Layout::kPlain));
    plan_->output_slots_.push_back(slot);
  }
  remove_dead_steps();
  drop_unread_constants();
  plan_releases();
  plan_arena();
  return std::move(plan_);
}

Result<std::unique_ptr<Plan>> Plan::build(const Graph& graph, const OpRegistry& registry,
                                          const SessionOptions& options,
                                          const std::vector<TensorType>& input_types,
                                          const std::vector<Tensor>& known_inputs,
                                          bool* needed_unknown_value,
                                          std::map<std::string, Tensor>* consumed_initializers) {
  return PlanBuilder(graph, registry, options, needed_unknown_value, consumed_initializers)
      .build(input_types, known_inputs);
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
  std::shared_ptr<std::byte> arena = acquire_arena();
  if (!arena) return internal_error("out of memory allocating the run's arena");
  // The arena goes back to the pool when the run ends, whichever way it ends.
  struct ArenaReturn {
    const Plan& plan;
    std::shared_ptr<std::byte>& arena;
    ~ArenaReturn() { plan.release_arena(std::move(arena)); }
  } arena_return{*this, arena};
  const std::span<std::byte> scratch_span(arena.get() + arena_bytes_, scratch_bytes_);

  if (profile) *profile = RunProfile{};
  for (const Step& step : steps_) {
    const Clock::time_point step_start = profile ? Clock::now() : Clock::time_point{};
    ORTL_RETURN_IF_ERROR(execute(step, values, scratch_span, arena));
    for (int slot : step.release_after) values[static_cast<size_t>(slot)] = Tensor();
    if (profile) {
      const Clock::time_point step_end = Clock::now();
      profile->steps.push_back({step.label, step.op_type, step.implementation,
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
  values.clear();  // drops the views into the arena, so that it can be reused
  if (profile) profile->total_us = micros_since(run_start, Clock::now());
  return outputs;
}

std::shared_ptr<std::byte> Plan::acquire_arena() const {
  {
    std::lock_guard lock(pool_mutex_);
    if (!arena_pool_.empty()) {
      std::shared_ptr<std::byte> arena = std::move(arena_pool_.back());
      arena_pool_.pop_back();
      return arena;
    }
  }
  constexpr std::align_val_t kAlignment{64};
  try {
    auto* p = static_cast<std::byte*>(
        ::operator new(std::max<size_t>(arena_bytes_ + scratch_bytes_, 1), kAlignment));
    return std::shared_ptr<std::byte>(p, [](std::byte* q) { ::operator delete(q, kAlignment); });
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void Plan::release_arena(std::shared_ptr<std::byte> arena) const {
  // Only an arena no tensor still points into is reused (a failed run may leave views).
  if (!arena || arena.use_count() != 1) return;
  std::lock_guard lock(pool_mutex_);
  arena_pool_.push_back(std::move(arena));
}

Status Plan::execute(const Step& step, std::vector<Tensor>& values, std::span<std::byte> scratch,
                     const std::shared_ptr<std::byte>& arena) const {
  std::vector<Tensor> inputs, outputs;
  for (int slot : step.inputs)
    inputs.push_back(slot >= 0 ? values[static_cast<size_t>(slot)] : Tensor());
  // A step whose every output holds no element has nothing to compute: its kernel never sees
  // the (possibly enormous) other dims of empty tensors.
  const bool nothing_to_compute =
      !step.output_types.empty() &&
      std::all_of(step.output_types.begin(), step.output_types.end(),
                  [](const TensorType& type) { return *checked_element_count(type.shape) == 0; });
  for (size_t i = 0; i < step.output_types.size(); ++i) {
    const TensorType& type = step.output_types[i];
    if (step.kernel_sets_outputs && !nothing_to_compute) {
      outputs.emplace_back();
      continue;
    }
    const int slot = step.outputs[i];
    if (arena && slot >= 0 && arena_offsets_[static_cast<size_t>(slot)] >= 0) {
      const int64_t offset = arena_offsets_[static_cast<size_t>(slot)];
      outputs.push_back(Tensor::wrap(type.dtype, type.shape,
                                     std::shared_ptr<std::byte>(arena, arena.get() + offset)));
      continue;
    }
    // Kernels write every output element: no zero fill.
    auto tensor = Tensor::create_uninitialized(type.dtype, type.shape);
    if (!tensor.ok()) return tensor.status().with_context(step.label);
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
  if (!status.ok()) return status.with_context(step.label);
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    if (step.outputs[i] < 0) continue;
    // A kernel that breaks its prepared type would corrupt every later step: stop here.
    if (outputs[i].dtype() != step.output_types[i].dtype ||
        outputs[i].shape() != step.output_types[i].shape || outputs[i].empty()) {
      return internal_error(fmt::format(
          "{}: output {} is {} {}, prepared as {} {}", step.label, i,
          dtype_name(outputs[i].dtype()), shape_to_string(outputs[i].shape()),
          dtype_name(step.output_types[i].dtype), shape_to_string(step.output_types[i].shape)));
    }
    values[static_cast<size_t>(step.outputs[i])] = std::move(outputs[i]);
  }
  return Status::Ok();
}

}  // namespace ort_lite

#include "ort_lite/session.h"

#include <algorithm>
#include <list>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graph_passes.h"
#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/ops/registry.h"
#include "plan.h"
#include "rewrites/rewrites.h"

namespace ort_lite {

struct Session::Impl {
  Graph graph;  // as planned: float16 already widened to float32
  // The inputs and outputs as the model declares them (float16 stays float16 here).
  std::vector<ValueInfo> declared_inputs, declared_outputs;
  SessionOptions options;
  OpRegistry registry;

  // What a plan is prepared for: the input shapes, and the values of small inputs once some
  // op turned out to need them.
  struct PlanKey {
    std::vector<Shape> shapes;
    std::vector<std::string> values;  // raw bytes; empty for inputs not known at prepare
    bool operator==(const PlanKey&) const = default;
  };
  // Plans by key, most recently used first. Guarded by `mutex`, as is values_matter.
  mutable std::mutex mutex;
  mutable bool values_matter = false;
  mutable std::list<std::pair<PlanKey, std::shared_ptr<const Plan>>> plans;

  // Set once the one plan this session can ever need was built from graph.initializers
  // themselves (Plan::build's consumed_initializers): the names stay, the values are gone.
  bool initializers_consumed = false;

  // `needed_value` (optional) reports that an op needed an input value nobody knew.
  // `consume_initializers`: build from graph.initializers themselves (see Plan::build).
  Result<std::shared_ptr<const Plan>> plan_for(
      const std::vector<TensorType>& types, const std::vector<Tensor>& inputs,
      bool* needed_value = nullptr,
      std::map<std::string, Tensor>* consume_initializers = nullptr) const;
  Result<std::vector<TensorType>> check_inputs(const std::vector<NamedTensor>& inputs,
                                               std::vector<Tensor>& ordered) const;

  // The bodies of Session::create and Session::run (which guard them against exceptions).
  static Result<std::unique_ptr<Session>> create(Graph graph, SessionOptions options);
  Result<std::vector<NamedTensor>> run(const std::vector<NamedTensor>& inputs,
                                       RunProfile* profile) const;
};

namespace {

bool is_index_type(DType dtype) { return dtype == DType::kInt64 || dtype == DType::kInt32; }

// Inputs that can carry shape-setting values: integer tensors up to 64 elements (axes, shapes,
// pads, starts/ends) and float tensors up to 16 (Resize's scales and roi).
bool is_small_input(DType dtype, int64_t element_count) {
  if (is_index_type(dtype)) return element_count <= 64;
  return dtype == DType::kFloat32 && element_count <= 16;
}

std::string bytes_of(const Tensor& t) {
  return std::string(static_cast<const char*>(t.raw_data()), t.byte_size());
}

// Deep copies: a plan keeps its known inputs, which the caller may later overwrite.
std::vector<Tensor> clones(const std::vector<Tensor>& tensors) {
  std::vector<Tensor> out;
  for (const Tensor& t : tensors) out.push_back(t.empty() ? Tensor() : t.clone());
  return out;
}

// Lists every node whose op (or opset) ort-lite lacks, all in one error.
Status check_ops_supported(const Graph& graph, const OpRegistry& registry) {
  std::vector<std::string> problems;
  for (const Node& node : graph.nodes) {
    if (registry.find(node.domain, node.op_type, node.opset)) continue;
    const std::string domain = node.domain.empty() ? "ai.onnx" : node.domain;
    if (registry.knows(node.domain, node.op_type)) {
      problems.push_back(fmt::format("{} ({} opset {}: this opset is not supported)", node.label(),
                                     domain, node.opset));
    } else {
      problems.push_back(fmt::format("{} ({} opset {})", node.label(), domain, node.opset));
    }
  }
  if (problems.empty()) return Status::Ok();
  return unsupported(fmt::format("{} node(s) use ops ort-lite does not implement: {}",
                                 problems.size(), fmt::join(problems, "; ")));
}

std::string declared_shape(const ValueInfo& info) {
  if (!info.shape) return "(unknown)";
  std::vector<std::string> dims;
  for (const Dim& d : *info.shape) dims.push_back(d.to_string());
  return fmt::format("[{}]", fmt::join(dims, ", "));
}

// Runs one API call: no exception (oneDNN, protobuf, allocation) escapes into the caller.
template <typename Fn>
auto guarded(const char* call, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", call));
  } catch (const std::exception& e) {
    return internal_error(fmt::format("{}: unexpected exception: {}", call, e.what()));
  } catch (...) {
    return internal_error(fmt::format("{}: unexpected exception", call));
  }
}

}  // namespace

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::load(const std::string& model_path,
                                               SessionOptions options) {
  return guarded("Session::load", [&]() -> Result<std::unique_ptr<Session>> {
    ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(model_path));
    auto session = create(std::move(graph), options);
    if (!session.ok()) return session.status().with_context(model_path);
    return session;
  });
}

Result<std::unique_ptr<Session>> Session::create(Graph graph, SessionOptions options) {
  return guarded("Session::create", [&] { return Impl::create(std::move(graph), options); });
}

Result<std::unique_ptr<Session>> Session::Impl::create(Graph graph, SessionOptions options) {
  ORTL_RETURN_IF_ERROR(check_session_options(options));
  auto impl = std::make_unique<Impl>();
  register_builtin_ops(impl->registry);
  ORTL_RETURN_IF_ERROR(check_ops_supported(graph, impl->registry));
  for (const ValueInfo& input : graph.inputs) {
    if (!input.dtype) {
      return unsupported(
          fmt::format("graph input '{}' has element type {}, which ort-lite does "
                      "not support",
                      input.name, input.dtype_text));
    }
  }
  impl->declared_inputs = graph.inputs;
  impl->declared_outputs = graph.outputs;
  compute_float16_in_float32(graph);
  // The reference backend is the oracle: it runs the model as written.
  if (options.backend != Backend::kReference) {
    rewrites::rewrite_graph(graph, options.optimizations);
  }
  impl->graph = std::move(graph);
  impl->options = options;
  auto session = std::unique_ptr<Session>(new Session(std::move(impl)));

  // With fully fixed input shapes, prepare now: attribute and shape errors surface at load.
  const auto& inputs = session->impl_->graph.inputs;
  const bool all_fixed = std::all_of(inputs.begin(), inputs.end(), [](const ValueInfo& v) {
    return v.shape &&
           std::all_of(v.shape->begin(), v.shape->end(), [](const Dim& d) { return d.is_fixed(); });
  });
  if (all_fixed) {
    std::vector<TensorType> types;
    bool any_small = false;
    for (const ValueInfo& v : inputs) {
      Shape shape;
      for (const Dim& d : *v.shape) shape.push_back(d.value);
      types.push_back({*v.dtype, shape});
      auto count = checked_element_count(shape);
      any_small = any_small || !count.ok() || is_small_input(*v.dtype, *count);
    }
    bool needed_value = false;
    // Every run has these shapes, so this plan is the only one the session will ever use, and
    // it can take the weights themselves: each is then held once, packed. Inputs small enough
    // to carry shape values may yet ask for plans per value: those keep the graph whole.
    Impl& planned = *session->impl_;
    std::map<std::string, Tensor>* consume = any_small ? nullptr : &planned.graph.initializers;
    auto plan = planned.plan_for(types, std::vector<Tensor>(types.size()), &needed_value, consume);
    planned.initializers_consumed = consume != nullptr;
    // Unless an op needed an input's value (known at the first run), errors surface at load.
    if (!plan.ok() && !(needed_value && any_small)) return plan.status();
  }
  return session;
}

const std::vector<ValueInfo>& Session::inputs() const { return impl_->declared_inputs; }
const std::vector<ValueInfo>& Session::outputs() const { return impl_->declared_outputs; }
const SessionOptions& Session::options() const { return impl_->options; }

Result<std::vector<TensorType>> Session::Impl::check_inputs(const std::vector<NamedTensor>& given,
                                                            std::vector<Tensor>& ordered) const {
  ordered.assign(graph.inputs.size(), Tensor());
  std::vector<bool> seen(graph.inputs.size(), false);
  for (const NamedTensor& named : given) {
    auto it = std::find_if(graph.inputs.begin(), graph.inputs.end(),
                           [&](const ValueInfo& v) { return v.name == named.name; });
    if (it == graph.inputs.end()) {
      if (graph.initializers.count(named.name)) {
        return invalid_argument(
            fmt::format("'{}' is a constant (initializer) of this model, not "
                        "an input; overriding initializers is not supported",
                        named.name));
      }
      std::vector<std::string> names;
      for (const ValueInfo& v : graph.inputs) names.push_back("'" + v.name + "'");
      return invalid_argument(fmt::format("the model has no input named '{}' (inputs: {})",
                                          named.name, fmt::join(names, ", ")));
    }
    const size_t i = static_cast<size_t>(it - graph.inputs.begin());
    if (seen[i]) return invalid_argument(fmt::format("input '{}' is given twice", named.name));
    seen[i] = true;
    if (named.tensor.empty()) {
      return invalid_argument(fmt::format("input '{}' holds no tensor", named.name));
    }
    ordered[i] = named.tensor;
  }

  std::vector<TensorType> types;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const ValueInfo& info = graph.inputs[i];
    if (!seen[i]) return invalid_argument(fmt::format("missing input '{}'", info.name));
    Tensor& t = ordered[i];
    // A float16 input is computed in float32: convert here (float32 is accepted as is).
    if (declared_inputs[i].dtype == DType::kFloat16 && t.dtype() == DType::kFloat16) {
      t = float16_to_float32(t);
    }
    if (t.dtype() != *info.dtype) {
      return invalid_argument(fmt::format("input '{}' is {}, but the model expects {}", info.name,
                                          dtype_name(t.dtype()),
                                          dtype_name(*declared_inputs[i].dtype)));
    }
    if (info.shape) {
      bool matches = info.shape->size() == t.shape().size();
      for (size_t d = 0; matches && d < t.shape().size(); ++d) {
        matches = !(*info.shape)[d].is_fixed() || (*info.shape)[d].value == t.shape()[d];
      }
      if (!matches) {
        return invalid_argument(fmt::format("input '{}' has shape {}, but the model expects {}",
                                            info.name, shape_to_string(t.shape()),
                                            declared_shape(info)));
      }
    }
    types.push_back({t.dtype(), t.shape()});
  }
  return types;
}

Result<std::shared_ptr<const Plan>> Session::Impl::plan_for(
    const std::vector<TensorType>& types, const std::vector<Tensor>& inputs, bool* needed_value_out,
    std::map<std::string, Tensor>* consume_initializers) const {
  // Small inputs may carry values that set output shapes (axes, shapes, scales fed at run
  // time). A plan is first prepared without their values; only if that fails are they made
  // known at prepare time, and from then on every distinct value gets its own plan.
  std::vector<Tensor> small(types.size());
  bool any_small = false;
  for (size_t i = 0; i < types.size(); ++i) {
    if (!inputs[i].empty() && is_small_input(inputs[i].dtype(), inputs[i].element_count())) {
      small[i] = inputs[i];
      any_small = true;
    }
  }
  std::lock_guard lock(mutex);
  auto key_for = [&] {
    PlanKey key;
    for (size_t i = 0; i < types.size(); ++i) {
      key.shapes.push_back(types[i].shape);
      key.values.push_back(values_matter && !small[i].empty() ? bytes_of(small[i]) : "");
    }
    return key;
  };
  PlanKey key = key_for();
  for (auto it = plans.begin(); it != plans.end(); ++it) {
    if (it->first == key) {
      plans.splice(plans.begin(), plans, it);
      return plans.front().second;
    }
  }
  if (initializers_consumed) {
    return internal_error(
        "the session's only plan was built at load, with the weights; no other can be made");
  }
  // Built under the lock: concurrent first runs of one shape build one plan, not several.
  const std::vector<Tensor> unknown(types.size());
  bool needed_value = false;
  auto plan = Plan::build(graph, registry, options, types, values_matter ? clones(small) : unknown,
                          &needed_value, consume_initializers);
  if (needed_value_out) *needed_value_out = needed_value;
  if (!plan.ok() && !values_matter && any_small && needed_value) {
    auto with_values = Plan::build(graph, registry, options, types, clones(small));
    if (!with_values.ok()) return with_values.status();
    values_matter = true;
    key = key_for();
    plan = std::move(with_values);
  }
  if (!plan.ok()) return plan.status();
  plans.emplace_front(std::move(key), std::shared_ptr<const Plan>(std::move(plan).value()));
  while (plans.size() > static_cast<size_t>(options.plan_cache_size)) plans.pop_back();
  return plans.front().second;
}

Result<std::vector<NamedTensor>> Session::run(const std::vector<NamedTensor>& inputs) const {
  return guarded("Session::run", [&] { return impl_->run(inputs, nullptr); });
}

Result<std::vector<NamedTensor>> Session::run(const std::vector<NamedTensor>& inputs,
                                              RunProfile* profile) const {
  return guarded("Session::run", [&] { return impl_->run(inputs, profile); });
}

Result<std::vector<NamedTensor>> Session::Impl::run(const std::vector<NamedTensor>& inputs,
                                                    RunProfile* profile) const {
  std::vector<Tensor> ordered;
  ORTL_ASSIGN_OR_RETURN(std::vector<TensorType> types, check_inputs(inputs, ordered));
  ORTL_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, plan_for(types, ordered));
  ORTL_ASSIGN_OR_RETURN(std::vector<Tensor> values, plan->run(ordered, profile));
  std::vector<NamedTensor> outputs;
  for (size_t i = 0; i < values.size(); ++i) {
    const bool narrow =
        declared_outputs[i].dtype == DType::kFloat16 && values[i].dtype() == DType::kFloat32;
    outputs.push_back(
        {graph.outputs[i].name, narrow ? float32_to_float16(values[i]) : std::move(values[i])});
  }
  // An output that is a view of an input (Identity, Reshape, Flatten of a graph input) would be
  // the caller's memory, which it may overwrite or free once run() returns: copied instead.
  for (NamedTensor& out : outputs) {
    const auto* at = static_cast<const std::byte*>(out.tensor.raw_data());
    for (const Tensor& in : ordered) {
      const auto* begin = static_cast<const std::byte*>(in.raw_data());
      if (at && begin && at >= begin && at < begin + in.byte_size()) {
        out.tensor = out.tensor.clone();
        break;
      }
    }
  }
  return outputs;
}

Result<PlanMemory> Session::memory(const std::vector<NamedTensor>& inputs) const {
  return guarded("Session::memory", [&]() -> Result<PlanMemory> {
    std::vector<Tensor> ordered;
    ORTL_ASSIGN_OR_RETURN(std::vector<TensorType> types, impl_->check_inputs(inputs, ordered));
    ORTL_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, impl_->plan_for(types, ordered));
    return plan->memory();
  });
}

Result<std::vector<NodeReport>> Session::describe(const std::vector<NamedTensor>& inputs) const {
  return guarded("Session::describe", [&]() -> Result<std::vector<NodeReport>> {
    std::vector<Tensor> ordered;
    ORTL_ASSIGN_OR_RETURN(std::vector<TensorType> types, impl_->check_inputs(inputs, ordered));
    ORTL_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, impl_->plan_for(types, ordered));
    return plan->report();
  });
}

}  // namespace ort_lite

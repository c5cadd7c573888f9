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

namespace ort_lite {

struct Session::Impl {
  Graph graph;  // as planned: float16 already widened to float32
  // The inputs and outputs as the model declares them (float16 stays float16 here).
  std::vector<ValueInfo> declared_inputs, declared_outputs;
  SessionOptions options;
  OpRegistry registry;

  // Plans by input shapes, most recently used first.
  mutable std::mutex mutex;
  mutable std::list<std::pair<std::vector<Shape>, std::shared_ptr<const Plan>>> plans;

  Result<std::shared_ptr<const Plan>> plan_for(const std::vector<TensorType>& types) const;
  Result<std::vector<TensorType>> check_inputs(const std::vector<NamedTensor>& inputs,
                                               std::vector<Tensor>& ordered) const;
};

namespace {

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

}  // namespace

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::load(const std::string& model_path,
                                               SessionOptions options) {
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(model_path));
  auto session = create(std::move(graph), options);
  if (!session.ok()) return session.status().with_context(model_path);
  return session;
}

Result<std::unique_ptr<Session>> Session::create(Graph graph, SessionOptions options) {
  if (options.threads < 0) {
    return invalid_argument(fmt::format("threads = {} must be >= 0", options.threads));
  }
  if (options.plan_cache_size < 1) {
    return invalid_argument(
        fmt::format("plan_cache_size = {} must be >= 1", options.plan_cache_size));
  }
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
    for (const ValueInfo& v : inputs) {
      Shape shape;
      for (const Dim& d : *v.shape) shape.push_back(d.value);
      types.push_back({*v.dtype, shape});
    }
    ORTL_RETURN_IF_ERROR(session->impl_->plan_for(types).status());
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
    const std::vector<TensorType>& types) const {
  std::vector<Shape> key;
  for (const TensorType& t : types) key.push_back(t.shape);
  std::lock_guard lock(mutex);
  for (auto it = plans.begin(); it != plans.end(); ++it) {
    if (it->first == key) {
      plans.splice(plans.begin(), plans, it);
      return plans.front().second;
    }
  }
  // Built under the lock: concurrent first runs of one shape build one plan, not several.
  ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, Plan::build(graph, registry, options, types));
  plans.emplace_front(std::move(key), std::shared_ptr<const Plan>(std::move(plan)));
  while (plans.size() > static_cast<size_t>(options.plan_cache_size)) plans.pop_back();
  return plans.front().second;
}

Result<std::vector<NamedTensor>> Session::run(const std::vector<NamedTensor>& inputs) const {
  std::vector<Tensor> ordered;
  ORTL_ASSIGN_OR_RETURN(std::vector<TensorType> types, impl_->check_inputs(inputs, ordered));
  ORTL_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, impl_->plan_for(types));
  ORTL_ASSIGN_OR_RETURN(std::vector<Tensor> values, plan->run(ordered));
  std::vector<NamedTensor> outputs;
  for (size_t i = 0; i < values.size(); ++i) {
    const bool narrow =
        impl_->declared_outputs[i].dtype == DType::kFloat16 && values[i].dtype() == DType::kFloat32;
    outputs.push_back({impl_->graph.outputs[i].name,
                       narrow ? float32_to_float16(values[i]) : std::move(values[i])});
  }
  return outputs;
}

Result<std::vector<NodeReport>> Session::describe(const std::vector<NamedTensor>& inputs) const {
  std::vector<Tensor> ordered;
  ORTL_ASSIGN_OR_RETURN(std::vector<TensorType> types, impl_->check_inputs(inputs, ordered));
  ORTL_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, impl_->plan_for(types));
  return plan->report();
}

}  // namespace ort_lite

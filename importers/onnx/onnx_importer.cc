// onnx.ModelProto -> Graph. Translation and structural validation only: what an op's
// attributes mean is checked by the op, not here.
//
// The ONNX checker and shape inference are deliberately not used: Debian's ONNX 1.12 checker
// refuses IR > 8 / opset > 17 and crashes on some malformed models.
#include "ort_lite/importers/onnx_importer.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "onnx/onnx_pb.h"  // defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1)
#include "onnx/tensor_proto.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;
using BaseDir = std::optional<fs::path>;

constexpr int64_t kMinIrVersion = 3;
constexpr int64_t kMaxIrVersion = 10;

// "ai.onnx" is the default domain's official name; models use both spellings.
std::string normalize_domain(const std::string& domain) {
  return domain == "ai.onnx" ? std::string() : domain;
}

std::string domain_text(const std::string& domain) {
  return domain.empty() ? "the default ONNX domain" : fmt::format("domain '{}'", domain);
}

Result<std::map<std::string, int64_t>> read_opsets(const onnx::ModelProto& model) {
  std::map<std::string, int64_t> opsets;
  for (const auto& entry : model.opset_import()) {
    const std::string domain = normalize_domain(entry.domain());
    if (entry.version() < 1) {
      return invalid_model(
          fmt::format("opset_import for {} has version {}", domain_text(domain), entry.version()));
    }
    auto [it, inserted] = opsets.emplace(domain, entry.version());
    if (!inserted && it->second != entry.version()) {
      return invalid_model(fmt::format("opset_import lists {} twice, with versions {} and {}",
                                       domain_text(domain), it->second, entry.version()));
    }
  }
  if (!opsets.contains("")) {
    return invalid_model("the model has no opset_import for the default ONNX domain");
  }
  return opsets;
}

const char* type_kind(const onnx::TypeProto& type) {
  switch (type.value_case()) {
    case onnx::TypeProto::kSequenceType:
      return "sequence";
    case onnx::TypeProto::kMapType:
      return "map";
    case onnx::TypeProto::kOptionalType:
      return "optional";
    case onnx::TypeProto::kSparseTensorType:
      return "sparse tensor";
    case onnx::TypeProto::kOpaqueType:
      return "opaque";
    default:
      return "non-tensor";
  }
}

// `role` is "graph input" or "graph output".
Result<ValueInfo> convert_value_info(const onnx::ValueInfoProto& proto, std::string_view role) {
  ValueInfo info;
  info.name = proto.name();
  if (!proto.has_type() || proto.type().value_case() == onnx::TypeProto::VALUE_NOT_SET) {
    return info;
  }
  if (!proto.type().has_tensor_type()) {
    return unsupported(fmt::format("{} '{}' has a {} type; only tensors are supported", role,
                                   info.name, type_kind(proto.type())));
  }
  const auto& tensor_type = proto.type().tensor_type();
  if (tensor_type.elem_type() != onnx::TensorProto::UNDEFINED) {
    info.dtype = onnx_io::dtype_from_onnx(tensor_type.elem_type());
    info.dtype_text = onnx_io::onnx_type_name(tensor_type.elem_type());
  }
  if (tensor_type.has_shape()) {
    std::vector<Dim> shape;
    for (const auto& dim : tensor_type.shape().dim()) {
      if (dim.has_dim_value()) {
        if (dim.dim_value() < 0) {
          // A declared output shape is only a hint (the plan computes the real one), and a
          // negative dim there is usually shape inference run on a bad attribute: leave the
          // dim unknown so that the node's own check names the node, attribute and rule.
          if (role == "graph output") {
            shape.push_back(Dim{});
            continue;
          }
          return invalid_model(
              fmt::format("{} '{}' has a negative dim {}", role, info.name, dim.dim_value()));
        }
        shape.push_back(Dim{dim.dim_value(), ""});
      } else if (dim.has_dim_param()) {
        shape.push_back(Dim{-1, dim.dim_param()});
      } else {
        shape.push_back(Dim{});
      }
    }
    info.shape = std::move(shape);
  }
  return info;
}

// Models older than IR version 2 (and some hand-written ones) leave `type` unset; the value
// field that is present says what it is.
onnx::AttributeProto::AttributeType attribute_type(const onnx::AttributeProto& a) {
  using A = onnx::AttributeProto;
  if (a.type() != A::UNDEFINED) return a.type();
  if (a.has_f()) return A::FLOAT;
  if (a.has_i()) return A::INT;
  if (a.has_s()) return A::STRING;
  if (a.has_t()) return A::TENSOR;
  if (a.has_g()) return A::GRAPH;
  if (a.has_sparse_tensor()) return A::SPARSE_TENSOR;
  if (a.has_tp()) return A::TYPE_PROTO;
  if (a.floats_size() > 0) return A::FLOATS;
  if (a.ints_size() > 0) return A::INTS;
  if (a.strings_size() > 0) return A::STRINGS;
  if (a.tensors_size() > 0) return A::TENSORS;
  if (a.graphs_size() > 0) return A::GRAPHS;
  if (a.sparse_tensors_size() > 0) return A::SPARSE_TENSORS;
  if (a.type_protos_size() > 0) return A::TYPE_PROTOS;
  return A::UNDEFINED;
}

Result<AttributeValue> convert_attribute(const onnx::AttributeProto& a, const BaseDir& base_dir) {
  using A = onnx::AttributeProto;
  if (a.has_ref_attr_name()) {
    return unsupported(
        fmt::format("attribute '{}' refers to function attribute '{}'; functions are not supported",
                    a.name(), a.ref_attr_name()));
  }
  const A::AttributeType type = attribute_type(a);
  switch (type) {
    case A::FLOAT:
      return AttributeValue(a.f());
    case A::INT:
      return AttributeValue(a.i());
    case A::STRING:
      return AttributeValue(a.s());
    case A::FLOATS:
      return AttributeValue(std::vector<float>(a.floats().begin(), a.floats().end()));
    case A::INTS:
      return AttributeValue(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case A::STRINGS:
      return AttributeValue(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case A::TENSOR: {
      auto tensor = onnx_io::tensor_from_proto(a.t(), base_dir);
      if (!tensor.ok())
        return tensor.status().with_context(fmt::format("attribute '{}'", a.name()));
      return AttributeValue(std::move(tensor).value());
    }
    case A::UNDEFINED:
      return invalid_model(fmt::format("attribute '{}' has no type and no value", a.name()));
    default:
      return unsupported(fmt::format("attribute '{}' has type {}, which ort-lite does not support",
                                     a.name(), A::AttributeType_Name(type)));
  }
}

Result<Node> convert_node(const onnx::NodeProto& proto, size_t index,
                          const std::map<std::string, int64_t>& opsets, const BaseDir& base_dir) {
  Node node;
  node.op_type = proto.op_type();
  if (node.op_type.empty()) return invalid_model(fmt::format("node #{} has no op_type", index));
  node.name = proto.name().empty() ? fmt::format("{}#{}", node.op_type, index) : proto.name();
  node.domain = normalize_domain(proto.domain());
  const auto opset = opsets.find(node.domain);
  if (opset == opsets.end()) {
    return invalid_model(fmt::format("{}: the model has no opset_import for {}", node.label(),
                                     domain_text(node.domain)));
  }
  node.opset = opset->second;
  node.inputs.assign(proto.input().begin(), proto.input().end());
  node.outputs.assign(proto.output().begin(), proto.output().end());
  for (const auto& attribute : proto.attribute()) {
    if (attribute.name().empty()) {
      return invalid_model(fmt::format("{}: an attribute has no name", node.label()));
    }
    auto value = convert_attribute(attribute, base_dir);
    if (!value.ok()) return value.status().with_context(node.label());
    if (!node.attributes.emplace(attribute.name(), std::move(value).value()).second) {
      return invalid_model(
          fmt::format("{}: attribute '{}' is given twice", node.label(), attribute.name()));
    }
  }
  return node;
}

template <typename T>
Tensor tensor_of(DType dtype, Shape shape, std::span<const T> values) {
  Tensor tensor(dtype, std::move(shape));
  std::copy(values.begin(), values.end(), tensor.mutable_values<T>().begin());
  return tensor;
}

// The value of a Constant node, which becomes an initializer named by its output.
Result<Tensor> constant_value(const Node& node) {
  if (!node.inputs.empty())
    return invalid_model(fmt::format("{}: Constant has inputs", node.label()));
  if (node.outputs.size() != 1 || node.outputs[0].empty()) {
    return invalid_model(fmt::format("{}: Constant must have exactly one output", node.label()));
  }
  if (node.attributes.size() != 1) {
    return invalid_model(fmt::format(
        "{}: Constant must have exactly one of value, value_float, value_floats, value_int, "
        "value_ints (it has {} attributes)",
        node.label(), node.attributes.size()));
  }
  const auto& [name, value] = *node.attributes.begin();
  if (name == "value" && std::holds_alternative<Tensor>(value)) return std::get<Tensor>(value);
  if (name == "value_float" && std::holds_alternative<float>(value)) {
    const float v = std::get<float>(value);
    return tensor_of<float>(DType::kFloat32, {}, {&v, 1});
  }
  if (name == "value_floats" && std::holds_alternative<std::vector<float>>(value)) {
    const auto& v = std::get<std::vector<float>>(value);
    return tensor_of<float>(DType::kFloat32, {static_cast<int64_t>(v.size())}, v);
  }
  if (name == "value_int" && std::holds_alternative<int64_t>(value)) {
    const int64_t v = std::get<int64_t>(value);
    return tensor_of<int64_t>(DType::kInt64, {}, {&v, 1});
  }
  if (name == "value_ints" && std::holds_alternative<std::vector<int64_t>>(value)) {
    const auto& v = std::get<std::vector<int64_t>>(value);
    return tensor_of<int64_t>(DType::kInt64, {static_cast<int64_t>(v.size())}, v);
  }
  if (name == "value_string" || name == "value_strings") {
    return unsupported(
        fmt::format("{}: string constants ('{}') are not supported", node.label(), name));
  }
  return invalid_model(
      fmt::format("{}: attribute '{}' is not a valid Constant value attribute "
                  "or has the wrong type",
                  node.label(), name));
}

// Orders `graph.nodes` topologically (Kahn's algorithm, lowest original index first so an
// already sorted graph keeps its order) and checks that every value has exactly one producer.
Status sort_and_validate(Graph& graph, const std::set<std::string>& graph_input_names) {
  std::map<std::string, std::string> producer;   // value -> what defines it, for messages
  std::map<std::string, size_t> producing_node;  // value -> index in graph.nodes
  for (const auto& name : graph_input_names) producer.emplace(name, "graph input");
  for (const auto& [name, tensor] : graph.initializers) producer.emplace(name, "initializer");
  const size_t n = graph.nodes.size();
  for (size_t i = 0; i < n; ++i) {
    for (const auto& output : graph.nodes[i].outputs) {
      if (output.empty()) continue;
      auto [it, inserted] = producer.emplace(output, graph.nodes[i].label());
      if (!inserted) {
        return invalid_model(fmt::format("{}: output '{}' is also produced by {}",
                                         graph.nodes[i].label(), output, it->second));
      }
      producing_node.emplace(output, i);
    }
  }

  std::vector<std::vector<size_t>> consumers(n);
  std::vector<size_t> pending_inputs(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& input : graph.nodes[i].inputs) {
      if (input.empty()) continue;
      if (!producer.contains(input)) {
        return invalid_model(
            fmt::format("{}: input '{}' is not a graph input, initializer or node output",
                        graph.nodes[i].label(), input));
      }
      const auto from = producing_node.find(input);
      if (from == producing_node.end()) continue;
      consumers[from->second].push_back(i);
      ++pending_inputs[i];
    }
  }

  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i) {
    if (pending_inputs[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    placed[i] = true;
    for (size_t consumer : consumers[i]) {
      if (--pending_inputs[consumer] == 0) ready.insert(consumer);
    }
  }

  if (order.size() < n) {
    // Every unplaced node reads some value from another unplaced node, so walking those reads
    // backwards must come round to a node already seen: that loop is a cycle.
    size_t current = 0;
    while (placed[current]) ++current;
    std::map<size_t, size_t> position;
    std::vector<size_t> path;
    std::vector<std::string> via;
    while (!position.contains(current)) {
      position.emplace(current, path.size());
      path.push_back(current);
      for (const auto& input : graph.nodes[current].inputs) {
        const auto from = producing_node.find(input);
        if (!input.empty() && from != producing_node.end() && !placed[from->second]) {
          via.push_back(input);
          current = from->second;
          break;
        }
      }
    }
    std::string cycle;
    for (size_t k = position[current]; k < path.size(); ++k) {
      const size_t next = k + 1 < path.size() ? path[k + 1] : current;
      cycle += fmt::format("{}{} reads '{}' from {}", cycle.empty() ? "" : "; ",
                           graph.nodes[path[k]].label(), via[k], graph.nodes[next].label());
    }
    return invalid_model("the graph has a cycle: " + cycle);
  }

  std::vector<Node> sorted;
  sorted.reserve(n);
  for (size_t i : order) sorted.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(sorted);

  for (const auto& output : graph.outputs) {
    if (!producer.contains(output.name)) {
      return invalid_model(
          fmt::format("graph output '{}' is not produced by any node, graph input or initializer",
                      output.name));
    }
  }
  return Status::Ok();
}

// Takes the model by mutable reference: each initializer's bytes are released once converted,
// so a model's weights are held twice at most, never three times (file, proto, tensors).
Result<Graph> convert_model(onnx::ModelProto& model, const BaseDir& base_dir) {
  if (!model.has_ir_version() || model.ir_version() == 0) {
    return invalid_model("ir_version is not set (is this an ONNX model?)");
  }
  if (model.ir_version() < kMinIrVersion || model.ir_version() > kMaxIrVersion) {
    return unsupported(fmt::format("IR version {} is not supported (ort-lite reads {} to {})",
                                   model.ir_version(), kMinIrVersion, kMaxIrVersion));
  }
  Graph graph;
  ORTL_ASSIGN_OR_RETURN(graph.opsets, read_opsets(model));
  if (!model.has_graph()) return invalid_model("the model has no graph");
  const onnx::GraphProto& proto = model.graph();

  if (proto.sparse_initializer_size() > 0) {
    return unsupported(fmt::format("sparse initializer '{}' is not supported",
                                   proto.sparse_initializer(0).values().name()));
  }
  for (int i = 0; i < proto.initializer_size(); ++i) {
    onnx::TensorProto& initializer = *model.mutable_graph()->mutable_initializer(i);
    if (initializer.name().empty()) {
      return invalid_model(fmt::format("initializer #{} has no name", i));
    }
    if (graph.initializers.contains(initializer.name())) {
      return invalid_model(fmt::format("initializer '{}' is defined twice", initializer.name()));
    }
    auto tensor = onnx_io::tensor_from_proto(initializer, base_dir);
    if (!tensor.ok()) {
      return tensor.status().with_context(fmt::format("initializer '{}'", initializer.name()));
    }
    graph.initializers.emplace(initializer.name(), std::move(tensor).value());
    std::string().swap(*initializer.mutable_raw_data());
  }

  std::set<std::string> graph_input_names;
  for (const auto& input : proto.input()) {
    if (input.name().empty()) return invalid_model("a graph input has no name");
    if (!graph_input_names.insert(input.name()).second) {
      return invalid_model(fmt::format("graph input '{}' is listed twice", input.name()));
    }
    // IR version 3 models list their weights as inputs too; they are constants.
    if (graph.initializers.contains(input.name())) continue;
    ORTL_ASSIGN_OR_RETURN(ValueInfo info, convert_value_info(input, "graph input"));
    graph.inputs.push_back(std::move(info));
  }
  std::set<std::string> graph_output_names;
  for (const auto& output : proto.output()) {
    if (output.name().empty()) return invalid_model("a graph output has no name");
    if (!graph_output_names.insert(output.name()).second) {
      return invalid_model(fmt::format("graph output '{}' is listed twice", output.name()));
    }
    ORTL_ASSIGN_OR_RETURN(ValueInfo info, convert_value_info(output, "graph output"));
    graph.outputs.push_back(std::move(info));
  }

  for (int i = 0; i < proto.node_size(); ++i) {
    ORTL_ASSIGN_OR_RETURN(
        Node node, convert_node(proto.node(i), static_cast<size_t>(i), graph.opsets, base_dir));
    if (node.op_type != "Constant" || !node.domain.empty()) {
      graph.nodes.push_back(std::move(node));
      continue;
    }
    ORTL_ASSIGN_OR_RETURN(Tensor value, constant_value(node));
    const std::string& name = node.outputs[0];
    if (graph_input_names.contains(name) || graph.initializers.contains(name)) {
      return invalid_model(
          fmt::format("{}: output '{}' is also a graph input or initializer", node.label(), name));
    }
    graph.initializers.emplace(name, std::move(value));
  }

  ORTL_RETURN_IF_ERROR(sort_and_validate(graph, graph_input_names));
  return graph;
}

// `release` frees the file's bytes once parsed (when the importer owns them).
Result<Graph> import_model(std::string_view bytes, const std::string& source,
                           const BaseDir& base_dir, std::string* release = nullptr) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return invalid_model("the file is larger than protobuf's 2 GiB limit");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return invalid_model("not a valid ONNX model (protobuf parse failed)");
  }
  if (release) std::string().swap(*release);
  ORTL_ASSIGN_OR_RETURN(Graph graph, convert_model(model, base_dir));
  graph.source = source;
  return graph;
}

}  // namespace

namespace {

Result<Graph> import_guarded(std::string_view bytes, const std::string& source,
                             const std::string& base_dir, std::string* release) {
  try {
    BaseDir base;
    if (!base_dir.empty()) base = base_dir;
    auto graph = import_model(bytes, source, base, release);
    if (!graph.ok()) return graph.status().with_context(source);
    return graph;
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", source));
  } catch (const std::exception& e) {  // std::filesystem or protobuf
    return internal_error(fmt::format("{}: {}", source, e.what()));
  }
}

}  // namespace

Result<Graph> import_onnx_bytes(std::string_view bytes, const std::string& source,
                                const std::string& base_dir) {
  return import_guarded(bytes, source, base_dir, nullptr);
}

Result<Graph> import_onnx_file(const std::string& path) {
  auto bytes = onnx_io::read_file_bytes(path);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return import_guarded(*bytes, path, onnx_io::folder_of(path), &*bytes);
}

}  // namespace ort_lite

#include "ort_lite/importers/onnx_edit.h"

#include <climits>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "onnx/tensor_proto.h"

namespace ort_lite {
namespace {

Result<onnx::ModelProto> read_model(const std::string& path) {
  Result<std::string> read = onnx_io::read_file_bytes(path);
  if (!read.ok()) return read.status().with_context(path);
  const std::string& bytes = *read;
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return invalid_model(fmt::format("{}: larger than protobuf's 2 GiB limit", path));
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return invalid_model(fmt::format("{}: not a valid ONNX model (protobuf parse failed)", path));
  }
  return model;
}

Status write_model(const onnx::ModelProto& model, const std::string& path) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    return internal_error(fmt::format("{}: the model could not be serialized", path));
  }
  const Status written = onnx_io::write_file_bytes(path, bytes);
  return written.ok() ? written : written.with_context(path);
}

bool uses_external_data(const onnx::GraphProto& graph) {
  for (const auto& t : graph.initializer()) {
    if (t.data_location() == onnx::TensorProto::EXTERNAL) return true;
  }
  return false;
}

void set_attribute(onnx::NodeProto& node, const std::string& name, const AttributeValue& value) {
  onnx::AttributeProto* a = node.add_attribute();
  a->set_name(name);
  if (const auto* i = std::get_if<int64_t>(&value)) {
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(*i);
  } else if (const auto* f = std::get_if<float>(&value)) {
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(*f);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(*s);
  } else if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) {
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : *ints) a->add_ints(v);
  } else if (const auto* floats = std::get_if<std::vector<float>>(&value)) {
    a->set_type(onnx::AttributeProto::FLOATS);
    for (float v : *floats) a->add_floats(v);
  } else if (const auto* strings = std::get_if<std::vector<std::string>>(&value)) {
    a->set_type(onnx::AttributeProto::STRINGS);
    for (const auto& v : *strings) a->add_strings(v);
  } else if (const auto* t = std::get_if<Tensor>(&value)) {
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = onnx_io::tensor_to_proto(*t, "");
  }
}

void set_value_info(onnx::ValueInfoProto* info, const std::string& name, const Shape& shape) {
  info->set_name(name);
  auto* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(onnx::TensorProto::FLOAT);
  auto* dims = tensor_type->mutable_shape();
  for (int64_t d : shape) dims->add_dim()->set_dim_value(d);
}

}  // namespace

Status write_with_initializers(const std::string& in_path,
                               const std::map<std::string, Tensor>& values,
                               const std::string& out_path) {
  try {
    ORTL_ASSIGN_OR_RETURN(onnx::ModelProto model, read_model(in_path));
    onnx::GraphProto* graph = model.mutable_graph();
    namespace fs = std::filesystem;
    if (uses_external_data(*graph) &&
        fs::weakly_canonical(fs::absolute(in_path)).parent_path() !=
            fs::weakly_canonical(fs::absolute(out_path)).parent_path()) {
      return invalid_argument(fmt::format(
          "{}: the model keeps tensors in external files, located relative to its folder; write "
          "the new model into the same folder ({})",
          in_path, fs::absolute(in_path).parent_path().string()));
    }
    std::set<std::string> replaced;
    for (onnx::TensorProto& t : *graph->mutable_initializer()) {
      auto it = values.find(t.name());
      if (it == values.end()) continue;
      const std::optional<DType> old_dtype = onnx_io::dtype_from_onnx(t.data_type());
      if (old_dtype != it->second.dtype()) {
        return invalid_argument(
            fmt::format("{}: initializer '{}' is {}; the new value is {}", in_path, t.name(),
                        onnx_io::onnx_type_name(t.data_type()), dtype_name(it->second.dtype())));
      }
      t = onnx_io::tensor_to_proto(it->second, t.name());
      replaced.insert(it->first);
    }
    for (const auto& [name, value] : values) {
      if (!replaced.count(name)) {
        return invalid_argument(
            fmt::format("{}: '{}' is not an initializer of the main graph", in_path, name));
      }
    }
    // A graph input that shadows a replaced initializer declares its old shape: update it.
    for (onnx::ValueInfoProto& input : *graph->mutable_input()) {
      auto it = values.find(input.name());
      if (it == values.end() || !input.type().has_tensor_type()) continue;
      auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int64_t d : it->second.shape()) shape->add_dim()->set_dim_value(d);
    }
    return write_model(model, out_path);
  } catch (const std::exception& e) {
    return internal_error(fmt::format("{}: {}", in_path, e.what()));
  }
}

Status write_single_node_model(const SingleNodeModel& spec, const std::string& out_path) {
  try {
    onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name(spec.producer);
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(spec.node.opset);
    if (!spec.node.domain.empty()) {
      auto* custom = model.add_opset_import();
      custom->set_domain(spec.node.domain);
      custom->set_version(1);
    }
    onnx::GraphProto* graph = model.mutable_graph();
    graph->set_name(spec.node.name);
    onnx::NodeProto* node = graph->add_node();
    node->set_name(spec.node.name);
    node->set_op_type(spec.node.op_type);
    node->set_domain(spec.node.domain);
    for (const auto& input : spec.node.inputs) node->add_input(input);
    for (const auto& output : spec.node.outputs) node->add_output(output);
    for (const auto& [name, value] : spec.node.attributes) set_attribute(*node, name, value);
    for (const auto& [name, shape] : spec.inputs) {
      set_value_info(graph->add_input(), name, shape);
    }
    for (const auto& [name, value] : spec.initializers) {
      *graph->add_initializer() = onnx_io::tensor_to_proto(value, name);
    }
    if (spec.node.outputs.empty()) {
      return invalid_argument(fmt::format("{}: the node has no output", out_path));
    }
    set_value_info(graph->add_output(), spec.node.outputs[0], spec.output_shape);
    return write_model(model, out_path);
  } catch (const std::exception& e) {
    return internal_error(fmt::format("{}: {}", out_path, e.what()));
  }
}

}  // namespace ort_lite

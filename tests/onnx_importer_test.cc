// ONNX importer: the backend-test Conv models, models built here with the protobuf classes
// (IR 10 / opset 21, Constant folding, every attribute type, external data), and every
// structural error giving a message that names the file, the node and the value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "ort_lite/importers/onnx_edit.h"
#include "ort_lite/importers/onnx_importer.h"

#include "onnx/onnx_pb.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

const fs::path kOnnxTestData = ORTL_ONNX_TESTDATA_DIR;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// ---------------------------------------------------------------------------------------------
// Building models in the test

using DimSpec = std::variant<int64_t, std::string, std::monostate>;  // value, symbol, unknown

onnx::ModelProto make_model(int64_t ir_version = 10, int64_t opset = 21) {
  onnx::ModelProto model;
  model.set_ir_version(ir_version);
  model.set_producer_name("ort-lite test");
  auto* import = model.add_opset_import();
  import->set_domain("");
  import->set_version(opset);
  model.mutable_graph()->set_name("g");
  return model;
}

void set_tensor_type(onnx::ValueInfoProto* info, const std::string& name, int elem_type,
                     std::optional<std::vector<DimSpec>> dims) {
  info->set_name(name);
  auto* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(elem_type);
  if (!dims) return;
  auto* shape = tensor_type->mutable_shape();
  for (const DimSpec& spec : *dims) {
    auto* dim = shape->add_dim();
    if (const auto* value = std::get_if<int64_t>(&spec)) dim->set_dim_value(*value);
    if (const auto* symbol = std::get_if<std::string>(&spec)) dim->set_dim_param(*symbol);
  }
}

void add_input(onnx::ModelProto& model, const std::string& name,
               std::optional<std::vector<DimSpec>> dims = std::vector<DimSpec>{int64_t{4}},
               int elem_type = onnx::TensorProto::FLOAT) {
  set_tensor_type(model.mutable_graph()->add_input(), name, elem_type, std::move(dims));
}

void add_output(onnx::ModelProto& model, const std::string& name,
                std::optional<std::vector<DimSpec>> dims = std::nullopt) {
  set_tensor_type(model.mutable_graph()->add_output(), name, onnx::TensorProto::FLOAT,
                  std::move(dims));
}

onnx::NodeProto* add_node(onnx::ModelProto& model, const std::string& op_type,
                          std::vector<std::string> inputs, std::vector<std::string> outputs,
                          const std::string& name = "") {
  auto* node = model.mutable_graph()->add_node();
  node->set_op_type(op_type);
  node->set_name(name);
  for (const auto& input : inputs) node->add_input(input);
  for (const auto& output : outputs) node->add_output(output);
  return node;
}

onnx::TensorProto float_tensor(const std::string& name, std::vector<int64_t> dims,
                               const std::vector<float>& values) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tensor.add_dims(d);
  tensor.set_raw_data(values.data(), values.size() * sizeof(float));
  return tensor;
}

onnx::AttributeProto* add_attribute(onnx::NodeProto* node, const std::string& name,
                                    onnx::AttributeProto::AttributeType type) {
  auto* attribute = node->add_attribute();
  attribute->set_name(name);
  attribute->set_type(type);
  return attribute;
}

Result<Graph> import(const onnx::ModelProto& model) {
  return import_onnx_bytes(model.SerializeAsString(), "test.onnx");
}

// The model must fail with `code` and exactly `message` (which includes the "test.onnx: "
// prefix).
void expect_error(const onnx::ModelProto& model, StatusCode code, const std::string& message) {
  auto graph = import(model);
  ASSERT_FALSE(graph.ok()) << "expected: " << message;
  EXPECT_EQ(graph.status().code(), code) << graph.status().to_string();
  EXPECT_EQ(graph.status().message(), message);
}

std::vector<float> floats_of(const Tensor& t) {
  const auto v = t.values<float>();
  return {v.begin(), v.end()};
}

std::vector<std::string> node_names(const Graph& graph) {
  std::vector<std::string> names;
  for (const auto& node : graph.nodes) names.push_back(node.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// ONNX backend test data

std::vector<fs::path> conv_models() {
  std::vector<fs::path> models;
  for (const auto& [folder, prefix] :
       {std::pair{"node", "test_conv"}, std::pair{"pytorch-converted", "test_Conv"}}) {
    for (const auto& entry : fs::directory_iterator(kOnnxTestData / folder)) {
      if (entry.path().filename().string().starts_with(prefix) &&
          fs::exists(entry.path() / "model.onnx")) {
        models.push_back(entry.path() / "model.onnx");
      }
    }
  }
  std::sort(models.begin(), models.end());
  return models;
}

TEST(OnnxTestData, LoadsEveryConvModel) {
  const auto models = conv_models();
  ASSERT_GE(models.size(), 16u + 28u) << "ONNX test data missing under " << kOnnxTestData;
  for (const auto& path : models) {
    SCOPED_TRACE(path.string());
    auto graph = import_onnx_file(path.string());
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    EXPECT_EQ(graph->source, path.string());
    ASSERT_EQ(graph->nodes.size(), 1u);
    const Node& node = graph->nodes[0];
    EXPECT_TRUE(node.op_type == "Conv" || node.op_type == "ConvTranspose" ||
                node.op_type == "ConvInteger")
        << node.op_type;
    EXPECT_EQ(node.opset, graph->opsets.at(""));

    // Run-time inputs are exactly those the test data set feeds.
    size_t fed_inputs = 0;
    for (const auto& file : fs::directory_iterator(path.parent_path() / "test_data_set_0")) {
      fed_inputs += file.path().filename().string().starts_with("input_") ? 1 : 0;
    }
    EXPECT_EQ(graph->inputs.size(), fed_inputs);
    std::set<std::string> defined;
    for (const auto& input : graph->inputs) {
      EXPECT_FALSE(graph->initializers.contains(input.name)) << input.name;
      EXPECT_TRUE(input.dtype.has_value()) << input.name;
      EXPECT_TRUE(input.shape.has_value()) << input.name;
      defined.insert(input.name);
    }
    for (const auto& [name, tensor] : graph->initializers) defined.insert(name);
    for (const auto& input : node.inputs) EXPECT_TRUE(defined.contains(input)) << input;
    ASSERT_EQ(graph->outputs.size(), 1u);
    EXPECT_EQ(graph->outputs[0].name, node.outputs[0]);
    // PyTorch exports put the weights (and bias) in initializers; the node tests feed them.
    const bool pytorch = path.string().find("pytorch-converted") != std::string::npos;
    EXPECT_EQ(graph->initializers.size(), pytorch ? node.inputs.size() - 1 : 0u);
  }
}

TEST(OnnxTestData, PytorchConv2dHasWeightsAsInitializersNotInputs) {
  const std::string path = (kOnnxTestData / "pytorch-converted/test_Conv2d/model.onnx").string();
  auto graph = import_onnx_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  ASSERT_EQ(graph->inputs.size(), 1u);  // IR 3 lists "1" and "2" as inputs too
  const ValueInfo& x = graph->inputs[0];
  EXPECT_EQ(x.name, "0");
  EXPECT_EQ(x.dtype, DType::kFloat32);
  EXPECT_EQ(x.dtype_text, "float");
  ASSERT_TRUE(x.shape.has_value());
  ASSERT_EQ(x.shape->size(), 4u);
  EXPECT_EQ((*x.shape)[0].value, 2);
  EXPECT_EQ((*x.shape)[3].value, 5);

  ASSERT_EQ(graph->initializers.size(), 2u);
  const Tensor& w = graph->initializers.at("1");
  EXPECT_EQ(w.shape(), (Shape{4, 3, 3, 2}));
  EXPECT_FLOAT_EQ(w.data<float>()[0], -0.1429409235715866f);
  const Tensor& b = graph->initializers.at("2");
  EXPECT_EQ(b.shape(), (Shape{4}));
  EXPECT_FLOAT_EQ(b.data<float>()[1], 0.09345827996730804f);

  EXPECT_EQ(graph->opsets, (std::map<std::string, int64_t>{{"", 6}}));
  const Node& conv = graph->nodes.at(0);
  EXPECT_EQ(conv.name, "Conv#0");
  EXPECT_EQ(conv.label(), "Conv 'Conv#0'");
  EXPECT_EQ(conv.opset, 6);
  EXPECT_EQ(conv.inputs, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(conv.attributes.at("kernel_shape")),
            (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(std::get<int64_t>(conv.attributes.at("group")), 1);
}

TEST(OnnxTestData, KeepsGivenNodeNamesAndAttributes) {
  auto graph = import_onnx_file(
      (kOnnxTestData / "node/test_convtranspose_kernel_shape/model.onnx").string());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  const Node& node = graph->nodes.at(0);
  EXPECT_EQ(node.name, "test");
  EXPECT_EQ(node.op_type, "ConvTranspose");
  EXPECT_EQ(node.opset, 11);
  EXPECT_EQ(std::get<std::vector<int64_t>>(node.attributes.at("output_shape")),
            (std::vector<int64_t>{10, 8}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(node.attributes.at("strides")),
            (std::vector<int64_t>{3, 2}));
  ASSERT_EQ(graph->inputs.size(), 2u);
  EXPECT_EQ(graph->inputs[0].name, "X");
  EXPECT_EQ(graph->inputs[1].name, "W");
}

// ---------------------------------------------------------------------------------------------
// Models built here

TEST(OnnxImporter, LoadsIr10Opset21Model) {
  auto model = make_model(10, 21);
  auto* extra = model.add_opset_import();
  extra->set_domain("com.microsoft");
  extra->set_version(1);
  add_input(model, "x", std::vector<DimSpec>{"N", int64_t{3}, int64_t{8}, int64_t{8}});
  add_output(model, "z", std::vector<DimSpec>{"N", int64_t{2}, std::monostate{}, std::monostate{}});
  *model.mutable_graph()->add_initializer() = float_tensor("W", {2, 3, 1, 1}, {1, 2, 3, 4, 5, 6});
  auto* bias = model.mutable_graph()->add_initializer();
  bias->set_name("B");
  bias->set_data_type(onnx::TensorProto::FLOAT);
  bias->add_dims(2);
  bias->add_float_data(0.5f);
  bias->add_float_data(-0.5f);
  auto* conv = add_node(model, "Conv", {"x", "W", "B"}, {"y"}, "conv1");
  auto* strides = add_attribute(conv, "strides", onnx::AttributeProto::INTS);
  strides->add_ints(1);
  strides->add_ints(1);
  auto* relu = add_node(model, "Relu", {"y"}, {"z"});
  relu->set_domain("ai.onnx");  // the default domain's other spelling

  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(graph->source, "test.onnx");
  EXPECT_EQ(graph->opsets, (std::map<std::string, int64_t>{{"", 21}, {"com.microsoft", 1}}));

  ASSERT_EQ(graph->inputs.size(), 1u);
  const ValueInfo& x = graph->inputs[0];
  EXPECT_EQ(x.dtype, DType::kFloat32);
  ASSERT_TRUE(x.shape.has_value());
  ASSERT_EQ(x.shape->size(), 4u);
  EXPECT_FALSE((*x.shape)[0].is_fixed());
  EXPECT_EQ((*x.shape)[0].symbol, "N");
  EXPECT_EQ((*x.shape)[1].value, 3);
  const ValueInfo& z = graph->outputs.at(0);
  ASSERT_TRUE(z.shape.has_value());
  EXPECT_EQ((*z.shape)[1].value, 2);
  EXPECT_EQ((*z.shape)[2].value, -1);
  EXPECT_EQ((*z.shape)[2].symbol, "");

  EXPECT_EQ(floats_of(graph->initializers.at("W")), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(floats_of(graph->initializers.at("B")), (std::vector<float>{0.5f, -0.5f}));
  EXPECT_EQ(node_names(*graph), (std::vector<std::string>{"conv1", "Relu#1"}));
  EXPECT_EQ(graph->nodes[0].opset, 21);
  EXPECT_EQ(graph->nodes[1].domain, "");
  EXPECT_EQ(graph->nodes[1].opset, 21);
  EXPECT_EQ(std::get<std::vector<int64_t>>(graph->nodes[0].attributes.at("strides")),
            (std::vector<int64_t>{1, 1}));
}

TEST(OnnxImporter, AcceptsIrVersions3To10Only) {
  for (int64_t ir : {3, 7, 10}) {
    auto model = make_model(ir, 8);
    add_input(model, "x");
    add_output(model, "y");
    add_node(model, "Relu", {"x"}, {"y"});
    EXPECT_TRUE(import(model).ok()) << ir;
  }
  for (int64_t ir : {1, 2, 11}) {
    auto model = make_model(ir);
    expect_error(model, StatusCode::kUnsupported,
                 "test.onnx: IR version " + std::to_string(ir) +
                     " is not supported (ort-lite reads 3 to 10)");
  }
  onnx::ModelProto no_version = make_model();
  no_version.clear_ir_version();
  expect_error(no_version, StatusCode::kInvalidModel,
               "test.onnx: ir_version is not set (is this an ONNX model?)");
}

TEST(OnnxImporter, RequiresOpsetImportsForEveryDomainUsed) {
  auto no_default = make_model();
  no_default.mutable_opset_import(0)->set_domain("com.foo");
  expect_error(no_default, StatusCode::kInvalidModel,
               "test.onnx: the model has no opset_import for the default ONNX domain");

  auto ai_onnx = make_model();
  ai_onnx.mutable_opset_import(0)->set_domain("ai.onnx");
  add_input(ai_onnx, "x");
  add_output(ai_onnx, "y");
  add_node(ai_onnx, "Relu", {"x"}, {"y"});
  auto graph = import(ai_onnx);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(graph->opsets.at(""), 21);

  auto custom = make_model();
  add_input(custom, "x");
  add_output(custom, "y");
  add_node(custom, "Foo", {"x"}, {"y"}, "f")->set_domain("com.foo");
  expect_error(custom, StatusCode::kInvalidModel,
               "test.onnx: Foo 'f': the model has no opset_import for domain 'com.foo'");

  auto conflicting = make_model();
  auto* again = conflicting.add_opset_import();
  again->set_domain("ai.onnx");
  again->set_version(13);
  expect_error(conflicting, StatusCode::kInvalidModel,
               "test.onnx: opset_import lists the default ONNX domain twice, with versions 21 "
               "and 13");
}

TEST(OnnxImporter, ConvertsEveryAttributeType) {
  auto model = make_model();
  model.add_opset_import()->set_domain("custom");
  model.mutable_opset_import(1)->set_version(1);
  add_input(model, "x");
  add_output(model, "y");
  auto* node = add_node(model, "Everything", {"x"}, {"y"}, "e");
  node->set_domain("custom");
  add_attribute(node, "i", onnx::AttributeProto::INT)->set_i(-7);
  add_attribute(node, "f", onnx::AttributeProto::FLOAT)->set_f(0.25f);
  add_attribute(node, "s", onnx::AttributeProto::STRING)->set_s("SAME_UPPER");
  auto* ints = add_attribute(node, "ints", onnx::AttributeProto::INTS);
  ints->add_ints(1);
  ints->add_ints(-2);
  auto* floats = add_attribute(node, "floats", onnx::AttributeProto::FLOATS);
  floats->add_floats(1.5f);
  auto* strings = add_attribute(node, "strings", onnx::AttributeProto::STRINGS);
  strings->add_strings("a");
  strings->add_strings("b");
  *add_attribute(node, "t", onnx::AttributeProto::TENSOR)->mutable_t() =
      float_tensor("", {2}, {3.0f, 4.0f});
  add_attribute(node, "empty_ints", onnx::AttributeProto::INTS);
  // Old exporters leave `type` unset; the field that holds the value decides.
  auto* legacy = node->add_attribute();
  legacy->set_name("legacy");
  legacy->add_ints(9);

  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  const auto& a = graph->nodes.at(0).attributes;
  EXPECT_EQ(graph->nodes[0].domain, "custom");
  EXPECT_EQ(graph->nodes[0].opset, 1);
  EXPECT_EQ(std::get<int64_t>(a.at("i")), -7);
  EXPECT_EQ(std::get<float>(a.at("f")), 0.25f);
  EXPECT_EQ(std::get<std::string>(a.at("s")), "SAME_UPPER");
  EXPECT_EQ(std::get<std::vector<int64_t>>(a.at("ints")), (std::vector<int64_t>{1, -2}));
  EXPECT_EQ(std::get<std::vector<float>>(a.at("floats")), (std::vector<float>{1.5f}));
  EXPECT_EQ(std::get<std::vector<std::string>>(a.at("strings")),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(floats_of(std::get<Tensor>(a.at("t"))), (std::vector<float>{3.0f, 4.0f}));
  EXPECT_TRUE(std::get<std::vector<int64_t>>(a.at("empty_ints")).empty());
  EXPECT_EQ(std::get<std::vector<int64_t>>(a.at("legacy")), (std::vector<int64_t>{9}));
}

TEST(OnnxImporter, RefusesAttributeTypesItCannotHold) {
  using A = onnx::AttributeProto;
  for (auto [type, name] :
       {std::pair{A::GRAPH, "GRAPH"}, std::pair{A::GRAPHS, "GRAPHS"},
        std::pair{A::SPARSE_TENSOR, "SPARSE_TENSOR"}, std::pair{A::TYPE_PROTO, "TYPE_PROTO"},
        std::pair{A::TENSORS, "TENSORS"}}) {
    auto model = make_model();
    add_input(model, "c");
    add_output(model, "y");
    auto* node = add_node(model, "If", {"c"}, {"y"}, "branch");
    auto* attribute = add_attribute(node, "then_branch", type);
    if (type == A::GRAPH) attribute->mutable_g()->set_name("then");
    expect_error(model, StatusCode::kUnsupported,
                 std::string("test.onnx: If 'branch': attribute 'then_branch' has type ") + name +
                     ", which ort-lite does not support");
  }

  auto reference = make_model();
  add_input(reference, "x");
  add_output(reference, "y");
  auto* node = add_node(reference, "LeakyRelu", {"x"}, {"y"}, "lr");
  add_attribute(node, "alpha", A::FLOAT)->set_ref_attr_name("outer_alpha");
  expect_error(reference, StatusCode::kUnsupported,
               "test.onnx: LeakyRelu 'lr': attribute 'alpha' refers to function attribute "
               "'outer_alpha'; functions are not supported");

  auto untyped = make_model();
  add_input(untyped, "x");
  add_output(untyped, "y");
  add_node(untyped, "Relu", {"x"}, {"y"}, "r")->add_attribute()->set_name("nothing");
  expect_error(untyped, StatusCode::kInvalidModel,
               "test.onnx: Relu 'r': attribute 'nothing' has no type and no value");
}

TEST(OnnxImporter, FoldsConstantNodesIntoInitializers) {
  auto model = make_model();
  add_input(model, "x");
  add_output(model, "out");
  add_output(model, "k_ints");  // a Constant may feed a graph output directly
  using A = onnx::AttributeProto;
  *add_attribute(add_node(model, "Constant", {}, {"k_tensor"}), "value", A::TENSOR)->mutable_t() =
      float_tensor("ignored", {2, 2}, {1, 2, 3, 4});
  add_attribute(add_node(model, "Constant", {}, {"k_float"}), "value_float", A::FLOAT)->set_f(2.5f);
  auto* floats =
      add_attribute(add_node(model, "Constant", {}, {"k_floats"}), "value_floats", A::FLOATS);
  floats->add_floats(-1.0f);
  floats->add_floats(7.0f);
  add_attribute(add_node(model, "Constant", {}, {"k_int"}), "value_int", A::INT)->set_i(-3);
  auto* ints = add_attribute(add_node(model, "Constant", {}, {"k_ints"}), "value_ints", A::INTS);
  ints->add_ints(5);
  add_node(model, "Add", {"x", "k_tensor"}, {"a"}, "add");
  add_node(model, "Mul", {"a", "k_float"}, {"out"}, "mul");

  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(node_names(*graph), (std::vector<std::string>{"add", "mul"}));
  ASSERT_EQ(graph->initializers.size(), 5u);
  const Tensor& tensor = graph->initializers.at("k_tensor");
  EXPECT_EQ(tensor.shape(), (Shape{2, 2}));
  EXPECT_EQ(floats_of(tensor), (std::vector<float>{1, 2, 3, 4}));
  const Tensor& scalar = graph->initializers.at("k_float");
  EXPECT_EQ(scalar.dtype(), DType::kFloat32);
  EXPECT_EQ(scalar.shape(), Shape{});
  EXPECT_EQ(scalar.data<float>()[0], 2.5f);
  EXPECT_EQ(floats_of(graph->initializers.at("k_floats")), (std::vector<float>{-1.0f, 7.0f}));
  const Tensor& integer = graph->initializers.at("k_int");
  EXPECT_EQ(integer.dtype(), DType::kInt64);
  EXPECT_EQ(integer.shape(), Shape{});
  EXPECT_EQ(integer.data<int64_t>()[0], -3);
  const Tensor& integers = graph->initializers.at("k_ints");
  EXPECT_EQ(integers.shape(), (Shape{1}));
  EXPECT_EQ(integers.data<int64_t>()[0], 5);
}

TEST(OnnxImporter, RefusesConstantsItCannotFold) {
  using A = onnx::AttributeProto;
  {
    auto model = make_model();
    add_output(model, "k");
    add_attribute(add_node(model, "Constant", {}, {"k"}, "c"), "value_string", A::STRING)
        ->set_s("hello");
    expect_error(model, StatusCode::kUnsupported,
                 "test.onnx: Constant 'c': string constants ('value_string') are not supported");
  }
  {
    auto model = make_model();
    add_output(model, "k");
    add_attribute(add_node(model, "Constant", {}, {"k"}, "c"), "sparse_value", A::SPARSE_TENSOR);
    expect_error(model, StatusCode::kUnsupported,
                 "test.onnx: Constant 'c': attribute 'sparse_value' has type SPARSE_TENSOR, which "
                 "ort-lite does not support");
  }
  {
    auto model = make_model();
    add_output(model, "k");
    add_node(model, "Constant", {}, {"k"}, "c");
    expect_error(model, StatusCode::kInvalidModel,
                 "test.onnx: Constant 'c': Constant must have exactly one of value, value_float, "
                 "value_floats, value_int, value_ints (it has 0 attributes)");
  }
  {
    auto model = make_model();
    add_output(model, "k");
    add_attribute(add_node(model, "Constant", {}, {"k"}, "c"), "value_float", A::INT)->set_i(1);
    expect_error(model, StatusCode::kInvalidModel,
                 "test.onnx: Constant 'c': attribute 'value_float' is not a valid Constant value "
                 "attribute or has the wrong type");
  }
  {
    auto model = make_model();
    add_output(model, "k");
    *model.mutable_graph()->add_initializer() = float_tensor("k", {1}, {1});
    add_attribute(add_node(model, "Constant", {}, {"k"}, "c"), "value_float", A::FLOAT);
    expect_error(model, StatusCode::kInvalidModel,
                 "test.onnx: Constant 'c': output 'k' is also a graph input or initializer");
  }
}

TEST(OnnxImporter, SortsNodesTopologically) {
  auto model = make_model();
  add_input(model, "x");
  add_output(model, "out");
  // Listed consumers first; "left" and "right" are independent and keep their relative order.
  add_node(model, "Add", {"l", "r"}, {"out"}, "join");
  add_node(model, "Relu", {"s"}, {"l"}, "left");
  add_node(model, "Neg", {"s"}, {"r"}, "right");
  add_node(model, "Sigmoid", {"x"}, {"s"}, "start");
  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(node_names(*graph), (std::vector<std::string>{"start", "left", "right", "join"}));
}

TEST(OnnxImporter, AllowsOmittedOptionalInputsAndOutputs) {
  auto model = make_model();
  add_input(model, "x");
  add_output(model, "y");
  *model.mutable_graph()->add_initializer() = float_tensor("W", {1, 4, 1, 1}, {1, 1, 1, 1});
  add_node(model, "Conv", {"x", "W", ""}, {"y"}, "conv");
  add_node(model, "Dropout", {"y"}, {"d", ""}, "drop");
  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(graph->nodes[0].inputs, (std::vector<std::string>{"x", "W", ""}));
}

TEST(OnnxImporter, RejectsCycles) {
  auto model = make_model();
  add_input(model, "in");
  add_output(model, "y");
  add_node(model, "Add", {"in", "y"}, {"x"}, "a");
  add_node(model, "Relu", {"x"}, {"y"}, "b");
  expect_error(model, StatusCode::kInvalidModel,
               "test.onnx: the graph has a cycle: Add 'a' reads 'y' from Relu 'b'; Relu 'b' reads "
               "'x' from Add 'a'");

  auto self_loop = make_model();
  add_output(self_loop, "x");
  add_node(self_loop, "Identity", {"x"}, {"x"}, "me");
  expect_error(self_loop, StatusCode::kInvalidModel,
               "test.onnx: the graph has a cycle: Identity 'me' reads 'x' from Identity 'me'");

  // A node downstream of a cycle is not part of it; the message names only the loop.
  auto downstream = make_model();
  add_input(downstream, "in");
  add_output(downstream, "z");
  add_node(downstream, "Relu", {"y"}, {"z"}, "after");
  add_node(downstream, "Add", {"in", "y"}, {"x"}, "a");
  add_node(downstream, "Neg", {"x"}, {"y"}, "b");
  expect_error(downstream, StatusCode::kInvalidModel,
               "test.onnx: the graph has a cycle: Neg 'b' reads 'x' from Add 'a'; Add 'a' reads "
               "'y' from Neg 'b'");
}

TEST(OnnxImporter, RejectsUndefinedAndDoublyProducedValues) {
  auto undefined = make_model();
  add_input(undefined, "x");
  add_output(undefined, "y");
  add_node(undefined, "Add", {"x", "ghost"}, {"y"}, "r");
  expect_error(undefined, StatusCode::kInvalidModel,
               "test.onnx: Add 'r': input 'ghost' is not a graph input, initializer or node "
               "output");

  auto twice = make_model();
  add_input(twice, "x");
  add_output(twice, "y");
  add_node(twice, "Relu", {"x"}, {"y"}, "r1");
  add_node(twice, "Neg", {"x"}, {"y"}, "r2");
  expect_error(twice, StatusCode::kInvalidModel,
               "test.onnx: Neg 'r2': output 'y' is also produced by Relu 'r1'");

  auto overwrites_input = make_model();
  add_input(overwrites_input, "x");
  add_output(overwrites_input, "x");
  add_node(overwrites_input, "Relu", {"x"}, {"x"}, "r");
  expect_error(overwrites_input, StatusCode::kInvalidModel,
               "test.onnx: Relu 'r': output 'x' is also produced by graph input");

  auto unproduced = make_model();
  add_input(unproduced, "x");
  add_output(unproduced, "y");
  add_output(unproduced, "z");
  add_node(unproduced, "Relu", {"x"}, {"y"});
  expect_error(unproduced, StatusCode::kInvalidModel,
               "test.onnx: graph output 'z' is not produced by any node, graph input or "
               "initializer");

  auto passthrough = make_model();  // an output may be an input or initializer as it is
  add_input(passthrough, "x");
  add_output(passthrough, "x");
  *passthrough.mutable_graph()->add_initializer() = float_tensor("w", {1}, {1});
  add_output(passthrough, "w");
  EXPECT_TRUE(import(passthrough).ok());
}

TEST(OnnxImporter, ConvertsValueInfo) {
  auto model = make_model();
  add_input(model, "bf", std::vector<DimSpec>{int64_t{2}}, onnx::TensorProto::BFLOAT16);
  add_input(model, "unranked", std::nullopt);
  model.mutable_graph()->add_input()->set_name("untyped");
  add_input(model, "empty_shape", std::vector<DimSpec>{});
  add_output(model, "y");
  add_node(model, "Foo", {"bf", "unranked", "untyped", "empty_shape"}, {"y"});
  auto graph = import(model);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  ASSERT_EQ(graph->inputs.size(), 4u);
  EXPECT_FALSE(graph->inputs[0].dtype.has_value());
  EXPECT_EQ(graph->inputs[0].dtype_text, "bfloat16");
  EXPECT_EQ(graph->inputs[0].shape->size(), 1u);
  EXPECT_EQ(graph->inputs[1].dtype, DType::kFloat32);
  EXPECT_FALSE(graph->inputs[1].shape.has_value());
  EXPECT_FALSE(graph->inputs[2].dtype.has_value());
  EXPECT_EQ(graph->inputs[2].dtype_text, "");
  EXPECT_FALSE(graph->inputs[2].shape.has_value());
  ASSERT_TRUE(graph->inputs[3].shape.has_value());  // a scalar
  EXPECT_TRUE(graph->inputs[3].shape->empty());

  auto sequence = make_model();
  auto* input = sequence.mutable_graph()->add_input();
  input->set_name("seq");
  input->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type();
  expect_error(sequence, StatusCode::kUnsupported,
               "test.onnx: graph input 'seq' has a sequence type; only tensors are supported");

  auto negative = make_model();
  add_input(negative, "x", std::vector<DimSpec>{int64_t{-3}});
  expect_error(negative, StatusCode::kInvalidModel,
               "test.onnx: graph input 'x' has a negative dim -3");
}

TEST(OnnxImporter, InitializerErrorsNameTheInitializer) {
  {
    auto model = make_model();
    auto* w = model.mutable_graph()->add_initializer();
    w->set_name("W");
    w->set_data_type(onnx::TensorProto::BFLOAT16);
    w->add_dims(1);
    w->set_raw_data("ab");
    expect_error(model, StatusCode::kUnsupported,
                 "test.onnx: initializer 'W': element type bfloat16 is not supported by ort-lite");
  }
  {
    auto model = make_model();
    auto w = float_tensor("W", {2, 2}, {1, 2, 3});
    *model.mutable_graph()->add_initializer() = w;
    expect_error(model, StatusCode::kInvalidModel,
                 "test.onnx: initializer 'W': dims [2, 2] (4 elements of float) but raw_data has "
                 "12 bytes (expected 16)");
  }
  {
    auto model = make_model();
    *model.mutable_graph()->add_initializer() = float_tensor("W", {1}, {1});
    *model.mutable_graph()->add_initializer() = float_tensor("W", {1}, {2});
    expect_error(model, StatusCode::kInvalidModel, "test.onnx: initializer 'W' is defined twice");
  }
  {
    auto model = make_model();
    auto* sparse = model.mutable_graph()->add_sparse_initializer();
    *sparse->mutable_values() = float_tensor("S", {1}, {1});
    expect_error(model, StatusCode::kUnsupported,
                 "test.onnx: sparse initializer 'S' is not supported");
  }
  {  // external data needs a folder; bytes in memory have none
    auto model = make_model();
    auto w = float_tensor("W", {1}, {});
    w.clear_raw_data();
    w.set_data_location(onnx::TensorProto::EXTERNAL);
    auto* entry = w.add_external_data();
    entry->set_key("location");
    entry->set_value("w.bin");
    *model.mutable_graph()->add_initializer() = w;
    expect_error(model, StatusCode::kInvalidModel,
                 "test.onnx: initializer 'W': external data is not allowed here");
  }
}

TEST(OnnxImporter, SurvivesEveryTruncation) {
  auto model = make_model();
  add_input(model, "x");
  add_output(model, "y");
  *model.mutable_graph()->add_initializer() = float_tensor("W", {4}, {1, 2, 3, 4});
  add_attribute(add_node(model, "Add", {"x", "W"}, {"y"}, "add"), "k", onnx::AttributeProto::INTS)
      ->add_ints(1);
  const std::string bytes = model.SerializeAsString();
  int failures = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    failures += import_onnx_bytes(bytes.substr(0, n), "cut.onnx").ok() ? 0 : 1;
  }
  EXPECT_GT(failures, 0);
  EXPECT_TRUE(import_onnx_bytes(bytes, "whole.onnx").ok());
}

// ---------------------------------------------------------------------------------------------
// Files

class ModelDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("ortl_importer_") + info->name() + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "model");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
  }

  // A Conv model whose weights live in external data at `location` (offset 16).
  static onnx::ModelProto external_model(const std::string& location) {
    auto model = make_model();
    add_input(model, "x");
    add_output(model, "y");
    auto w = float_tensor("W", {2, 1, 1, 1}, {});
    w.clear_raw_data();
    w.set_data_location(onnx::TensorProto::EXTERNAL);
    for (auto [key, value] :
         {std::pair{"location", location}, std::pair{"offset", std::string("16")},
          std::pair{"length", std::string("8")}}) {
      auto* entry = w.add_external_data();
      entry->set_key(key);
      entry->set_value(value);
    }
    *model.mutable_graph()->add_initializer() = w;
    add_node(model, "Conv", {"x", "W"}, {"y"}, "conv");
    return model;
  }

  fs::path dir_;
};

TEST_F(ModelDir, LoadsExternalInitializersRelativeToTheModel) {
  const float weights[] = {0.75f, -4.0f};
  std::string blob(16, '\0');
  blob.append(reinterpret_cast<const char*>(weights), sizeof(weights));
  write(dir_ / "model" / "weights.bin", blob);
  const fs::path path = dir_ / "model" / "model.onnx";
  write(path, external_model("weights.bin").SerializeAsString());
  auto graph = import_onnx_file(path.string());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(floats_of(graph->initializers.at("W")), (std::vector<float>{0.75f, -4.0f}));
}

TEST_F(ModelDir, RefusesExternalDataOutsideTheModelFolder) {
  write(dir_ / "outside.bin", std::string(64, '\0'));
  const fs::path path = dir_ / "model" / "model.onnx";
  const struct {
    std::string location;
    std::string reason;
  } cases[] = {
      {"../outside.bin", "external data location '../outside.bin' leaves the model's folder"},
      {(dir_ / "outside.bin").string(),
       "external data location '" + (dir_ / "outside.bin").string() +
           "' is absolute; it must be relative to the model's folder"},
  };
  for (const auto& c : cases) {
    write(path, external_model(c.location).SerializeAsString());
    auto graph = import_onnx_file(path.string());
    ASSERT_FALSE(graph.ok()) << c.location;
    EXPECT_EQ(graph.status().code(), StatusCode::kInvalidModel);
    EXPECT_EQ(graph.status().message(), path.string() + ": initializer 'W': " + c.reason);
  }
}

TEST_F(ModelDir, FileErrorsNameTheFileAndSayWhy) {
  const std::string missing = (dir_ / "model" / "missing.onnx").string();
  auto graph = import_onnx_file(missing);
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().code(), StatusCode::kIoError);
  EXPECT_EQ(graph.status().message(), missing + ": file not found");

  graph = import_onnx_file((dir_ / "model").string());
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().code(), StatusCode::kIoError);
  EXPECT_TRUE(Contains(graph.status().message(), "is a directory"));

  const fs::path garbage = dir_ / "model" / "garbage.onnx";
  write(garbage, "not an ONNX model\xff\xff\xff");
  graph = import_onnx_file(garbage.string());
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().code(), StatusCode::kInvalidModel);
  EXPECT_EQ(graph.status().message(),
            garbage.string() + ": not a valid ONNX model (protobuf parse failed)");

  const fs::path empty = dir_ / "model" / "empty.onnx";
  write(empty, "");
  graph = import_onnx_file(empty.string());
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().code(), StatusCode::kInvalidModel);
  EXPECT_EQ(graph.status().message(),
            empty.string() + ": ir_version is not set (is this an ONNX model?)");
}

// write_with_initializers (ort-lite-weights graft): the named initializers change, nothing else.
TEST_F(ModelDir, GraftingAnInitializerKeepsEverythingElse) {
  const float weights[] = {0.75f, -4.0f};
  std::string blob(16, '\0');
  blob.append(reinterpret_cast<const char*>(weights), sizeof(weights));
  write(dir_ / "model" / "weights.bin", blob);
  auto model = external_model("weights.bin");
  model.set_doc_string("made for the graft test");
  model.set_producer_name("a producer");
  auto* meta = model.add_metadata_props();
  meta->set_key("author");
  meta->set_value("someone");
  auto* extra_opset = model.add_opset_import();
  extra_opset->set_domain("com.example");
  extra_opset->set_version(3);
  *model.mutable_graph()->add_initializer() = float_tensor("B", {2}, {1.0f, 2.0f});
  model.mutable_graph()->mutable_node(0)->add_input("B");
  const fs::path in = dir_ / "model" / "model.onnx";
  write(in, model.SerializeAsString());

  const fs::path out = dir_ / "model" / "grafted.onnx";
  const Tensor new_bias = Tensor::from_floats({2}, std::vector<float>{5.0f, 6.0f});
  ASSERT_TRUE(write_with_initializers(in.string(), {{"B", new_bias}}, out.string()).ok());
  std::ifstream file(out, std::ios::binary);
  onnx::ModelProto grafted;
  ASSERT_TRUE(grafted.ParseFromIstream(&file));
  EXPECT_EQ(grafted.doc_string(), "made for the graft test");
  EXPECT_EQ(grafted.producer_name(), "a producer");
  ASSERT_EQ(grafted.metadata_props_size(), 1);
  EXPECT_EQ(grafted.metadata_props(0).value(), "someone");
  EXPECT_EQ(grafted.opset_import_size(), model.opset_import_size());
  const auto& w = grafted.graph().initializer(0);
  EXPECT_EQ(w.name(), "W");
  EXPECT_EQ(w.data_location(), onnx::TensorProto::EXTERNAL);  // still in weights.bin
  auto graph = import_onnx_file(out.string());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_EQ(floats_of(graph->initializers.at("W")), (std::vector<float>{0.75f, -4.0f}));
  EXPECT_EQ(floats_of(graph->initializers.at("B")), (std::vector<float>{5.0f, 6.0f}));

  // Elsewhere, weights.bin would not be found: refused with the reason.
  const Status moved =
      write_with_initializers(in.string(), {{"B", new_bias}}, (dir_ / "grafted.onnx").string());
  EXPECT_EQ(moved.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(moved.message().find("external files"), std::string::npos) << moved.message();
  // An unknown name and a dtype change are refused.
  EXPECT_FALSE(write_with_initializers(in.string(), {{"nope", new_bias}}, out.string()).ok());
  EXPECT_FALSE(
      write_with_initializers(in.string(), {{"B", Tensor(DType::kInt64, {2})}}, out.string()).ok());
}

}  // namespace
}  // namespace ort_lite

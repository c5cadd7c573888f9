// Resize and Upsample: the ONNX node tests with their shape-setting inputs made constants, the
// torch-made cases of tests/data/resize/, hand-computed values for what neither covers (opset
// 10 and Upsample, opset 18/19 attributes, element types, empty tensors), and exact errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "conv_test_util.h"
#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/importers/tensor_io.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;
using testing_util::compare;

// ---------------------------------------------------------------------------------------------
// One-node models built in memory.

struct ResizeModel {
  std::string op = "Resize";
  int64_t opset = 13;
  Tensor x;
  // roi, scales, sizes (Upsample 9 / Resize 10: scales only), as initializers; nullopt omits
  // the input.
  std::vector<std::optional<Tensor>> constants;
  std::map<std::string, AttributeValue> attributes;
  bool scales_as_graph_input = false;  // inputs[1..] become graph inputs instead
};

Tensor ints(std::vector<int64_t> values) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.mutable_values<int64_t>().begin());
  return t;
}
Tensor floats(std::vector<float> values) {
  return Tensor::from_floats({static_cast<int64_t>(values.size())}, values);
}
Tensor iota_floats(const Shape& shape) {
  Tensor t(DType::kFloat32, shape);
  float v = 1;
  for (float& e : t.mutable_values<float>()) e = v++;
  return t;
}

ValueInfo value_info(const std::string& name, const Tensor& t) {
  std::vector<Dim> dims;
  for (int64_t d : t.shape()) dims.push_back(Dim{d, ""});
  return ValueInfo{name, t.dtype(), std::string(dtype_name(t.dtype())), dims};
}

Graph make_graph(const ResizeModel& m) {
  static const char* kNames[] = {"roi", "scales", "sizes"};
  const bool scales_only = m.constants.size() == 1;
  Graph g;
  g.source = "in-memory resize model";
  g.opsets[""] = m.opset;
  g.inputs.push_back(value_info("X", m.x));
  Node node;
  node.name = "resize";
  node.op_type = m.op;
  node.opset = m.opset;
  node.attributes = m.attributes;
  node.inputs = {"X"};
  node.outputs = {"Y"};
  for (size_t i = 0; i < m.constants.size(); ++i) {
    const std::string name = scales_only ? "scales" : kNames[i];
    if (!m.constants[i]) {
      node.inputs.push_back("");
      continue;
    }
    node.inputs.push_back(name);
    if (m.scales_as_graph_input) {
      g.inputs.push_back(value_info(name, *m.constants[i]));
    } else {
      g.initializers[name] = *m.constants[i];
    }
  }
  g.outputs.push_back(ValueInfo{"Y", std::nullopt, "", std::nullopt});
  g.nodes.push_back(node);
  return g;
}

Result<Tensor> run(const ResizeModel& m) {
  ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(make_graph(m)));
  std::vector<NamedTensor> feeds{{"X", m.x}};
  if (m.scales_as_graph_input) {
    const std::vector<std::string> names = m.constants.size() == 1
                                               ? std::vector<std::string>{"scales"}
                                               : std::vector<std::string>{"roi", "scales", "sizes"};
    for (size_t i = 0; i < m.constants.size(); ++i) {
      if (m.constants[i]) feeds.push_back({names[i], *m.constants[i]});
    }
  }
  ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> outputs, session->run(feeds));
  return outputs[0].tensor;
}

// The Status of building the model (all shapes are fixed, so prepare runs at create).
Status prepare_status(const ResizeModel& m) { return Session::create(make_graph(m)).status(); }

std::vector<float> values_of(const Tensor& t) {
  auto v = t.values<float>();
  return {v.begin(), v.end()};
}

// Resize-13 of a float X by scales or sizes.
ResizeModel by_scales(Tensor x, std::vector<float> scales,
                      std::map<std::string, AttributeValue> attributes = {}) {
  ResizeModel m;
  m.x = std::move(x);
  m.constants = {std::nullopt, floats(std::move(scales))};
  m.attributes = std::move(attributes);
  return m;
}
ResizeModel by_sizes(Tensor x, std::vector<int64_t> sizes,
                     std::map<std::string, AttributeValue> attributes = {}) {
  ResizeModel m;
  m.x = std::move(x);
  m.constants = {std::nullopt, std::nullopt, ints(std::move(sizes))};
  m.attributes = std::move(attributes);
  return m;
}

// ---------------------------------------------------------------------------------------------
// ONNX's node tests. Their scales/sizes/roi are graph inputs, which ort-lite needs as constants
// (the output shape depends on them), so the conformance manifest excludes them; here each
// graph input after X is made an initializer holding the test's value.

const char* kNodeTests[] = {
    "test_resize_downsample_scales_cubic",
    "test_resize_downsample_scales_cubic_A_n0p5_exclude_outside",
    "test_resize_downsample_scales_cubic_align_corners",
    "test_resize_downsample_scales_linear",
    "test_resize_downsample_scales_linear_align_corners",
    "test_resize_downsample_scales_nearest",
    "test_resize_downsample_sizes_cubic",
    "test_resize_downsample_sizes_linear_pytorch_half_pixel",
    "test_resize_downsample_sizes_nearest",
    "test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn",
    "test_resize_tf_crop_and_resize",
    "test_resize_upsample_scales_cubic",
    "test_resize_upsample_scales_cubic_A_n0p5_exclude_outside",
    "test_resize_upsample_scales_cubic_align_corners",
    "test_resize_upsample_scales_cubic_asymmetric",
    "test_resize_upsample_scales_linear",
    "test_resize_upsample_scales_linear_align_corners",
    "test_resize_upsample_scales_nearest",
    "test_resize_upsample_sizes_cubic",
    "test_resize_upsample_sizes_nearest",
    "test_resize_upsample_sizes_nearest_ceil_half_pixel",
    "test_resize_upsample_sizes_nearest_floor_align_corners",
    "test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric",
    "test_upsample_nearest",
};

class OnnxNodeTest : public testing::TestWithParam<const char*> {};

TEST_P(OnnxNodeTest, MatchesWithConstantShapeInputs) {
  const fs::path dir = fs::path(ORTL_ONNX_TESTDATA_DIR) / "node" / GetParam();
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " does not exist: install libonnx-testdata";
  auto graph = import_onnx_file((dir / "model.onnx").string());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  const fs::path set = dir / "test_data_set_0";
  std::vector<NamedTensor> feeds;
  const std::vector<ValueInfo> declared = graph->inputs;
  for (size_t i = 0; i < declared.size(); ++i) {
    auto input = read_tensor_pb((set / ("input_" + std::to_string(i) + ".pb")).string());
    ASSERT_TRUE(input.ok()) << input.status().to_string();
    if (i == 0) {
      feeds.push_back({declared[0].name, input->tensor});
    } else {
      graph->initializers[declared[i].name] = input->tensor;
    }
  }
  graph->inputs.resize(1);
  auto session = Session::create(*graph);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  auto outputs = (*session)->run(feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status().to_string();
  auto expected = read_tensor_pb((set / "output_0.pb").string());
  ASSERT_TRUE(expected.ok()) << expected.status().to_string();
  const std::string diff = compare((*outputs)[0].tensor, expected->tensor, 1e-3, 1e-4);
  EXPECT_TRUE(diff.empty()) << diff;
}

std::string node_test_name(const testing::TestParamInfo<const char*>& param) { return param.param; }
INSTANTIATE_TEST_SUITE_P(Onnx, OnnxNodeTest, testing::ValuesIn(kNodeTests), node_test_name);

// ---------------------------------------------------------------------------------------------
// torch.nn.functional.interpolate, exported by torch.onnx (tests/data/resize/make_torch_cases.py).

const fs::path kTorchDir = fs::path(ORTL_TEST_DATA_DIR) / "resize";

std::vector<std::string> torch_cases() {
  std::vector<std::string> names;
  std::ifstream in(kTorchDir / "cases.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    names.push_back(line.substr(0, line.find(' ')));
  }
  return names;
}

TEST(TorchCases, AreListed) { EXPECT_GE(torch_cases().size(), 20u) << kTorchDir / "cases.txt"; }

class TorchCase : public testing::TestWithParam<std::string> {};

TEST_P(TorchCase, MatchesTorchInterpolate) {
  const std::string base = (kTorchDir / GetParam()).string();
  auto session = Session::load(base + ".onnx");
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  auto x = read_npy(base + ".x.npy");
  ASSERT_TRUE(x.ok()) << x.status().to_string();
  auto y = read_npy(base + ".y.npy");
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  auto outputs = (*session)->run({{(*session)->inputs()[0].name, *x}});
  ASSERT_TRUE(outputs.ok()) << outputs.status().to_string();
  const std::string diff = compare((*outputs)[0].tensor, *y, 1e-5, 1e-5);
  EXPECT_TRUE(diff.empty()) << diff;
}

std::string torch_case_name(const testing::TestParamInfo<std::string>& param) {
  return param.param;
}
INSTANTIATE_TEST_SUITE_P(Torch, TorchCase, testing::ValuesIn(torch_cases()), torch_case_name);

// ---------------------------------------------------------------------------------------------
// Values the data above lacks.

// Opset 10 has asymmetric coordinates and rounds down, also when downsampling (ONNX Runtime
// rounds up there and would give [1, 3]).
TEST(Resize10, NearestDownsampleRoundsDown) {
  ResizeModel m;
  m.opset = 10;
  m.x = iota_floats({1, 1, 2, 4});
  m.constants = {floats({1, 1, 0.6f, 0.6f})};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{1, 1, 1, 2}));
  EXPECT_EQ(values_of(*y), (std::vector<float>{1, 2}));
}

TEST(Resize10, LinearIsAsymmetric) {
  ResizeModel m;
  m.opset = 10;
  m.x = iota_floats({1, 1, 2, 2});
  m.constants = {floats({1, 1, 2, 2})};
  m.attributes = {{"mode", std::string("linear")}};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(values_of(*y), (std::vector<float>{1, 1.5, 2, 2, 2, 2.5, 3, 3,  //
                                               3, 3.5, 4, 4, 3, 3.5, 4, 4}));
}

TEST(Upsample, Opset7ScalesAttribute) {
  ResizeModel m;
  m.op = "Upsample";
  m.opset = 7;
  m.x = iota_floats({1, 1, 2, 2});
  m.attributes = {{"scales", std::vector<float>{1, 1, 2, 3}}};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(values_of(*y), (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,  //
                                               3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
}

TEST(Upsample, Opset9LinearIsAsymmetric) {
  ResizeModel m;
  m.op = "Upsample";
  m.opset = 9;
  m.x = iota_floats({1, 3});
  m.constants = {floats({1, 2})};
  m.attributes = {{"mode", std::string("linear")}};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(values_of(*y), (std::vector<float>{1, 1.5, 2, 2.5, 3, 3}));
}

// ONNX's test_resize_tf_crop_and_resize_extrapolation_value (not in ONNX 1.12's data).
TEST(Resize, TfCropAndResizeExtrapolates) {
  ResizeModel m;
  m.x = iota_floats({1, 1, 4, 4});
  m.constants = {floats({0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f}), std::nullopt, ints({1, 1, 3, 3})};
  m.attributes = {{"mode", std::string("linear")},
                  {"coordinate_transformation_mode", std::string("tf_crop_and_resize")},
                  {"extrapolation_value", 10.0f}};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  const Tensor expected = Tensor::from_floats({1, 1, 3, 3}, std::vector<float>{7.6f, 10, 10,   //
                                                                               12.4f, 10, 10,  //
                                                                               10, 10, 10});
  EXPECT_EQ(compare(*y, expected, 1e-5, 1e-5), "");
}

// ONNX's test_resize_downsample_scales_linear_half_pixel_symmetric (opset 19).
TEST(Resize, HalfPixelSymmetric) {
  ResizeModel m =
      by_scales(iota_floats({1, 1, 1, 4}), {1, 1, 1, 0.6f},
                {{"mode", std::string("linear")},
                 {"coordinate_transformation_mode", std::string("half_pixel_symmetric")}});
  m.opset = 19;
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(
      compare(*y, Tensor::from_floats({1, 1, 1, 2}, std::vector<float>{1.6666666f, 3.3333333f}),
              1e-5, 1e-6),
      "");
  m.opset = 18;
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': attribute 'coordinate_transformation_mode': 'half_pixel_symmetric' "
            "is defined from opset 19; this node has opset 18");
}

// ONNX's test_resize_upsample_sizes_nearest_not_larger / not_smaller (opset 18): one scale for
// both axes, min or max of 7/2 and 8/2.
TEST(Resize, KeepAspectRatioPolicy) {
  ResizeModel m = by_sizes(iota_floats({1, 1, 2, 2}), {7, 8},
                           {{"axes", std::vector<int64_t>{2, 3}},
                            {"keep_aspect_ratio_policy", std::string("not_larger")}});
  m.opset = 18;
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  ASSERT_EQ(y->shape(), (Shape{1, 1, 7, 7}));
  std::vector<float> expected;
  for (int r = 0; r < 7; ++r) {
    for (int c = 0; c < 7; ++c)
      expected.push_back(static_cast<float>((r < 4 ? 1 : 3) + (c < 4 ? 0 : 1)));
  }
  EXPECT_EQ(values_of(*y), expected);

  m.attributes["keep_aspect_ratio_policy"] = std::string("not_smaller");
  y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{1, 1, 8, 8}));
}

TEST(Resize, NegativeAxesSelectWhatScalesDescribe) {
  ResizeModel m = by_scales(iota_floats({1, 2, 3}), {2}, {{"axes", std::vector<int64_t>{-2}}});
  m.opset = 18;
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{1, 4, 3}));
  // half_pixel nearest by 2 repeats each row twice.
  EXPECT_EQ(values_of(*y), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
}

TEST(Resize, NearestMovesInt64AndBool) {
  Tensor x = ints({1, 2, 3});
  ResizeModel m = by_sizes(x, {6},
                           {{"coordinate_transformation_mode", std::string("asymmetric")},
                            {"nearest_mode", std::string("floor")}});
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  auto v = y->values<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(v.begin(), v.end()), (std::vector<int64_t>{1, 1, 2, 2, 3, 3}));

  Tensor b(DType::kBool, {2});
  b.mutable_values<bool>()[1] = true;
  m.x = b;
  m.constants[2] = ints({4});
  y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  auto bv = y->values<bool>();
  EXPECT_EQ(std::vector<bool>(bv.begin(), bv.end()), (std::vector<bool>{false, false, true, true}));
}

// Out-of-range extrapolation values saturate in integer types instead of being undefined.
TEST(Resize, TfCropAndResizeExtrapolationInUint8) {
  Tensor x(DType::kUInt8, {4});
  for (int i = 0; i < 4; ++i) x.mutable_values<uint8_t>()[i] = static_cast<uint8_t>(10 * i);
  ResizeModel m;
  m.x = x;
  m.constants = {floats({0.5f, 1.5f}), std::nullopt, ints({3})};
  m.attributes = {{"coordinate_transformation_mode", std::string("tf_crop_and_resize")},
                  {"extrapolation_value", 1000.0f}};
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  auto v = y->values<uint8_t>();
  // Coordinates 1.5, 3, 4.5: round_prefer_floor gives 1, 3, then outside.
  EXPECT_EQ(std::vector<uint8_t>(v.begin(), v.end()), (std::vector<uint8_t>{10, 30, 255}));
}

TEST(Resize, ScaleOneIsTheInput) {
  for (const char* mode : {"nearest", "linear", "cubic"}) {
    ResizeModel m =
        by_scales(iota_floats({1, 2, 3, 4}), {1, 1, 1, 1}, {{"mode", std::string(mode)}});
    auto y = run(m);
    ASSERT_TRUE(y.ok()) << y.status().to_string();
    EXPECT_EQ(values_of(*y), values_of(m.x)) << mode;
  }
}

TEST(Resize, EmptyTensors) {
  // An empty batch stays empty; a size of 0 empties the output.
  ResizeModel m = by_scales(Tensor(DType::kFloat32, {0, 1, 2, 2}), {1, 1, 2, 2},
                            {{"mode", std::string("linear")}});
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{0, 1, 4, 4}));
  m = by_sizes(iota_floats({1, 1, 2, 2}), {1, 1, 0, 3}, {{"mode", std::string("cubic")}});
  y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{1, 1, 0, 3}));
  m = by_sizes(Tensor(DType::kFloat32, {1, 0}), {1, 3});
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': axis 1 of X (shape [1, 0]) is empty and cannot be resized to 3");
}

// Bilinear downscaling by 4 with antialias averages a 8-wide triangle; without it, only the
// two nearest pixels count. On a constant image both are exact; on a ramp they agree on the
// mean but antialias also holds at the borders (exclude_outside keeps the weights normalized).
TEST(Resize, AntialiasWidensTheFilter) {
  ResizeModel m = by_scales(iota_floats({1, 16}), {1, 0.25f},
                            {{"mode", std::string("linear")}, {"antialias", int64_t{1}}});
  m.opset = 18;
  auto wide = run(m);
  ASSERT_TRUE(wide.ok()) << wide.status().to_string();
  m.attributes["antialias"] = int64_t{0};
  auto narrow = run(m);
  ASSERT_TRUE(narrow.ok()) << narrow.status().to_string();
  // Centres at 2, 6, 10, 14 (values 2.5, 6.5...): both agree inside, where the ramp is linear.
  EXPECT_EQ(values_of(*narrow), (std::vector<float>{2.5, 6.5, 10.5, 14.5}));
  EXPECT_FLOAT_EQ(values_of(*wide)[1], 6.5f);
  EXPECT_FLOAT_EQ(values_of(*wide)[2], 10.5f);
  // At the border the widened filter repeats the edge value 1, pulling the result up.
  EXPECT_GT(values_of(*wide)[0], 2.5f);
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST(ResizeErrors, Attributes) {
  ResizeModel m =
      by_scales(iota_floats({1, 1, 2, 2}), {1, 1, 2, 2}, {{"mode", std::string("bicubic")}});
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kInvalidModel);
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': attribute 'mode': 'bicubic' is not one of: nearest, linear, cubic");

  m.attributes = {{"exclude_outside", int64_t{2}}};
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': attribute 'exclude_outside': 2 must be 0 or 1");

  m.attributes = {{"antialias", int64_t{1}}};  // opset 18's
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kUnsupported);
  EXPECT_NE(
      prepare_status(m).message().find("attribute 'antialias': is not an attribute of Resize"),
      std::string::npos)
      << prepare_status(m).message();

  m.attributes = {{"cubic_coeff_a", std::string("x")}};
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': attribute 'cubic_coeff_a': must be a float, got a string");

  m.opset = 18;
  m.attributes = {{"axes", std::vector<int64_t>{3, -1}}};
  m.constants[1] = floats({2, 2});
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': attribute 'axes': axis 3 is listed twice");
  m.attributes = {{"axes", std::vector<int64_t>{4}}};
  EXPECT_EQ(
      prepare_status(m).message(),
      "Resize 'resize': attribute 'axes': axis = 4 is out of range for rank 4 (allowed [-4, 3])");

  ResizeModel m10;
  m10.opset = 10;
  m10.x = iota_floats({1, 2});
  m10.constants = {floats({1, 2})};
  m10.attributes = {{"mode", std::string("cubic")}};
  EXPECT_EQ(prepare_status(m10).message(),
            "Resize 'resize': attribute 'mode': 'cubic' is defined from opset 11; this node has "
            "opset 10");
}

TEST(ResizeErrors, ScalesAndSizes) {
  ResizeModel m = by_scales(iota_floats({1, 1, 2, 2}), {2, 2});
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kInvalidModel);
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': scales = [2, 2] has 2 values; it needs one per axis of X (rank 4)");

  m.constants[1] = floats({1, 1, 0, 2});
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': scales = [1, 1, 0, 2]: every scale must be a finite number > 0");

  m.constants = {std::nullopt, floats({1, 1, 2, 2}), ints({1, 1, 4, 4})};
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': gives both 'scales' and 'sizes'; exactly one must be non-empty");

  m.constants = {std::nullopt, floats({}), ints({})};
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': gives neither 'scales' nor 'sizes'; exactly one must be given");

  m = by_sizes(iota_floats({1, 1, 2, 2}), {1, 1, -2, 2});
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': sizes = [1, 1, -2, 2]: every size must be >= 0");

  m = by_scales(iota_floats({1, 1, 2, 2}), {1, 1, 1e30f, 1});
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kInvalidArgument);
  EXPECT_NE(prepare_status(m).message().find("too large"), std::string::npos)
      << prepare_status(m).message();

  m = by_scales(iota_floats({1, 1, 2, 2}), {1, 1, 2, 2});
  m.constants[0] = floats({0, 1});
  m.attributes = {{"coordinate_transformation_mode", std::string("tf_crop_and_resize")}};
  EXPECT_EQ(prepare_status(m).message(),
            "Resize 'resize': roi = [0, 1] has 2 values; it needs 8 (starts, then ends: one per "
            "axis of X (rank 4))");
}

// Scales fed at run time are small inputs: known when the plan is prepared, one plan per value.
TEST(Resize, RunTimeScalesAreKnownAtPrepare) {
  ResizeModel m = by_scales(iota_floats({1, 1, 2, 2}), {1, 1, 2, 2});
  m.scales_as_graph_input = true;
  auto y = run(m);
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(y->shape(), (Shape{1, 1, 4, 4}));
}

TEST(ResizeErrors, LinearNeedsFloat32) {
  ResizeModel m = by_sizes(ints({1, 2, 3}), {6}, {{"mode", std::string("linear")}});
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kUnsupported);
  EXPECT_EQ(
      prepare_status(m).message(),
      "Resize 'resize': mode 'linear' is implemented for float32 input only; X ('X') is int64");
}

TEST(ResizeErrors, UpsampleScalesBelowOne) {
  ResizeModel m;
  m.op = "Upsample";
  m.opset = 9;
  m.x = iota_floats({1, 1, 2, 2});
  m.constants = {floats({1, 1, 0.5f, 2})};
  EXPECT_EQ(prepare_status(m).code(), StatusCode::kInvalidModel);
  EXPECT_EQ(prepare_status(m).message(),
            "Upsample 'resize': scales = [1, 1, 0.5, 2]: every Upsample scale must be >= 1");
  m.opset = 7;
  m.constants.clear();
  EXPECT_EQ(prepare_status(m).message(), "Upsample 'resize': attribute 'scales': is required");
}

}  // namespace
}  // namespace ort_lite

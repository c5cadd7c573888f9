// Session behaviour: prepare once / run many, threads, dynamic shapes, input checking, and the
// named Conv/ConvTranspose regressions from ../shared/CONV_SEMANTICS.md that concern values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "conv_test_util.h"
#include "graph_passes.h"

namespace ort_lite {
namespace {

using testing_util::SingleConvModel;

SingleConvModel deconv_model(Shape x, Shape w, std::map<std::string, AttributeValue> attributes,
                             bool with_bias = true, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  SingleConvModel m;
  m.node.name = "deconv";
  m.node.op_type = "ConvTranspose";
  m.node.attributes = std::move(attributes);
  m.x_shape = std::move(x);
  m.weights = testing_util::random_tensor(w, rng);
  const int64_t group =
      m.node.attributes.count("group") ? std::get<int64_t>(m.node.attributes["group"]) : 1;
  if (with_bias) m.bias = testing_util::random_tensor({w[1] * group}, rng);
  return m;
}

std::unique_ptr<Session> make_session(const SingleConvModel& m, Backend backend, int threads = 0,
                                      DeconvAlgorithm algorithm = DeconvAlgorithm::kAuto) {
  SessionOptions options;
  options.backend = backend;
  options.threads = threads;
  options.deconv_algorithm = algorithm;
  auto session = Session::create(testing_util::make_graph(m), options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  return session.ok() ? std::move(session).value() : nullptr;
}

Tensor run_one(const Session& session, const SingleConvModel& m, const Tensor& x) {
  auto out = session.run(testing_util::feeds(m, x));
  EXPECT_TRUE(out.ok()) << out.status().to_string();
  return out.ok() ? (*out)[0].tensor : Tensor();
}

// Values of channel `c` of batch 0 at the given last-axis index, over all rows (2-D output).
std::vector<float> column(const Tensor& y, int64_t c, int64_t col) {
  const int64_t h = y.shape()[2], w = y.shape()[3];
  std::vector<float> values;
  for (int64_t r = 0; r < h; ++r) values.push_back(y.data<float>()[(c * h + r) * w + col]);
  return values;
}
std::vector<float> row(const Tensor& y, int64_t c, int64_t r) {
  const int64_t h = y.shape()[2], w = y.shape()[3];
  const float* p = y.data<float>() + (c * h + r) * w;
  return {p, p + w};
}

class BothBackends : public testing::TestWithParam<Backend> {};

// k3 s2 p1 op1, in 7 -> 14: output_padding selects computed values, it does not append zeros.
TEST_P(BothBackends, OutputPaddingKeepsRealValuesInTheLastRow) {
  auto m = deconv_model({1, 2, 7, 7}, {2, 3, 3, 3},
                        {{"strides", std::vector<int64_t>{2, 2}},
                         {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                         {"output_padding", std::vector<int64_t>{1, 1}}});
  auto session = make_session(m, GetParam());
  ASSERT_TRUE(session);
  std::mt19937 rng(7);
  Tensor y = run_one(*session, m, testing_util::random_tensor(m.x_shape, rng));
  ASSERT_EQ(y.shape(), (Shape{1, 3, 14, 14}));
  const float bias = m.bias->data<float>()[0];
  int real = 0;
  for (float v : row(y, 0, 13)) real += v != bias;
  EXPECT_GT(real, 7) << "the last row must hold computed values, not just the bias";
}

// SAME with a kernel smaller than the stride: in * s cells, the last (s - k) of every stride
// period receive no contribution and hold exactly the bias.
TEST_P(BothBackends, SameWithKernelSmallerThanStrideGivesBiasOnlyCells) {
  auto m = deconv_model(
      {1, 2, 4, 4}, {2, 2, 1, 1},
      {{"strides", std::vector<int64_t>{3, 3}}, {"auto_pad", std::string("SAME_UPPER")}});
  auto session = make_session(m, GetParam());
  ASSERT_TRUE(session);
  std::mt19937 rng(3);
  Tensor y = run_one(*session, m, testing_util::random_tensor(m.x_shape, rng));
  ASSERT_EQ(y.shape(), (Shape{1, 2, 12, 12}));
  for (int64_t c = 0; c < 2; ++c) {
    const float bias = m.bias->data<float>()[c];
    for (int64_t col : {10, 11}) {
      for (float v : column(y, c, col)) EXPECT_EQ(v, bias);
    }
    EXPECT_NE(column(y, c, 9)[0], bias);  // the last computed cell
  }
}

// output_shape beyond the full result by more than a stride (ONNX Runtime refuses): the extra
// cells hold the bias; oneDNN cannot express this directly, so its kernel embeds a window.
TEST_P(BothBackends, OutputShapeBeyondFullResult) {
  auto m = deconv_model(
      {1, 1, 3, 3}, {1, 2, 3, 3},
      {{"strides", std::vector<int64_t>{2, 2}}, {"output_shape", std::vector<int64_t>{12, 7}}});
  // The oneDNN primitive cannot express it: it computes a window and we fill the border.
  auto session = make_session(m, GetParam(), 0, DeconvAlgorithm::kPrimitive);
  ASSERT_TRUE(session);
  std::mt19937 rng(5);
  const Tensor x = testing_util::random_tensor(m.x_shape, rng);
  Tensor y = run_one(*session, m, x);
  ASSERT_EQ(y.shape(), (Shape{1, 2, 12, 7}));
  const float bias = m.bias->data<float>()[1];
  for (int64_t r = 7; r < 12; ++r) {
    for (float v : row(y, 1, r)) EXPECT_EQ(v, bias);
  }
  auto report = session->describe(testing_util::feeds(m, x));
  ASSERT_TRUE(report.ok());
  if (GetParam() == Backend::kOneDnn) {
    const std::string implementation = testing_util::implementation_of(*report, m.node.label());
    EXPECT_NE(implementation.find("bias-only border"), std::string::npos) << implementation;
  } else {
    EXPECT_EQ(testing_util::implementation_of(*report, m.node.label()), "reference");
  }
}

// A plan is prepared once and run many times, from several threads at once.
TEST_P(BothBackends, RunsRepeatedlyAndConcurrently) {
  auto m = deconv_model({2, 4, 6, 6}, {4, 3, 4, 4},
                        {{"strides", std::vector<int64_t>{2, 2}},
                         {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                         {"group", int64_t{2}}});
  auto session = make_session(m, GetParam(), /*threads=*/1);
  ASSERT_TRUE(session);
  std::mt19937 rng(11);
  std::vector<Tensor> xs, expected;
  for (int i = 0; i < 4; ++i) {
    xs.push_back(testing_util::random_tensor(m.x_shape, rng));
    expected.push_back(run_one(*session, m, xs.back()));
  }
  EXPECT_FALSE(testing_util::compare(expected[0], expected[1], 0, 0).empty())
      << "different inputs must give different outputs";
  std::vector<std::string> failures(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const size_t k = static_cast<size_t>((t + i) % 4);
        auto out = session->run(testing_util::feeds(m, xs[k]));
        if (!out.ok()) {
          failures[static_cast<size_t>(t)] = out.status().to_string();
          return;
        }
        std::string diff = testing_util::compare((*out)[0].tensor, expected[k], 0, 0);
        if (!diff.empty()) {
          failures[static_cast<size_t>(t)] = diff;
          return;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) EXPECT_EQ(failure, "");
}

// Weights that arrive as graph inputs are re-laid-out per run and give the same answer.
TEST_P(BothBackends, WeightsAsGraphInputs) {
  auto constant = deconv_model({1, 3, 5, 5}, {3, 2, 3, 3},
                               {{"strides", std::vector<int64_t>{2, 2}}, {"group", int64_t{1}}});
  auto as_input = constant;
  as_input.weights_as_input = true;
  auto a = make_session(constant, GetParam());
  auto b = make_session(as_input, GetParam());
  ASSERT_TRUE(a && b);
  std::mt19937 rng(13);
  const Tensor x = testing_util::random_tensor(constant.x_shape, rng);
  EXPECT_EQ(testing_util::compare(run_one(*b, as_input, x), run_one(*a, constant, x), 1e-6, 1e-6),
            "");
}

INSTANTIATE_TEST_SUITE_P(Backends, BothBackends,
                         testing::Values(Backend::kOneDnn, Backend::kReference),
                         [](const auto& test) { return std::string(backend_name(test.param)); });

TEST(Session, DynamicBatchRunsAtSeveralSizes) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {{"strides", std::vector<int64_t>{2, 2}}});
  Graph graph = testing_util::make_graph(m);
  (*graph.inputs[0].shape)[0] = Dim{-1, "batch"};
  auto fast = Session::create(graph, {});
  SessionOptions ref_options;
  ref_options.backend = Backend::kReference;
  auto reference = Session::create(graph, ref_options);
  ASSERT_TRUE(fast.ok() && reference.ok());
  std::mt19937 rng(17);
  for (int64_t batch : {1, 3, 2}) {
    const Tensor x = testing_util::random_tensor({batch, 2, 4, 4}, rng);
    auto y = (*fast)->run({{"X", x}});
    auto expected = (*reference)->run({{"X", x}});
    ASSERT_TRUE(y.ok() && expected.ok());
    EXPECT_EQ((*y)[0].tensor.shape(), (Shape{batch, 2, 9, 9}));
    EXPECT_EQ(testing_util::compare((*y)[0].tensor, (*expected)[0].tensor, 1e-4, 1e-4), "");
  }
}

// A weight in storage the test can watch: `expired()` once nothing holds it any more.
Tensor watched_copy(const Tensor& t, std::weak_ptr<std::byte>& watch) {
  std::shared_ptr<std::byte> storage(
      static_cast<std::byte*>(std::aligned_alloc(64, (t.byte_size() + 63) / 64 * 64)),
      [](std::byte* p) { std::free(p); });
  std::memcpy(storage.get(), t.raw_data(), t.byte_size());
  watch = storage;
  return Tensor::wrap(t.dtype(), t.shape(), std::move(storage));
}

// With every input shape fixed, the plan made at load is the only one the session will use: it
// takes the weights from the graph, and each weight a kernel packed is freed (held once,
// packed). With a dynamic dim the session keeps the graph's weights to plan other sizes. Both
// compute the same outputs, run after run.
TEST_P(BothBackends, WeightsAreHeldOncePackedWhenEveryShapeIsFixed) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 3, 3, 3}, {{"strides", std::vector<int64_t>{2, 2}}});
  std::weak_ptr<std::byte> fixed_watch, dynamic_watch;
  Graph fixed = testing_util::make_graph(m);
  fixed.initializers.at("W") = watched_copy(m.weights, fixed_watch);
  Graph dynamic = testing_util::make_graph(m);
  dynamic.initializers.at("W") = watched_copy(m.weights, dynamic_watch);
  (*dynamic.inputs[0].shape)[0] = Dim{-1, "batch"};
  SessionOptions options;
  options.backend = GetParam();
  auto fixed_session = Session::create(std::move(fixed), options);
  auto dynamic_session = Session::create(std::move(dynamic), options);
  ASSERT_TRUE(fixed_session.ok() && dynamic_session.ok());
  // The reference keeps ConvTranspose weights canonical (a copy) as well, so it frees them too.
  EXPECT_TRUE(fixed_watch.expired());
  EXPECT_FALSE(dynamic_watch.expired());
  std::mt19937 rng(5);
  for (int i = 0; i < 3; ++i) {
    const Tensor x = testing_util::random_tensor({1, 2, 4, 4}, rng);
    auto a = (*fixed_session)->run({{"X", x}});
    auto b = (*dynamic_session)->run({{"X", x}});
    ASSERT_TRUE(a.ok() && b.ok()) << a.status().to_string() << b.status().to_string();
    EXPECT_EQ(testing_util::compare((*a)[0].tensor, (*b)[0].tensor, 0, 0), "");
  }
  // A fixed-shape session still refuses other shapes with the usual message.
  auto wrong = (*fixed_session)->run({{"X", Tensor(DType::kFloat32, {2, 2, 4, 4})}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("has shape [2, 2, 4, 4]"), std::string::npos)
      << wrong.status().message();
}

// float16 models are computed in float32: float16 weights and inputs are widened, float16
// outputs narrowed at the end.
TEST(Session, ComputesFloat16ModelsInFloat32) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 3, 3, 3}, {{"strides", std::vector<int64_t>{2, 2}}});
  // Round the float32 weights and input to float16 first, so both models see the same values.
  m.weights = float16_to_float32(float32_to_float16(m.weights));
  m.bias = float16_to_float32(float32_to_float16(*m.bias));
  std::mt19937 rng(23);
  const Tensor x =
      float16_to_float32(float32_to_float16(testing_util::random_tensor(m.x_shape, rng)));
  auto f32 = Session::create(testing_util::make_graph(m), {});
  ASSERT_TRUE(f32.ok());
  auto expected = (*f32)->run({{"X", x}});
  ASSERT_TRUE(expected.ok());

  Graph graph = testing_util::make_graph(m);
  graph.inputs[0].dtype = DType::kFloat16;
  graph.outputs[0].dtype = DType::kFloat16;
  graph.initializers["W"] = float32_to_float16(m.weights);
  graph.initializers["B"] = float32_to_float16(*m.bias);
  auto f16 = Session::create(graph, {});
  ASSERT_TRUE(f16.ok()) << f16.status().to_string();
  EXPECT_EQ((*f16)->inputs()[0].dtype, DType::kFloat16);
  auto y = (*f16)->run({{"X", float32_to_float16(x)}});
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  ASSERT_EQ((*y)[0].tensor.dtype(), DType::kFloat16);
  // float16 output: about 3 significant digits.
  EXPECT_EQ(
      testing_util::compare(float16_to_float32((*y)[0].tensor), (*expected)[0].tensor, 1e-3, 1e-3),
      "");
  // A float32 tensor is accepted for a float16 input too.
  EXPECT_TRUE((*f16)->run({{"X", x}}).ok());
}

Tensor int64s(Shape shape, std::vector<int64_t> values) {
  Tensor t(DType::kInt64, std::move(shape));
  std::copy(values.begin(), values.end(), t.mutable_values<int64_t>().begin());
  return t;
}

// Slice(X, starts, ends=[4]) with `starts` a graph input of `starts_size` elements, of which
// Gather takes the first.
Graph slice_with_fed_starts(int64_t starts_size) {
  Graph g;
  g.opsets[""] = 13;
  g.inputs.push_back(testing_util::float_value("X", {4}));
  g.inputs.push_back(ValueInfo{"S", DType::kInt64, "int64", std::vector<Dim>{{starts_size, ""}}});
  g.initializers["first"] = int64s({1}, {0});
  g.initializers["ends"] = int64s({1}, {4});
  g.nodes.push_back(Node{.name = "g",
                         .op_type = "Gather",
                         .domain = "",
                         .opset = 13,
                         .inputs = {"S", "first"},
                         .outputs = {"starts"},
                         .attributes = {}});
  g.nodes.push_back(Node{.name = "s",
                         .op_type = "Slice",
                         .domain = "",
                         .opset = 13,
                         .inputs = {"X", "starts", "ends"},
                         .outputs = {"Y"},
                         .attributes = {}});
  g.outputs.push_back(ValueInfo{"Y", DType::kFloat32, "float", std::nullopt});
  return g;
}

// Shape-setting values fed at run time: each distinct value gets its own plan.
TEST(Session, SmallInputsThatSetShapesAreKnownAtPrepare) {
  auto session = Session::create(slice_with_fed_starts(2), {});
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  const Tensor x = Tensor::from_floats({4}, std::vector<float>{10, 11, 12, 13});
  for (int64_t start : {1, 3, 1, 0}) {
    auto y = (*session)->run({{"X", x}, {"S", int64s({2}, {start, 0})}});
    ASSERT_TRUE(y.ok()) << y.status().to_string();
    const auto values = (*y)[0].tensor.values<float>();
    EXPECT_EQ(std::vector<float>(values.begin(), values.end()),
              std::vector<float>(x.values<float>().begin() + start, x.values<float>().end()));
  }
}

// A shape-setting value computed from a large input cannot be known at prepare: a clear error.
TEST(Session, ShapeSettingValuesFromLargeInputsAreRefusedClearly) {
  auto session = Session::create(slice_with_fed_starts(100), {});
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Tensor starts(DType::kInt64, {100});
  auto y = (*session)->run(
      {{"X", Tensor::from_floats({4}, std::vector<float>{1, 2, 3, 4})}, {"S", starts}});
  ASSERT_FALSE(y.ok());
  EXPECT_EQ(y.status().to_string(),
            "unsupported: Slice 's': input 1 ('starts', starts) must be known when the model is "
            "prepared (an initializer, a Constant, or computed from input shapes), because the "
            "output shape depends on its value");
}

TEST(Session, MaxTensorBytesRefusesLargerOutputsAtLoad) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {{"strides", std::vector<int64_t>{2, 2}}});
  SessionOptions options;
  options.max_tensor_bytes = 2 * 9 * 9 * 4 - 1;  // one byte short of Y (1, 2, 9, 9) float32
  auto refused = Session::create(testing_util::make_graph(m), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(
      refused.status().to_string(),
      "invalid argument: ConvTranspose 'deconv': output 'Y': a float32 tensor of shape [1, 2, "
      "9, 9] would need 648 bytes, more than max_tensor_bytes = 647");
  options.max_tensor_bytes += 1;
  EXPECT_TRUE(Session::create(testing_util::make_graph(m), options).ok());
}

TEST(Session, RejectsBadInputsWithClearMessages) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {});
  auto session = Session::create(testing_util::make_graph(m), {});
  ASSERT_TRUE(session.ok());
  std::mt19937 rng(19);
  const Tensor x = testing_util::random_tensor({1, 2, 4, 4}, rng);
  auto message = [&](const std::vector<NamedTensor>& inputs) {
    auto out = (*session)->run(inputs);
    EXPECT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    return out.status().message();
  };
  EXPECT_EQ(message({}), "missing input 'X'");
  EXPECT_EQ(message({{"X", x}, {"X", x}}), "input 'X' is given twice");
  EXPECT_EQ(message({{"Y", x}}), "the model has no input named 'Y' (inputs: 'X')");
  EXPECT_EQ(message({{"X", x}, {"W", m.weights}}),
            "'W' is a constant (initializer) of this model, not an input; overriding "
            "initializers is not supported");
  EXPECT_EQ(message({{"X", Tensor(DType::kInt64, {1, 2, 4, 4})}}),
            "input 'X' is int64, but the model expects float32");
  EXPECT_EQ(message({{"X", testing_util::random_tensor({1, 2, 4}, rng)}}),
            "input 'X' has shape [1, 2, 4], but the model expects [1, 2, 4, 4]");
}

TEST(Session, ListsEveryUnsupportedOpInOneError) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {});
  Graph graph = testing_util::make_graph(m);
  graph.nodes.push_back(Node{.name = "act",
                             .op_type = "LSTM",
                             .domain = "",
                             .opset = 17,
                             .inputs = {"Y"},
                             .outputs = {"Z"},
                             .attributes = {}});
  graph.nodes.push_back(Node{.name = "custom",
                             .op_type = "FancyUpsample",
                             .domain = "com.acme",
                             .opset = 1,
                             .inputs = {"Z"},
                             .outputs = {"Q"},
                             .attributes = {}});
  graph.nodes.push_back(Node{.name = "too_new",
                             .op_type = "Conv",
                             .domain = "",
                             .opset = 99,
                             .inputs = {"Q", "W"},
                             .outputs = {"R"},
                             .attributes = {}});
  auto session = Session::create(graph, {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(session.status().message(),
            "3 node(s) use ops ort-lite does not implement: LSTM 'act' (ai.onnx opset 17); "
            "FancyUpsample 'custom' (com.acme opset 1); Conv 'too_new' (ai.onnx opset 99: this "
            "opset is not supported)");
}

TEST(Session, ListsEveryBadAttributeInOneError) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {{"strides", std::vector<int64_t>{2, 0}}});
  Graph graph = testing_util::make_graph(m);
  Node second = graph.nodes[0];
  second.name = "deconv2";
  second.inputs[0] = "X";
  second.outputs = {"Y2"};
  second.attributes = {{"auto_pad", std::string("SAME")}};
  Node downstream = graph.nodes[0];  // reads Y, which the first node cannot produce: skipped
  downstream.name = "deconv3";
  downstream.inputs[0] = "Y";
  downstream.outputs = {"Y3"};
  graph.nodes.push_back(second);
  graph.nodes.push_back(downstream);
  auto session = Session::create(graph, {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().message(),
            "2 nodes cannot be prepared: invalid model: ConvTranspose 'deconv': attribute "
            "'strides': [2, 0]: every value must be >= 1; invalid model: ConvTranspose "
            "'deconv2': attribute 'auto_pad': 'SAME' is not one of NOTSET, SAME_UPPER, "
            "SAME_LOWER, VALID");
}

TEST(Session, InvalidAttributesFailAtLoadNamingTheNode) {
  auto m = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {{"strides", std::vector<int64_t>{2, 0}}});
  auto session = Session::create(testing_util::make_graph(m), {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().to_string(),
            "invalid model: ConvTranspose 'deconv': attribute 'strides': [2, 0]: every value must "
            "be >= 1");
  auto zero_group = deconv_model({1, 2, 4, 4}, {2, 2, 3, 3}, {{"group", int64_t{0}}});
  EXPECT_EQ(Session::create(testing_util::make_graph(zero_group), {}).status().message(),
            "ConvTranspose 'deconv': attribute 'group': 0 must be >= 1");
}

}  // namespace
}  // namespace ort_lite

namespace ort_lite {
namespace {

// An output that is a view of an input (here Identity and Reshape of the graph input) is copied:
// the caller may overwrite or free its input buffer after run().
TEST(Session, OutputsNeverShareTheInputsBytes) {
  Graph g;
  g.source = "alias test";
  g.opsets[""] = 17;
  g.inputs.push_back(testing_util::float_value("X", {2, 3}));
  Tensor shape(DType::kInt64, {1});
  shape.mutable_values<int64_t>()[0] = 6;
  g.initializers["shape"] = shape;
  Node identity{"id", "Identity", "", 17, {"X"}, {"Y"}, {}};
  Node reshape{"flat", "Reshape", "", 17, {"X", "shape"}, {"Z"}, {}};
  g.nodes = {identity, reshape};
  g.outputs = {ValueInfo{"Y", DType::kFloat32, "float", std::nullopt},
               ValueInfo{"Z", DType::kFloat32, "float", std::nullopt}};
  auto session = Session::create(g, {});
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Tensor x = Tensor::from_floats({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  auto out = (*session)->run({{"X", x}});
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  x.mutable_values<float>()[0] = 42;  // the caller reuses its buffer
  for (const NamedTensor& o : *out) {
    EXPECT_NE(o.tensor.raw_data(), x.raw_data()) << o.name;
    EXPECT_EQ(o.tensor.values<float>()[0], 1.0f) << o.name;
  }
}

}  // namespace
}  // namespace ort_lite

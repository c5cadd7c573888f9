// Models and options that once crashed ort-lite or got a wrong refusal (issue "No input may
// crash ort-lite"): each is a named regression with the outcome it must have now, on both
// backends where both apply. The ASan/UBSan preset runs them too, which is where the overflows
// among them were seen.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

#include "conv_test_util.h"
#include "one_node.h"

namespace ort_lite {
namespace {

using testing_util::fed;
using testing_util::OneNode;
using testing_util::SingleConvModel;

using Ints = std::vector<int64_t>;

SingleConvModel conv_model(const char* op_type, Shape x, Shape w,
                           std::map<std::string, AttributeValue> attributes,
                           bool with_bias = true) {
  std::mt19937 rng(5);
  SingleConvModel m;
  m.node.name = "n";
  m.node.op_type = op_type;
  m.node.attributes = std::move(attributes);
  m.x_shape = std::move(x);
  m.weights = testing_util::random_tensor(w, rng);
  const bool transposed = std::string(op_type) == "ConvTranspose";
  const int64_t group =
      m.node.attributes.count("group") ? std::get<int64_t>(m.node.attributes["group"]) : 1;
  if (with_bias) m.bias = testing_util::random_tensor({transposed ? w[1] * group : w[0]}, rng);
  return m;
}

struct Outcome {
  Result<Tensor> output;
  std::string implementation;  // what the plan chose for the node (when it loads)
};

Outcome run(const SingleConvModel& m, Backend backend, const Tensor& x,
            DeconvAlgorithm algorithm = DeconvAlgorithm::kAuto) {
  SessionOptions options;
  options.backend = backend;
  options.deconv_algorithm = algorithm;
  auto session = Session::create(testing_util::make_graph(m), options);
  if (!session.ok()) return {session.status(), ""};
  auto report = (*session)->describe(testing_util::feeds(m, x));
  auto out = (*session)->run(testing_util::feeds(m, x));
  if (!out.ok()) return {out.status(), ""};
  return {(*out)[0].tensor,
          report.ok() ? testing_util::implementation_of(*report, m.node.label()) : ""};
}

// Runs on the reference and on the oneDNN backend with each ConvTranspose algorithm in turn
// (the automatic choice, then each forced one, which falls back where it does not apply); all
// must succeed with the same values. Returns the outcome of the primitive path, where these
// cases once crashed (Conv: of the automatic choice).
Outcome run_both(const SingleConvModel& m) {
  std::mt19937 rng(11);
  const Tensor x = testing_util::random_tensor(m.x_shape, rng);
  Outcome reference = run(m, Backend::kReference, x);
  EXPECT_TRUE(reference.output.ok()) << reference.output.status().to_string();
  Outcome primitive{internal_error("not run"), ""};
  for (DeconvAlgorithm algorithm :
       {DeconvAlgorithm::kAuto, DeconvAlgorithm::kPrimitive, DeconvAlgorithm::kSubPixel,
        DeconvAlgorithm::kGemmCol2Im, DeconvAlgorithm::kDepthwiseDirect}) {
    Outcome fast = run(m, Backend::kOneDnn, x, algorithm);
    EXPECT_TRUE(fast.output.ok()) << fast.output.status().to_string();
    if (fast.output.ok() && reference.output.ok()) {
      EXPECT_EQ(testing_util::compare(*fast.output, *reference.output, 1e-5, 1e-5), "")
          << fast.implementation;
    }
    if (algorithm == DeconvAlgorithm::kPrimitive) primitive = std::move(fast);
  }
  return primitive;
}

// Every output cell holds its channel's bias.
void expect_bias_only(const SingleConvModel& m, const Outcome& outcome) {
  ASSERT_TRUE(outcome.output.ok());
  const Tensor& y = *outcome.output;
  const int64_t channels = y.shape()[1];
  const int64_t plane = y.element_count() / (y.shape()[0] * channels);
  for (int64_t i = 0; i < y.element_count(); ++i) {
    EXPECT_EQ(y.data<float>()[i], m.bias->data<float>()[(i / plane) % channels]) << "cell " << i;
  }
  EXPECT_EQ(outcome.implementation, "bias only: no input value reaches any output cell");
}

// --- 1. ConvTranspose output axes that no input reaches (was SIGFPE or a wrong refusal). ---

// output_padding < dilation is allowed: full = 1, SAME_LOWER puts the crop at the start, and the
// one output cell is full index 1, past every computed value.
TEST(EmptyDeconvWindow, OutputPaddingBelowDilationWithSameLower) {
  auto m = conv_model("ConvTranspose", {1, 1, 1}, {1, 1, 1},
                      {{"dilations", Ints{2}},
                       {"output_padding", Ints{1}},
                       {"auto_pad", std::string("SAME_LOWER")}});
  expect_bias_only(m, run_both(m));
}

TEST(EmptyDeconvWindow, OutputShapeWithOutputPadding) {
  auto m =
      conv_model("ConvTranspose", {1, 1, 1}, {1, 1, 1},
                 {{"dilations", Ints{2}}, {"output_padding", Ints{1}}, {"output_shape", Ints{1}}});
  expect_bias_only(m, run_both(m));
}

// Negative end pads are extensions (our policy): pads [1, -1] crops the one computed value and
// extends by one bias-only cell.
TEST(EmptyDeconvWindow, NegativeEndPadExtendsPastACroppedResult) {
  auto m = conv_model("ConvTranspose", {1, 1, 1}, {1, 1, 1}, {{"pads", Ints{1, -1}}});
  expect_bias_only(m, run_both(m));
}

TEST(EmptyDeconvWindow, TwoDimsWithOneEmptyAxis) {
  auto m = conv_model("ConvTranspose", {1, 1, 1, 1}, {1, 2, 1, 1}, {{"pads", Ints{2, 0, -2, 0}}});
  expect_bias_only(m, run_both(m));
}

// Without a bias, the cells no input reaches are zero.
TEST(EmptyDeconvWindow, WithoutBiasIsZero) {
  auto m = conv_model("ConvTranspose", {2, 3, 2}, {3, 2, 1}, {{"pads", Ints{3, -3}}},
                      /*with_bias=*/false);
  Outcome out = run_both(m);
  ASSERT_TRUE(out.output.ok());
  for (float v : out.output->values<float>()) EXPECT_EQ(v, 0.0f);
}

// A window that is partly inside: the primitive computes it and the rest is bias.
TEST(EmptyDeconvWindow, PartialWindowIsEmbedded) {
  auto m = conv_model("ConvTranspose", {1, 2, 3, 3}, {2, 2, 2, 2}, {{"pads", Ints{3, 0, -4, 0}}});
  Outcome out = run_both(m);
  EXPECT_NE(out.implementation.find("window + bias-only border"), std::string::npos)
      << out.implementation;
}

// --- 2. Huge attributes: refused naming the node, before oneDNN sees them. ---

std::string load_error(const SingleConvModel& m, Backend backend) {
  SessionOptions options;
  options.backend = backend;
  return Session::create(testing_util::make_graph(m), options).status().to_string();
}

// Both backends refuse with the same message, which contains `expected`.
void expect_refused(const SingleConvModel& m, const std::string& expected) {
  const std::string fast = load_error(m, Backend::kOneDnn);
  EXPECT_EQ(fast, load_error(m, Backend::kReference));
  EXPECT_NE(fast.find(expected), std::string::npos) << fast;
}

TEST(HugeAttributes, ConvPadsOfABillionAreRefusedBeforeOneDnn) {
  expect_refused(conv_model("Conv", {1, 2, 8, 8}, {2, 2, 3, 3}, {{"pads", Ints(4, 1000000000)}}),
                 "invalid argument: Conv 'n': output 'Y': a float32 tensor of shape [1, 2, "
                 "2000000006, 2000000006] would need");
  expect_refused(conv_model("Conv", {1, 1, 8, 8}, {1, 1, 3, 3}, {{"pads", Ints(4, 1000000000)}}),
                 "Conv 'n': output 'Y': a float32 tensor of shape [1, 1, 2000000006, 2000000006]");
}

TEST(HugeAttributes, DeconvStridesOverflowingTheOutputSize) {
  expect_refused(
      conv_model("ConvTranspose", {1, 1, 8, 8}, {1, 1, 3, 3}, {{"strides", Ints(2, 1LL << 31)}}),
      "ConvTranspose 'n': output 'Y': shape [1, 1, 15032385539, 15032385539] has too many "
      "elements");
  expect_refused(
      conv_model("ConvTranspose", {1, 1, 8, 8}, {1, 1, 3, 3}, {{"strides", Ints(2, 1LL << 62)}}),
      "ConvTranspose 'n': spatial axis 0 (auto_pad NOTSET): the full result stride "
      "4611686018427387904 * (input 8 - 1) + dilated kernel extent 3 does not fit in a 64-bit "
      "integer");
}

TEST(HugeAttributes, DilationsOverflowingTheKernelExtent) {
  expect_refused(
      conv_model("ConvTranspose", {1, 1, 8, 8}, {1, 1, 3, 3}, {{"dilations", Ints(2, 1LL << 40)}}),
      "too many elements");
  expect_refused(conv_model("Conv", {1, 1, 8, 8}, {1, 1, 3, 3},
                            {{"dilations", Ints(2, 1LL << 40)}, {"pads", Ints(4, 1LL << 41)}}),
                 "Conv 'n': output 'Y'");
  expect_refused(
      conv_model("Conv", {1, 1, 8, 8}, {1, 1, 3, 3}, {{"dilations", Ints(2, 1LL << 62)}}),
      "Conv 'n': spatial axis 0 (auto_pad NOTSET): the dilated kernel extent (kernel 3 - 1) * "
      "dilation 4611686018427387904 + 1 does not fit in a 64-bit integer");
}

// Found by the 100x sweep: (2 - 1) * INT64_MAX fits, the + 1 did not, and the wrapped extent
// made the oneDNN path think no input reached the output.
TEST(HugeAttributes, KernelExtentOneBeyondInt64) {
  expect_refused(
      conv_model("ConvTranspose", {1, 6, 6}, {6, 1, 2},
                 {{"dilations", Ints{std::numeric_limits<int64_t>::max()}},
                  {"group", int64_t{3}},
                  {"output_shape", Ints{10}},
                  {"strides", Ints{2}}}),
      "ConvTranspose 'n': spatial axis 0 (auto_pad NOTSET): the dilated kernel extent (kernel 2 - "
      "1) * dilation 9223372036854775807 + 1 does not fit in a 64-bit integer");
}

TEST(HugeAttributes, PadsNearTheInt64LimitOverflowThePaddedInput) {
  const int64_t big = std::numeric_limits<int64_t>::max() - 2;
  expect_refused(conv_model("Conv", {1, 1, 8}, {1, 1, 3}, {{"pads", Ints{big, big}}}),
                 "Conv 'n': spatial axis 0 (auto_pad NOTSET): input size 8 plus pads");
  expect_refused(
      conv_model("ConvTranspose", {1, 1, 8}, {1, 1, 3},
                 {{"pads", Ints{std::numeric_limits<int64_t>::min(), 0}}}),
      "ConvTranspose 'n': spatial axis 0 (auto_pad NOTSET): the output size full result");
}

// --- 3. Valid problems oneDNN cannot take are computed, never refused. ---

TEST(OutOfOneDnnRange, ConvStrideBeyondThePaddedInputGivesOneCell) {
  auto m = conv_model("Conv", {1, 2, 8, 8}, {3, 2, 3, 3},
                      {{"strides", Ints(2, 1LL << 40)}, {"pads", Ints(4, 1)}});
  Outcome out = run_both(m);
  ASSERT_TRUE(out.output.ok());
  EXPECT_EQ(out.output->shape(), (Shape{1, 3, 1, 1}));
  // Reduced to an equivalent stride, so oneDNN still runs it.
  EXPECT_EQ(out.implementation.rfind("onednn", 0), 0u) << out.implementation;
}

TEST(OutOfOneDnnRange, DeconvStrideOverOneInputCellNeverApplies) {
  auto m = conv_model("ConvTranspose", {1, 2, 1, 1}, {2, 3, 3, 3},
                      {{"strides", Ints(2, 1LL << 40)}, {"output_padding", Ints(2, 5)}});
  Outcome out = run_both(m);
  ASSERT_TRUE(out.output.ok());
  EXPECT_EQ(out.output->shape(), (Shape{1, 3, 8, 8}));
}

// Found by the 100x sweep: a stride of 2^63 - 1 over one input cell made the sub-pixel
// algorithm's ceil(kernel / stride) overflow and plan 2^63 stride phases (a hang at prepare).
// Every algorithm now sees the equivalent stride 1.
TEST(OutOfOneDnnRange, DeconvStrideNearInt64MaxOverOneInputCellDoesNotHang) {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  auto m = conv_model("ConvTranspose", {1, 3, 1}, {3, 1, 4},
                      {{"strides", Ints{huge}}, {"output_padding", Ints{1}}});
  Outcome out = run_both(m);
  ASSERT_TRUE(out.output.ok());
  EXPECT_EQ(out.output->shape(), (Shape{1, 1, 5}));
  auto m2 =
      conv_model("ConvTranspose", {1, 4, 1, 1}, {4, 4, 2, 2}, {{"strides", Ints{huge, huge}}});
  Outcome out2 = run_both(m2);
  ASSERT_TRUE(out2.output.ok());
  EXPECT_EQ(out2.output->shape(), (Shape{1, 4, 2, 2}));
}

TEST(OutOfOneDnnRange, KernelOfOneIgnoresAHugeDilation) {
  auto m = conv_model("Conv", {1, 2, 5, 5}, {2, 2, 1, 1}, {{"dilations", Ints(2, 1LL << 61)}});
  Outcome out = run_both(m);
  EXPECT_EQ(out.implementation.rfind("onednn", 0), 0u) << out.implementation;
}

// Pads and strides of a billion with a small output: beyond what oneDNN indexes safely, so the
// reference computes the node and the report says why.
TEST(OutOfOneDnnRange, BillionPadsWithSmallOutputRunOnTheReference) {
  auto m = conv_model("Conv", {1, 1, 8}, {1, 1, 3},
                      {{"pads", Ints{1000000000, 1000000000}}, {"strides", Ints{1000000000}}});
  Outcome out = run_both(m);
  ASSERT_TRUE(out.output.ok());
  EXPECT_EQ(out.output->shape(), (Shape{1, 1, 3}));
  EXPECT_NE(out.implementation.find("reference (oneDNN cannot run"), std::string::npos)
      << out.implementation;
}

// --- 4. Empty tensors whose other dims are huge. ---

constexpr int64_t kHuge = int64_t{1} << 62;

Tensor empty_f32(Shape shape) { return Tensor(DType::kFloat32, std::move(shape)); }
Tensor i64s(Ints values) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.mutable_values<int64_t>().begin());
  return t;
}

// The op runs and gives an empty output of `expected` shape.
void expect_empty_output(const OneNode& op, const Shape& expected) {
  auto out = testing_util::run_one_node(op);
  ASSERT_TRUE(out.ok()) << op.op_type << ": " << out.status().to_string();
  EXPECT_EQ(out->at(0).shape(), expected) << op.op_type;
  EXPECT_EQ(out->at(0).element_count(), 0) << op.op_type;
}

TEST(EmptyTensors, OpsOnAnEmptyTensorWithHugeDims) {
  const Shape x{0, kHuge, 4};
  using testing_util::initializer;
  expect_empty_output({"Add", {fed(empty_f32(x)), fed(empty_f32(x))}}, x);
  expect_empty_output({"Concat", {fed(empty_f32(x)), fed(empty_f32(x))}, {{"axis", int64_t{2}}}},
                      {0, kHuge, 8});
  expect_empty_output({"Expand", {fed(empty_f32({0, 1, 4})), initializer(i64s({0, kHuge, 4}))}}, x);
  expect_empty_output({"Pad", {fed(empty_f32(x)), initializer(i64s({0, 0, 1, 0, 0, 1}))}},
                      {0, kHuge, 6});
  expect_empty_output({"Slice",
                       {fed(empty_f32(x)), initializer(i64s({0, 1})), initializer(i64s({kHuge, 3})),
                        initializer(i64s({1, 2}))}},
                      {0, kHuge, 2});
  expect_empty_output(
      {"Split", {fed(empty_f32(x)), initializer(i64s({1, 3}))}, {{"axis", int64_t{2}}}, 2},
      {0, kHuge, 1});
  expect_empty_output({"Tile", {fed(empty_f32(x)), initializer(i64s({1, 1, 2}))}}, {0, kHuge, 8});
  expect_empty_output({"Transpose", {fed(empty_f32(x))}, {{"perm", Ints{2, 1, 0}}}}, {4, kHuge, 0});
  expect_empty_output(
      {"Where", {fed(Tensor(DType::kBool, x)), fed(empty_f32(x)), fed(empty_f32({0, 1, 4}))}}, x);
  expect_empty_output(
      {"DepthToSpace", {fed(empty_f32({0, 4, kHuge / 8, 2}))}, {{"blocksize", int64_t{2}}}},
      {0, 1, kHuge / 4, 4});
  expect_empty_output({"ReduceSum", {fed(empty_f32(x)), initializer(i64s({1}))}}, {0, 1, 4});
  // allowzero = 1: the 0 is an empty dim, and both shapes hold no element.
  expect_empty_output({"Reshape",
                       {fed(empty_f32(x)), initializer(i64s({kHuge, 0, 4}))},
                       {{"allowzero", int64_t{1}}}},
                      {kHuge, 0, 4});
}

// Fuzz finding (the Pad regressions in tests/fuzz/regressions): ops that plan per output index
// must not build those plans for an empty output, however large its other dims. Resize to an
// empty output beside an axis of 2^62 used to build 2^62 taps at load.
TEST(EmptyTensors, ResizeToAnEmptyOutputBesideAHugeAxis) {
  using testing_util::initializer;
  const Tensor x = Tensor::from_floats({1, 1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  for (const char* mode : {"nearest", "linear", "cubic"}) {
    expect_empty_output({"Resize",
                         {fed(x), std::nullopt, std::nullopt, initializer(i64s({0, 1, kHuge, 2}))},
                         {{"mode", std::string(mode)}}},
                        {0, 1, kHuge, 2});
  }
}

// Fuzz finding: oneDNN 2.6 divides by zero (SIGFPE) choosing a matmul for an empty dim. Empty
// MatMul/Gemm problems now stay with our loop: M or N empty gives an empty output, K empty
// gives zeros (Gemm: plus beta * C), on both backends.
TEST(EmptyTensors, MatMulAndGemmWithAnEmptyDim) {
  using testing_util::initializer;
  for (Backend backend : {Backend::kOneDnn, Backend::kReference}) {
    SessionOptions options;
    options.backend = backend;
    auto gemm_m0 = testing_util::run_one_node(
        {"Gemm", {fed(empty_f32({0, 10})), initializer(Tensor(DType::kFloat32, {10, 3}))}},
        options);
    ASSERT_TRUE(gemm_m0.ok()) << gemm_m0.status().to_string();
    EXPECT_EQ(gemm_m0->at(0).shape(), (Shape{0, 3}));
    auto matmul_n0 = testing_util::run_one_node(
        {"MatMul", {fed(Tensor(DType::kFloat32, {2, 4})), initializer(empty_f32({4, 0}))}},
        options);
    ASSERT_TRUE(matmul_n0.ok()) << matmul_n0.status().to_string();
    EXPECT_EQ(matmul_n0->at(0).shape(), (Shape{2, 0}));
    const Tensor c = Tensor::from_floats({3}, std::vector<float>{1.0f, 2.0f, 3.0f});
    auto gemm_k0 = testing_util::run_one_node(
        {"Gemm",
         {fed(empty_f32({2, 0})), initializer(empty_f32({0, 3})), initializer(c)},
         {{"beta", 2.0f}}},
        options);
    ASSERT_TRUE(gemm_k0.ok()) << gemm_k0.status().to_string();
    ASSERT_EQ(gemm_k0->at(0).shape(), (Shape{2, 3}));
    for (int64_t i = 0; i < 6; ++i) {
      EXPECT_EQ(gemm_k0->at(0).data<float>()[i], 2.0f * static_cast<float>(i % 3 + 1));
    }
  }
}

TEST(EmptyTensors, ElementCountIgnoresTheOtherDims) {
  auto count = checked_element_count(Shape{kHuge, kHuge, 0});
  ASSERT_TRUE(count.ok()) << count.status().to_string();
  EXPECT_EQ(*count, 0);
  EXPECT_FALSE(checked_element_count(Shape{kHuge, kHuge, 1}).ok());
  EXPECT_FALSE(checked_element_count(Shape{kHuge, -1, 0}).ok());  // negative beats empty
}

// --- 5 and 6. Options out of range are refused by the library, with the rule. ---

Status create_with(SessionOptions options) {
  auto m = conv_model("Conv", {1, 1, 4}, {1, 1, 3}, {});
  return Session::create(testing_util::make_graph(m), options).status();
}

TEST(SessionOptionsRange, ThreadCountsAreBounded) {
  for (int threads : {100000, INT_MAX, max_threads() + 1, -1}) {
    SessionOptions options;
    options.threads = threads;
    const Status status = create_with(options);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << threads;
    EXPECT_NE(status.message().find(fmt::format("threads = {} must be between 0 (one per core) "
                                                "and {} ({} per core",
                                                threads, max_threads(), kMaxThreadsPerCore)),
              std::string::npos)
        << status.message();
  }
  SessionOptions most;
  most.threads = max_threads();
  EXPECT_TRUE(create_with(most).ok());
}

TEST(SessionOptionsRange, NegativeMaxTensorBytesIsRefused) {
  SessionOptions options;
  options.max_tensor_bytes = -1;
  EXPECT_EQ(create_with(options).to_string(),
            "invalid argument: max_tensor_bytes = -1 must be >= 0 (0: the machine's memory)");
}

TEST(SessionOptionsRange, UnknownBackendValueIsRefused) {
  SessionOptions options;
  options.backend = static_cast<Backend>(7);
  EXPECT_EQ(create_with(options).to_string(),
            "invalid argument: backend = 7 is not a Backend value (onednn, reference)");
}

// --- 6. Messages that name the node, the attribute and the rule. ---

TEST(HostileMessages, EmptyConvInputIsBlamedOnTheInput) {
  auto m = conv_model("Conv", {1, 1, 0}, {1, 1, 1}, {});
  SessionOptions options;
  auto session = Session::create(testing_util::make_graph(m), options);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().to_string(),
            "invalid argument: Conv 'n': input X ('X') has shape [1, 1, 0]: every dim must be >= "
            "1 (no empty batch, channel or spatial axis)");
}

TEST(HostileMessages, NegativeStridesNameTheAttribute) {
  auto m = conv_model("ConvTranspose", {1, 1, 4}, {1, 1, 3}, {{"strides", Ints{-2}}});
  EXPECT_EQ(
      load_error(m, Backend::kOneDnn),
      "invalid model: ConvTranspose 'n': attribute 'strides': [-2]: every value must be >= 1");
}

}  // namespace
}  // namespace ort_lite

// The graph rewrites (ops/rewrites/): each folds or fuses exactly the patterns it should, never
// through an activation or a value something else reads, and the rewritten graph computes the
// same values as the original, on the fast backend and (through the fused nodes' composite
// path) on the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "conv_test_util.h"
#include "rewrites/rewrites.h"

namespace ort_lite {
namespace {

using Ints = std::vector<int64_t>;

Tensor random(Shape shape, uint32_t seed, float lo = -1, float hi = 1) {
  std::mt19937 rng(seed);
  Tensor t(DType::kFloat32, std::move(shape));
  std::uniform_real_distribution<float> dist(lo, hi);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

// A small graph built node by node: X is its input, `out` its output.
struct Builder {
  Graph g;
  int next = 0;
  explicit Builder(Shape x) {
    g.source = "rewrite test";
    g.opsets[""] = 17;
    g.inputs.push_back(testing_util::float_value("X", x));
  }
  std::string constant(Tensor t) {
    const std::string name = "c" + std::to_string(next++);
    g.initializers[name] = std::move(t);
    return name;
  }
  std::string node(const std::string& op, std::vector<std::string> inputs,
                   std::map<std::string, AttributeValue> attributes = {}, int64_t opset = 17) {
    Node n;
    n.name = op + std::to_string(next);
    n.op_type = op;
    n.opset = opset;
    n.inputs = std::move(inputs);
    n.outputs = {"v" + std::to_string(next++)};
    n.attributes = std::move(attributes);
    g.nodes.push_back(n);
    return n.outputs[0];
  }
  void output(const std::string& name) {
    g.outputs.push_back(ValueInfo{name, DType::kFloat32, "float", std::nullopt});
  }
};

Tensor run(const Graph& graph, const Tensor& x, SessionOptions options) {
  auto session = Session::create(graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return {};
  auto out = (*session)->run({{"X", x}});
  EXPECT_TRUE(out.ok()) << out.status().to_string();
  return out.ok() ? (*out)[0].tensor : Tensor();
}

// The rewritten graph computes what the written one does: fused (default options) against
// unfused (level 0) and the reference, and the rewritten graph itself on the reference.
void expect_same_values(const Graph& graph, const Shape& x_shape) {
  const Tensor x = random(x_shape, 99);
  SessionOptions unfused;
  unfused.optimizations = Optimizations::level(0);
  SessionOptions reference;
  reference.backend = Backend::kReference;
  const Tensor expected = run(graph, x, reference);
  EXPECT_EQ(testing_util::compare(run(graph, x, {}), expected, 1e-4, 1e-5), "") << "fused";
  EXPECT_EQ(testing_util::compare(run(graph, x, unfused), expected, 1e-4, 1e-5), "") << "unfused";
  Graph rewritten = graph;
  rewrites::rewrite_graph(rewritten, Optimizations{});
  EXPECT_EQ(testing_util::compare(run(rewritten, x, reference), expected, 1e-4, 1e-5), "")
      << "fused nodes on the reference";
}

rewrites::RewriteCounts counts(const Graph& graph) {
  Graph copy = graph;
  return rewrites::rewrite_graph(copy, Optimizations{});
}

std::string batch_norm(Builder& b, const std::string& x, int64_t channels, uint32_t seed) {
  return b.node(
      "BatchNormalization",
      {x, b.constant(random({channels}, seed, 0.5f, 2)), b.constant(random({channels}, seed + 1)),
       b.constant(random({channels}, seed + 2)), b.constant(random({channels}, seed + 3, 0.1f, 1))},
      {{"epsilon", 1e-3f}});
}

TEST(Rewrites, FoldsBatchNormIntoConv) {
  Builder b({1, 3, 8, 8});
  const std::string y =
      b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 1)), b.constant(random({4}, 2))},
             {{"pads", Ints{1, 1, 1, 1}}});
  b.output(batch_norm(b, y, 4, 10));
  EXPECT_EQ(counts(b.g).batch_norms_folded, 1);
  expect_same_values(b.g, {1, 3, 8, 8});
  // The original weights, bias and the four BatchNormalization parameters are dropped: only
  // the folded weights and bias stay in memory.
  Graph rewritten = b.g;
  EXPECT_EQ(rewrites::rewrite_graph(rewritten, Optimizations{}).initializers_dropped, 6);
  EXPECT_EQ(rewritten.initializers.size(), 2u);
}

// CONV_SEMANTICS "known bugs": ConvTranspose(4->6, g=2) + BatchNorm scales weight axis 1 per
// group, not axis 0.
TEST(Rewrites, FoldsBatchNormIntoGroupedConvTransposeOnAxisOne) {
  Builder b({1, 4, 5, 5});
  const std::string y = b.node("ConvTranspose", {"X", b.constant(random({4, 3, 3, 3}, 3))},
                               {{"group", int64_t{2}}, {"strides", Ints{2, 2}}});
  b.output(batch_norm(b, y, 6, 20));
  EXPECT_EQ(counts(b.g).batch_norms_folded, 1);
  expect_same_values(b.g, {1, 4, 5, 5});
}

TEST(Rewrites, NeverFoldsThroughAnActivation) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 4))});
  b.output(batch_norm(b, b.node("Relu", {y}), 4, 30));
  const auto c = counts(b.g);
  EXPECT_EQ(c.batch_norms_folded, 0);
  EXPECT_EQ(c.activations_fused, 1);  // the Relu itself joins the conv
  expect_same_values(b.g, {1, 3, 6, 6});
}

TEST(Rewrites, NeverFoldsAValueThatIsAlsoAGraphOutput) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 5))});
  b.output(batch_norm(b, y, 4, 40));
  b.output(y);  // the conv's own output is wanted too
  EXPECT_EQ(counts(b.g).batch_norms_folded, 0);
  auto session = Session::create(b.g, {});
  ASSERT_TRUE(session.ok());
  auto out = (*session)->run({{"X", random({1, 3, 6, 6}, 6)}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 2u);
}

TEST(Rewrites, FoldsPerChannelMulAndAdd) {
  Builder b({2, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({5, 3, 1, 1}, 7))});
  const std::string scaled = b.node("Mul", {b.constant(random({1, 5, 1, 1}, 8)), y});
  b.output(b.node("Add", {scaled, b.constant(random({5, 1, 1}, 9))}));
  EXPECT_EQ(counts(b.g).channel_affines_folded, 2);
  expect_same_values(b.g, {2, 3, 6, 6});
}

TEST(Rewrites, FusesResidualAddThenRelu) {
  Builder b({1, 4, 6, 6});
  const std::string y =
      b.node("Conv", {"X", b.constant(random({4, 4, 3, 3}, 10))}, {{"pads", Ints{1, 1, 1, 1}}});
  b.output(b.node("Relu", {b.node("Add", {y, "X"})}));
  const auto c = counts(b.g);
  EXPECT_EQ(c.residual_adds_fused, 1);
  EXPECT_EQ(c.activations_fused, 1);
  expect_same_values(b.g, {1, 4, 6, 6});
}

TEST(Rewrites, ResidualThatBroadcastsRunsThroughTheOpsKernels) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 1, 1}, 11))});
  // The other operand is a computed (1, 4, 1, 1) value: a broadcast, not a same-shape residual.
  const std::string pooled = b.node("GlobalAveragePool", {y});
  const std::string z = b.node("Conv", {"X", b.constant(random({4, 3, 1, 1}, 12))});
  b.output(b.node("Add", {z, pooled}));
  EXPECT_EQ(counts(b.g).residual_adds_fused, 1);
  expect_same_values(b.g, {1, 3, 6, 6});
}

TEST(Rewrites, FusesSiluAndClipWithConstantBounds) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 13))});
  const std::string silu = b.node("Mul", {y, b.node("Sigmoid", {y})});
  const std::string z = b.node("ConvTranspose", {silu, b.constant(random({4, 2, 2, 2}, 14))},
                               {{"strides", Ints{2, 2}}});
  b.output(b.node("Clip", {z, b.constant(Tensor::from_floats({}, std::vector<float>{-0.25f})),
                           b.constant(Tensor::from_floats({}, std::vector<float>{0.5f}))}));
  EXPECT_EQ(counts(b.g).activations_fused, 2);
  expect_same_values(b.g, {1, 3, 6, 6});
}

// GELU as torch 1.13 exports nn.GELU: x * (1 + erf(x / sqrt 2)) * 0.5, then fused into the conv.
TEST(Rewrites, FusesDecomposedGeluThenIntoTheConv) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 16))});
  auto scalar = [&](float v) { return b.constant(Tensor::from_floats({}, std::vector<float>{v})); };
  const std::string erf = b.node("Erf", {b.node("Div", {y, scalar(1.4142135f)})});
  const std::string mul = b.node("Mul", {b.node("Add", {scalar(1.0f), erf}), y});  // swapped
  b.output(b.node("Mul", {mul, scalar(0.5f)}));
  const auto c = counts(b.g);
  EXPECT_EQ(c.gelus_fused, 1);
  EXPECT_EQ(c.activations_fused, 1);
  Graph rewritten = b.g;
  rewrites::rewrite_graph(rewritten, Optimizations{});
  EXPECT_EQ(rewritten.nodes.size(), 1u);
  expect_same_values(b.g, {1, 3, 6, 6});
}

// ConvNeXt's MLP over channels-last activations: MatMul -> Add(bias) -> GELU -> MatMul ->
// Add(bias), here ending in SiLU. Each MatMul takes its bias and its activation (the bias on
// either side of the Add, or through an Identity as torch.onnx writes a repeated weight); rows
// of any batch rank, none included.
TEST(Rewrites, FusesMatMulBiasAndTheActivationAfterIt) {
  for (const Shape& x : {Shape{2, 3, 4, 8}, Shape{5, 8}, Shape{0, 3, 4, 8}}) {
    Builder b(x);
    auto scalar = [&](float v) {
      return b.constant(Tensor::from_floats({}, std::vector<float>{v}));
    };
    const std::string h =
        b.node("Add", {b.node("Identity", {b.constant(random({16}, 40))}),
                       b.node("MatMul", {"X", b.constant(random({8, 16}, 41))}, {}, 13)});
    const std::string erf = b.node("Erf", {b.node("Div", {h, scalar(1.4142135f)})});
    const std::string gelu =
        b.node("Mul", {b.node("Mul", {h, b.node("Add", {erf, scalar(1.0f)})}), scalar(0.5f)});
    const std::string y = b.node("Add", {b.node("MatMul", {gelu, b.constant(random({16, 8}, 42))}),
                                         b.constant(random({8}, 43))});
    b.output(b.node("Mul", {y, b.node("Sigmoid", {y})}));
    const auto c = counts(b.g);
    EXPECT_EQ(c.identities_forwarded, 1);
    EXPECT_EQ(c.matmul_biases_fused, 2);
    EXPECT_EQ(c.gelus_fused, 1);
    EXPECT_EQ(c.activations_fused, 2);
    Graph rewritten = b.g;
    rewrites::rewrite_graph(rewritten, Optimizations{});
    EXPECT_EQ(rewritten.nodes.size(), 2u);
    expect_same_values(b.g, x);
  }
}

// A bias that would broadcast the output to another shape, a B that is not a constant matrix,
// and a MatMul output something else reads stay unfused.
TEST(Rewrites, LeavesMatMulAddsThatAreNotABias) {
  Builder wide({4, 8});
  wide.output(wide.node("Add", {wide.node("MatMul", {"X", wide.constant(random({8, 16}, 44))}),
                                wide.constant(random({4, 16}, 45))}));
  EXPECT_EQ(counts(wide.g).matmul_biases_fused, 0);
  expect_same_values(wide.g, {4, 8});

  Builder stacked({2, 4, 8});
  stacked.output(
      stacked.node("Add", {stacked.node("MatMul", {"X", stacked.constant(random({2, 8, 16}, 46))}),
                           stacked.constant(random({16}, 47))}));
  EXPECT_EQ(counts(stacked.g).matmul_biases_fused, 0);

  Builder shared({4, 8});
  const std::string m = shared.node("MatMul", {"X", shared.constant(random({8, 16}, 48))});
  shared.output(shared.node("Add", {m, shared.constant(random({16}, 49))}));
  shared.output(m);
  EXPECT_EQ(counts(shared.g).matmul_biases_fused, 0);
}

// The same chain with a constant that is not 1/sqrt(2)'s is left alone.
TEST(Rewrites, LeavesAChainThatIsNotGelu) {
  Builder b({1, 3, 6, 6});
  auto scalar = [&](float v) { return b.constant(Tensor::from_floats({}, std::vector<float>{v})); };
  const std::string erf = b.node("Erf", {b.node("Div", {"X", scalar(2.0f)})});
  const std::string mul = b.node("Mul", {"X", b.node("Add", {erf, scalar(1.0f)})});
  b.output(b.node("Mul", {mul, scalar(0.5f)}));
  EXPECT_EQ(counts(b.g).gelus_fused, 0);
}

Tensor ints(Ints values) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.mutable_values<int64_t>().begin());
  return t;
}

// Reshape(x, split) -> Transpose(perm) -> Reshape(joined).
std::string shuffle_chain(Builder& b, const std::string& x, Ints split, Ints joined,
                          Ints perm = {0, 2, 1, 3, 4}) {
  const std::string r = b.node("Reshape", {x, b.constant(ints(std::move(split)))});
  const std::string t = b.node("Transpose", {r}, {{"perm", std::move(perm)}});
  return b.node("Reshape", {t, b.constant(ints(std::move(joined)))});
}

int reorders_in(const Graph& graph, const Tensor& x, SessionOptions options = {}) {
  auto session = Session::create(graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return -1;
  auto report = (*session)->describe({{"X", x}});
  EXPECT_TRUE(report.ok()) << report.status().to_string();
  int reorders = 0;
  for (const NodeReport& node : report.ok() ? *report : std::vector<NodeReport>{}) {
    reorders += node.node.rfind("Reorder", 0) == 0;
  }
  return reorders;
}

// ShuffleNet's shuffle between two convolutions: one op, and the value stays channels-last
// (the three nodes alone need a reorder out of channels-last and one back).
TEST(Rewrites, FusesChannelShuffleAndKeepsChannelsLast) {
  Builder b({2, 3, 5, 5});
  const std::string y = b.node("Conv", {"X", b.constant(random({6, 3, 1, 1}, 60))});
  const std::string shuffled = shuffle_chain(b, y, {2, 3, 2, 5, 5}, {2, -1, 5, 5});
  b.output(b.node("Conv", {shuffled, b.constant(random({4, 6, 1, 1}, 61))}));
  EXPECT_EQ(counts(b.g).channel_shuffles_fused, 1);
  expect_same_values(b.g, {2, 3, 5, 5});
  const Tensor x = random({2, 3, 5, 5}, 62);
  EXPECT_EQ(reorders_in(b.g, x), 2);  // the graph input in, the output out
  SessionOptions unfused;
  unfused.optimizations.fuse_channel_shuffle = false;
  EXPECT_EQ(reorders_in(b.g, x, unfused), 4);
}

// X of another shape than the shuffle's output (the first Reshape then reorders elements): a
// plain 3-D X, and a channels-last X whose row-major order must be made first.
TEST(Rewrites, ChannelShuffleOfAnotherShapeReadsRowMajorOrder) {
  Builder plain({1, 6, 20});
  plain.output(shuffle_chain(plain, "X", {1, 2, 3, 4, 5}, {1, 6, 4, 5}));
  EXPECT_EQ(counts(plain.g).channel_shuffles_fused, 1);
  expect_same_values(plain.g, {1, 6, 20});

  Builder cl({1, 3, 4, 5});
  const std::string y = cl.node("Conv", {"X", cl.constant(random({6, 3, 1, 1}, 63))});
  cl.output(shuffle_chain(cl, y, {1, 3, 2, 10, 2}, {1, 6, 10, 2}));
  EXPECT_EQ(counts(cl.g).channel_shuffles_fused, 1);
  expect_same_values(cl.g, {1, 3, 4, 5});
}

// Not a channel shuffle: another perm, a -1 in the first shape, an intermediate read twice.
TEST(Rewrites, LeavesReshapeTransposeChainsThatAreNotAShuffle) {
  Builder perm({1, 6, 4, 4});
  perm.output(shuffle_chain(perm, "X", {1, 2, 3, 4, 4}, {1, 6, 4, 4}, {0, 1, 2, 4, 3}));
  EXPECT_EQ(counts(perm.g).channel_shuffles_fused, 0);

  Builder inferred({1, 6, 4, 4});
  inferred.output(shuffle_chain(inferred, "X", {1, 2, -1, 4, 4}, {1, 6, 4, 4}));
  EXPECT_EQ(counts(inferred.g).channel_shuffles_fused, 0);

  Builder shared({1, 6, 4, 4});
  shared.output(shuffle_chain(shared, "X", {1, 2, 3, 4, 4}, {1, 6, 4, 4}));
  shared.output(shared.g.nodes[1].outputs[0]);  // the Transpose's value is a graph output too
  EXPECT_EQ(counts(shared.g).channel_shuffles_fused, 0);
}

// DenseNet's pre-activation BN -> Relu -> Conv: the Relu joins the BatchNormalization, on
// channels-last values (after a conv) and on plain ones (a graph input), and NaN stays NaN.
TEST(Rewrites, FusesBatchNormThenReluWhereNoConvTakesIt) {
  Builder b({1, 4, 6, 6});
  const std::string plain = b.node("Relu", {batch_norm(b, "X", 4, 70)});
  const std::string y = b.node("Conv", {plain, b.constant(random({5, 4, 1, 1}, 71))});
  const std::string z = b.node("Relu", {batch_norm(b, b.node("Relu", {y}), 5, 72)});
  b.output(b.node("Conv", {z, b.constant(random({3, 5, 1, 1}, 73))}));
  const auto c = counts(b.g);
  EXPECT_EQ(c.batch_norm_relus_fused, 2);
  EXPECT_EQ(c.activations_fused, 1);  // the Relu right after the first conv
  expect_same_values(b.g, {1, 4, 6, 6});

  Builder nan({1, 2, 1, 2});
  nan.output(nan.node("Relu", {batch_norm(nan, "X", 2, 74)}));
  EXPECT_EQ(counts(nan.g).batch_norm_relus_fused, 1);
  const float q = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = Tensor::from_floats({1, 2, 1, 2}, std::vector<float>{q, -50, 50, q});
  const Tensor y_nan = run(nan.g, x, {});
  const auto v = y_nan.values<float>();
  EXPECT_TRUE(std::isnan(v[0]) && std::isnan(v[3]));
  EXPECT_EQ(v[1], 0.0f);
}

// PRelu with a constant slope per output channel ([M, 1, 1], [1, M, 1, 1]) or of one value,
// after a Conv, a ConvTranspose (every algorithm) and a residual Add; slopes of both signs. A
// slope along another axis is not per channel: that PRelu stays a node.
TEST(Rewrites, FusesPReluWithAConstantSlopePerChannelOrOfOneValue) {
  Builder b({2, 3, 6, 6});
  Tensor per_channel = random({4, 1, 1}, 20, -2, 2);
  const std::string y =
      b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 21))}, {{"pads", Ints{1, 1, 1, 1}}});
  const std::string a = b.node("PRelu", {y, b.constant(per_channel)});
  const std::string z = b.node("ConvTranspose", {a, b.constant(random({4, 2, 3, 3}, 22))},
                               {{"strides", Ints{2, 2}}, {"group", int64_t{2}}});
  const std::string c =
      b.node("PRelu", {z, b.constant(Tensor::from_floats({1}, std::vector<float>{-0.5f}))});
  const std::string r = b.node("Conv", {c, b.constant(random({4, 4, 1, 1}, 23))});
  const std::string sum = b.node("Add", {r, c});
  const std::string d = b.node("PRelu", {sum, b.constant(random({1, 4, 1, 1}, 24, -1, 1))});
  const std::string e = b.node("Conv", {d, b.constant(random({4, 4, 1, 1}, 25))});
  b.output(b.node("PRelu", {e, b.constant(random({1, 1, 13}, 26))}));  // along W
  const auto counts_fused = counts(b.g);
  EXPECT_EQ(counts_fused.activations_fused, 3);
  EXPECT_EQ(counts_fused.residual_adds_fused, 1);
  expect_same_values(b.g, {2, 3, 6, 6});
  const Tensor x = random({2, 3, 6, 6}, 27);
  SessionOptions reference;
  reference.backend = Backend::kReference;
  const Tensor expected = run(b.g, x, reference);
  for (DeconvAlgorithm algorithm :
       {DeconvAlgorithm::kPrimitive, DeconvAlgorithm::kSubPixel, DeconvAlgorithm::kGemmCol2Im}) {
    for (bool channels_last : {true, false}) {
      SessionOptions options;
      options.deconv_algorithm = algorithm;
      options.optimizations.channels_last = channels_last;
      EXPECT_EQ(testing_util::compare(run(b.g, x, options), expected, 1e-4, 1e-5), "")
          << deconv_algorithm_name(algorithm) << (channels_last ? " channels-last" : " plain");
    }
  }
}

TEST(Rewrites, EachSwitchTurnsItsRewriteOff) {
  Builder b({1, 3, 6, 6});
  const std::string y = b.node("Conv", {"X", b.constant(random({4, 3, 3, 3}, 15))});
  b.output(b.node("Relu", {batch_norm(b, y, 4, 50)}));
  Optimizations off;
  off.fold_batch_norm = false;
  Graph copy = b.g;
  const auto c = rewrites::rewrite_graph(copy, off);
  EXPECT_EQ(c.batch_norms_folded, 0);
  EXPECT_EQ(c.activations_fused, 0);  // the Relu follows the BatchNormalization, not a conv
  Graph none = b.g;
  const auto zero = rewrites::rewrite_graph(none, Optimizations::level(0));
  EXPECT_EQ(zero.batch_norms_folded + zero.activations_fused, 0);
  EXPECT_EQ(none.nodes.size(), b.g.nodes.size());
}

}  // namespace
}  // namespace ort_lite

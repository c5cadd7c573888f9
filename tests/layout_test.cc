// Layouts across the graph (runtime/include/ort_lite/layout.h): which ops keep channels-last
// values, where the plan reorders, and that the eager test hook really reaches the
// channels-last paths the conformance suite then checks.
#include <algorithm>

#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "conv_test_util.h"
#include "one_node.h"
#include "ort_lite/layout.h"

namespace ort_lite {
namespace {

using testing_util::fed;
using testing_util::initializer;
using testing_util::OneNode;

std::vector<NodeReport> report_of(const OneNode& op, SessionOptions options) {
  auto session = Session::create(testing_util::one_node_graph(op), options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return {};
  std::vector<NamedTensor> feeds;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (op.inputs[i] && !op.inputs[i]->constant) {
      feeds.push_back({fmt::format("in{}", i), op.inputs[i]->value});
    }
  }
  auto report = (*session)->describe(feeds);
  EXPECT_TRUE(report.ok()) << report.status().to_string();
  return report.ok() ? *report : std::vector<NodeReport>{};
}

Tensor image(Shape shape) {
  std::mt19937 rng(3);
  return testing_util::random_tensor(shape, rng);
}

TEST(Layouts, EagerChannelsLastReachesTheChannelsLastKernels) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  const OneNode pool{
      "MaxPool", {fed(image({1, 3, 8, 8}))}, {{"kernel_shape", std::vector<int64_t>{2, 2}}}};
  const auto report = report_of(pool, eager);
  EXPECT_EQ(testing_util::implementation_of(report, "MaxPool 'n'"), "max pool (channels-last)");
  // ... and without the hook the same node computes plain, with no reorder at all.
  const auto plain = report_of(pool, {});
  EXPECT_EQ(testing_util::implementation_of(plain, "MaxPool 'n'"), "max pool");
  EXPECT_EQ(plain.size(), 1u);
}

// ESPCN's sub-pixel shuffle: DepthToSpace reads a channels-last value where it lies and writes
// channels-last (its values are the conformance suite's, run with the eager hook).
TEST(Layouts, DepthToSpaceKeepsChannelsLast) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  const OneNode shuffle{"DepthToSpace",
                        {fed(image({1, 8, 3, 5}))},
                        {{"blocksize", int64_t{2}}, {"mode", std::string("CRD")}}};
  const auto report = report_of(shuffle, eager);
  EXPECT_EQ(testing_util::implementation_of(report, "DepthToSpace 'n'"),
            "depth to space (CRD, channels-last)");
  int reorders = 0;
  for (const NodeReport& node : report) reorders += node.node.rfind("Reorder", 0) == 0;
  EXPECT_EQ(reorders, 2);  // the input in, the output out: none around the op
}

TEST(Layouts, ElementwiseOpsKeepChannelsLastAndOnlyTheEdgesReorder) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  // Add of two channels-last images: no reorder in between, one for the graph output.
  const OneNode add{"Add", {fed(image({1, 4, 5, 5})), fed(image({1, 4, 5, 5}))}};
  int reorders = 0;
  for (const NodeReport& node : report_of(add, eager)) {
    reorders += node.node.rfind("Reorder", 0) == 0;
  }
  EXPECT_EQ(reorders, 3);  // two inputs in, one output out
}

Tensor pads_tensor(std::vector<int64_t> pads) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(pads.size())});
  std::copy(pads.begin(), pads.end(), t.mutable_values<int64_t>().begin());
  return t;
}

// Pad pads channels-last bytes axis by axis in their physical order: every mode, pads on
// every axis (the channel one too, and negative ones) give the plain result, and all-zero pads
// are a view.
TEST(Layouts, PadKeepsChannelsLastInEveryMode) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  const Tensor x = image({2, 3, 5, 4});
  for (const char* mode : {"constant", "reflect", "edge", "wrap"}) {
    for (const std::vector<int64_t>& pads : {std::vector<int64_t>{0, 0, 1, 2, 0, 0, 3, 0},
                                             std::vector<int64_t>{0, 2, 0, -1, 1, 1, 2, 3},
                                             std::vector<int64_t>{0, 0, -2, 0, 0, 0, 0, -1}}) {
      const OneNode pad{
          "Pad", {fed(x), initializer(pads_tensor(pads))}, {{"mode", std::string(mode)}}, 1, 19};
      SCOPED_TRACE(fmt::format("mode {}, pads [{}]", mode, fmt::join(pads, ", ")));
      EXPECT_EQ(testing_util::implementation_of(report_of(pad, eager), "Pad 'n'"),
                "pad (channels-last)");
      auto channels_last = testing_util::run_one_node(pad, eager);
      auto plain = testing_util::run_one_node(pad, {});
      ASSERT_TRUE(channels_last.ok()) << channels_last.status().to_string();
      ASSERT_TRUE(plain.ok()) << plain.status().to_string();
      ASSERT_EQ((*channels_last)[0].shape(), (*plain)[0].shape());
      const auto a = (*channels_last)[0].values<float>();
      const auto b = (*plain)[0].values<float>();
      EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
    }
  }
  const OneNode zero{"Pad", {fed(x), initializer(pads_tensor(std::vector<int64_t>(8, 0)))}};
  EXPECT_EQ(testing_util::implementation_of(report_of(zero, eager), "Pad 'n'"),
            "pad (all pads 0: no copy)");
}

// Float32 Add/Sub/Mul/Div on oneDNN's binary primitive, plain and channels-last, with the
// broadcasts models use (per channel, scalar, same shape, B first for the commutative ones):
// bit-identical to the reference backend's loop.
TEST(Layouts, BinaryOpsOnOneDnnMatchTheLoopBitForBit) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  SessionOptions reference;
  reference.backend = Backend::kReference;
  const Tensor x = image({2, 5, 4, 3});
  const std::vector<Shape> others{{2, 5, 4, 3}, {1, 5, 1, 1}, {5, 1, 1}, {1}, {3}, {2, 1, 4, 1}};
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    for (const Shape& other : others) {
      for (bool other_first : {false, true}) {
        const Tensor y = image(other);
        const OneNode node{
            op, other_first
                    ? std::vector<std::optional<testing_util::NodeInput>>{initializer(y), fed(x)}
                    : std::vector<std::optional<testing_util::NodeInput>>{fed(x), initializer(y)}};
        SCOPED_TRACE(
            fmt::format("{} with [{}]{}", op, fmt::join(other, ", "), other_first ? " first" : ""));
        auto expected = testing_util::run_one_node(node, reference);
        ASSERT_TRUE(expected.ok()) << expected.status().to_string();
        for (const SessionOptions& options : {SessionOptions{}, eager}) {
          auto actual = testing_util::run_one_node(node, options);
          ASSERT_TRUE(actual.ok()) << actual.status().to_string();
          const auto a = (*actual)[0].values<float>();
          const auto b = (*expected)[0].values<float>();
          EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
        }
      }
    }
  }
  // The per-channel multiply of a squeeze-excitation block runs on oneDNN, channels-last.
  const OneNode scale{"Mul", {fed(x), initializer(image({1, 5, 1, 1}))}};
  EXPECT_EQ(testing_util::implementation_of(report_of(scale, eager), "Mul 'n'")
                .rfind("onednn binary mul", 0),
            0u);
}

// Concat along channels-last channels (the innermost bytes): short rows of every size, large
// enough to run in parallel, equal to the plain result.
TEST(Layouts, ConcatOfChannelsLastChannelsMatchesPlain) {
  SessionOptions eager;
  eager.optimizations.eager_channels_last = true;
  const OneNode concat{
      "Concat",
      {fed(image({2, 3, 40, 50})), fed(image({2, 8, 40, 50})), fed(image({2, 5, 40, 50}))},
      {{"axis", int64_t{1}}}};
  EXPECT_EQ(testing_util::implementation_of(report_of(concat, eager), "Concat 'n'"),
            "concat (channels-last)");
  auto channels_last = testing_util::run_one_node(concat, eager);
  auto plain = testing_util::run_one_node(concat, {});
  ASSERT_TRUE(channels_last.ok() && plain.ok());
  const auto a = (*channels_last)[0].values<float>();
  const auto b = (*plain)[0].values<float>();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST(Layouts, SameBytesInBothLayoutsIsARelabel) {
  EXPECT_TRUE(same_bytes_in_both_layouts({2, 1, 5, 5}));
  EXPECT_TRUE(same_bytes_in_both_layouts({2, 7, 1, 1}));
  EXPECT_FALSE(same_bytes_in_both_layouts({1, 2, 1, 3}));
  EXPECT_EQ(physical_shape({2, 3, 4, 5}, Layout::kChannelsLast), (Shape{2, 4, 5, 3}));
  EXPECT_EQ(logical_shape({2, 4, 5, 3}, Layout::kChannelsLast), (Shape{2, 3, 4, 5}));
}

}  // namespace
}  // namespace ort_lite

// Table tests for the conv geometry module and its oneDNN mapping. Every case in
// ../shared/CONV_SEMANTICS.md's "Known bugs elsewhere" table that concerns sizes is here.
#include <gtest/gtest.h>

#include "onednn/onednn_conv.h"
#include "ort_lite/ops/conv_geometry.h"
#include "ort_lite/ops/conv_problem.h"

namespace ort_lite::conv {
namespace {

using P = OutputShapePadding;

struct AxisCase {
  const char* name;
  AxisSpec spec;
  AutoPad auto_pad;
  P policy;
  // expected
  int64_t output, pads_begin, pads_end;
};

std::ostream& operator<<(std::ostream& os, const AxisCase& c) { return os << c.name; }

AxisSpec axis(int64_t in, int64_t k, int64_t s = 1, int64_t d = 1, int64_t pb = 0, int64_t pe = 0,
              int64_t op = 0, std::optional<int64_t> out = std::nullopt) {
  return {.input = in,
          .kernel = k,
          .stride = s,
          .dilation = d,
          .pads_begin = pb,
          .pads_end = pe,
          .output_padding = op,
          .output_size = out};
}

class ConvTransposeAxisTable : public testing::TestWithParam<AxisCase> {};

TEST_P(ConvTransposeAxisTable, ResolvesSizeAndPads) {
  const AxisCase& c = GetParam();
  auto g = resolve_conv_transpose_axis(c.spec, c.auto_pad, c.policy);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_EQ(g->output, c.output);
  EXPECT_EQ(g->pads_begin, c.pads_begin);
  EXPECT_EQ(g->pads_end, c.pads_end);
  // The invariant every implementation relies on.
  EXPECT_EQ(g->output, g->full() - g->pads_begin - g->pads_end);
}

// pads_end in the expectations already has output_padding subtracted (see conv_geometry.h).
INSTANTIATE_TEST_SUITE_P(
    Cases, ConvTransposeAxisTable,
    testing::Values(
        // ORT before 2020 ignored auto_pad: X 5x5, k3, s2, SAME_UPPER -> 10x10.
        AxisCase{"same_upper_5_k3_s2", axis(5, 3, 2), AutoPad::kSameUpper, P::kSpec, 10, 0, 1},
        // X 3x3, k3, s2: the odd pixel at the end for SAME_UPPER, at the start for SAME_LOWER.
        AxisCase{"same_upper_odd_at_end", axis(3, 3, 2), AutoPad::kSameUpper, P::kSpec, 6, 0, 1},
        AxisCase{"same_lower_odd_at_start", axis(3, 3, 2), AutoPad::kSameLower, P::kSpec, 6, 1, 0},
        // Dilated extent is (k-1)*d+1, not k+d-1: in 50, d 3, k 3, pads 4/4, s 2 -> 97.
        AxisCase{"dilated_extent_h", axis(50, 3, 2, 3, 4, 4), AutoPad::kNotSet, P::kSpec, 97, 4, 4},
        AxisCase{"dilated_extent_w", axis(50, 5, 1, 1, 2, 2), AutoPad::kNotSet, P::kSpec, 50, 2, 2},
        // k3 s2 p1 op1, in 7 -> 14; output_padding selects computed values: nothing cropped at
        // the end, so the last row holds real values.
        AxisCase{"output_padding_selects", axis(7, 3, 2, 1, 1, 1, 1), AutoPad::kNotSet, P::kSpec,
                 14, 1, 0},
        // Old shape-inference bug: X 7x5, W k (2,3), s (2,1), SAME_UPPER -> 14x5.
        AxisCase{"opset10_same_upper_h", axis(7, 2, 2), AutoPad::kSameUpper, P::kSpec, 14, 0, 0},
        AxisCase{"opset10_same_upper_w", axis(5, 3, 1), AutoPad::kSameUpper, P::kSpec, 5, 1, 1},
        // Vocoder: 1-D, in 224, k 1024, s 256 -> 58112.
        AxisCase{"vocoder_large_kernel", axis(224, 1024, 256), AutoPad::kNotSet, P::kSpec, 58112, 0,
                 0},
        // output_shape: odd pixel at the start for NOTSET (spec), at the end for SAME_UPPER and
        // for the legacy policy.
        AxisCase{"output_shape_notset", axis(3, 3, 2, 1, 0, 0, 0, 6), AutoPad::kNotSet, P::kSpec, 6,
                 1, 0},
        AxisCase{"output_shape_same_lower", axis(3, 3, 2, 1, 0, 0, 0, 6), AutoPad::kSameLower,
                 P::kSpec, 6, 1, 0},
        AxisCase{"output_shape_valid", axis(3, 3, 2, 1, 0, 0, 0, 6), AutoPad::kValid, P::kSpec, 6,
                 1, 0},
        AxisCase{"output_shape_same_upper", axis(3, 3, 2, 1, 0, 0, 0, 6), AutoPad::kSameUpper,
                 P::kSpec, 6, 0, 1},
        AxisCase{"output_shape_legacy", axis(3, 3, 2, 1, 0, 0, 0, 6), AutoPad::kNotSet, P::kLegacy,
                 6, 0, 1},
        // output_shape ignores explicit pads.
        AxisCase{"output_shape_overrides_pads", axis(3, 3, 2, 1, 5, 5, 0, 7), AutoPad::kNotSet,
                 P::kSpec, 7, 0, 0},
        // output_shape with output_padding: total = full + op - output_shape.
        AxisCase{"output_shape_with_output_padding", axis(3, 3, 2, 1, 0, 0, 1, 6), AutoPad::kNotSet,
                 P::kSpec, 6, 1, 0},
        // output_shape beyond the full result (ONNX test_convtranspose_output_shape's H axis:
        // in 3, k 3, s 3 -> full 9, asked 10): one bias-only cell at the end.
        AxisCase{"output_shape_beyond_full", axis(3, 3, 3, 1, 0, 0, 0, 10), AutoPad::kNotSet,
                 P::kSpec, 10, 0, -1},
        // ... by more than a stride (ORT refuses; the spec computes it).
        AxisCase{"output_shape_far_beyond_full", axis(3, 3, 2, 1, 0, 0, 0, 12), AutoPad::kNotSet,
                 P::kSpec, 12, 0, -5},
        // SAME with a kernel smaller than the stride: still in * s, bias-only cells at the end
        // (as TF/Keras 'same'; ONNX Runtime clamps and returns fewer cells).
        AxisCase{"same_kernel_smaller_than_stride", axis(4, 1, 3), AutoPad::kSameUpper, P::kSpec,
                 12, 0, -2},
        AxisCase{"same_lower_kernel_smaller_than_stride", axis(4, 2, 3), AutoPad::kSameLower,
                 P::kSpec, 12, 0, -1},
        // SAME + output_padding: in * s (as ONNX Runtime; ONNX 1.12 shape inference said
        // in * s + op, against the spec text).
        AxisCase{"same_with_output_padding", axis(5, 3, 2, 1, 0, 0, 1), AutoPad::kSameUpper,
                 P::kSpec, 10, 1, 0},
        // output_padding >= stride is allowed when smaller than the dilation (as PyTorch).
        AxisCase{"output_padding_below_dilation", axis(4, 3, 1, 3, 0, 0, 2), AutoPad::kNotSet,
                 P::kSpec, 12, 0, -2},
        // VALID: no pads; output_padding extends the end.
        AxisCase{"valid", axis(4, 3, 2), AutoPad::kValid, P::kSpec, 9, 0, 0},
        AxisCase{"valid_output_padding", axis(4, 3, 2, 1, 0, 0, 1), AutoPad::kValid, P::kSpec, 10,
                 0, -1},
        // Negative explicit pads (tf2onnx): extensions with bias-only cells.
        AxisCase{"negative_pads_extend", axis(3, 3, 1, 1, -1, -2), AutoPad::kNotSet, P::kSpec, 8,
                 -1, -2},
        AxisCase{"asymmetric_pads", axis(4, 4, 2, 1, 1, 2), AutoPad::kNotSet, P::kSpec, 7, 1, 2}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ConvTransposeAxis, RefusesInvalidValues) {
  auto expect_error = [](AxisSpec spec, AutoPad pad, const char* fragment) {
    auto g = resolve_conv_transpose_axis(spec, pad, P::kSpec);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.status().message().find(fragment), std::string::npos) << g.status().message();
  };
  expect_error(axis(4, 3, 0), AutoPad::kNotSet, "stride 0 must be >= 1");
  expect_error(axis(4, 3, 1, 0), AutoPad::kNotSet, "dilation 0 must be >= 1");
  expect_error(axis(4, 0), AutoPad::kNotSet, "kernel size 0 must be >= 1");
  expect_error(axis(4, 3, 2, 1, 0, 0, 2), AutoPad::kNotSet,
               "output_padding 2 must be >= 0 and smaller than max(stride 2, dilation 1)");
  expect_error(axis(4, 3, 2, 1, 0, 0, -1), AutoPad::kNotSet, "output_padding -1");
  expect_error(axis(2, 3, 1, 1, 2, 3), AutoPad::kNotSet, "output size would be -1");
  expect_error(axis(2, 3, 1, 1, 0, 0, 0, 0), AutoPad::kNotSet, "output_shape value 0");
}

struct ConvCase {
  const char* name;
  AxisSpec spec;
  AutoPad auto_pad;
  int64_t output, pads_begin, pads_end;
};

class ConvAxisTable : public testing::TestWithParam<ConvCase> {};

TEST_P(ConvAxisTable, ResolvesSizeAndPads) {
  const ConvCase& c = GetParam();
  auto g = resolve_conv_axis(c.spec, c.auto_pad);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_EQ(g->output, c.output);
  EXPECT_EQ(g->pads_begin, c.pads_begin);
  EXPECT_EQ(g->pads_end, c.pads_end);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConvAxisTable,
    testing::Values(ConvCase{"plain", axis(5, 3), AutoPad::kNotSet, 3, 0, 0},
                    ConvCase{"padded_strided", axis(5, 3, 2, 1, 1, 1), AutoPad::kNotSet, 3, 1, 1},
                    ConvCase{"floor_division", axis(6, 3, 2), AutoPad::kNotSet, 2, 0, 0},
                    ConvCase{"asymmetric", axis(7, 3, 2, 1, 1, 0), AutoPad::kNotSet, 3, 1, 0},
                    ConvCase{"same_upper_odd_total", axis(7, 4), AutoPad::kSameUpper, 7, 1, 2},
                    ConvCase{"same_lower_odd_total", axis(7, 4), AutoPad::kSameLower, 7, 2, 1},
                    ConvCase{"same_strided", axis(5, 3, 2), AutoPad::kSameUpper, 3, 1, 1},
                    ConvCase{"same_strided_even", axis(10, 4, 2), AutoPad::kSameLower, 5, 1, 1},
                    // Dilation with SAME is valid ONNX (ONNX Runtime refuses it).
                    ConvCase{"same_dilated", axis(10, 3, 1, 2), AutoPad::kSameUpper, 10, 2, 2},
                    ConvCase{"same_never_negative", axis(9, 1, 3), AutoPad::kSameUpper, 3, 0, 0},
                    ConvCase{"valid_ignores_pads", axis(5, 3, 1, 1, 2, 2), AutoPad::kValid, 3, 0,
                             0},
                    ConvCase{"dilated", axis(10, 3, 1, 3), AutoPad::kNotSet, 4, 0, 0}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ConvAxis, RefusesInvalidValues) {
  auto too_small = resolve_conv_axis(axis(2, 3, 1, 2), AutoPad::kNotSet);
  ASSERT_FALSE(too_small.ok());
  EXPECT_NE(too_small.status().message().find("smaller than the dilated kernel extent 5"),
            std::string::npos);
  auto negative = resolve_conv_axis(axis(5, 3, 1, 1, -1, 0), AutoPad::kNotSet);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), StatusCode::kUnsupported);
  EXPECT_FALSE(resolve_conv_axis(axis(5, 3, 0), AutoPad::kNotSet).ok());
}

Node conv_node(const std::string& op_type, int64_t group) {
  Node node{.name = "n",
            .op_type = op_type,
            .domain = "",
            .opset = 17,
            .inputs = {},
            .outputs = {},
            .attributes = {}};
  node.attributes["group"] = group;
  return node;
}

// W (C=4, M/g=3) with group 2 gives 6 output channels; C = 32 with group 3 is refused.
TEST(ConvProblem, ConvTransposeGroupsCountOutputChannels) {
  Node node = conv_node("ConvTranspose", 2);
  auto attributes = parse_conv_attributes(node);
  ASSERT_TRUE(attributes.ok());
  auto p =
      resolve_conv_problem(node, *attributes, {1, 4, 5, 5}, {4, 3, 3, 3}, std::nullopt, P::kSpec);
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_EQ(p->out_channels, 6);
  EXPECT_EQ(p->output_shape(), (Shape{1, 6, 7, 7}));

  Node bad = conv_node("ConvTranspose", 3);
  auto bad_attributes = parse_conv_attributes(bad);
  ASSERT_TRUE(bad_attributes.ok());
  auto refused = resolve_conv_problem(bad, *bad_attributes, {1, 32, 5, 5}, {32, 3, 3, 3},
                                      std::nullopt, P::kSpec);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("C = 32 are not divisible by group = 3"),
            std::string::npos)
      << refused.status().message();
}

TEST(ConvProblem, ChecksShapesAndAttributes) {
  Node node = conv_node("Conv", 1);
  auto a = parse_conv_attributes(node);
  ASSERT_TRUE(a.ok());
  auto wrong_channels =
      resolve_conv_problem(node, *a, {1, 3, 8, 8}, {4, 2, 3, 3}, std::nullopt, P::kSpec);
  ASSERT_FALSE(wrong_channels.ok());
  EXPECT_EQ(wrong_channels.status().message(),
            "Conv 'n': weight W [4, 2, 3, 3] with group 1 expects W[1] * group input channels, "
            "but X [1, 3, 8, 8] has 3 (W[1] must be 3)");
  auto wrong_rank = resolve_conv_problem(node, *a, {1, 3, 8}, {4, 3, 3, 3}, std::nullopt, P::kSpec);
  EXPECT_FALSE(wrong_rank.ok());
  auto wrong_bias = resolve_conv_problem(node, *a, {1, 3, 8, 8}, {4, 3, 3, 3}, Shape{3}, P::kSpec);
  ASSERT_FALSE(wrong_bias.ok());
  EXPECT_NE(wrong_bias.status().message().find("bias B has shape [3]; expected [4]"),
            std::string::npos);

  node.attributes["strides"] = std::vector<int64_t>{2, 0};
  auto zero_stride = parse_conv_attributes(node);
  ASSERT_FALSE(zero_stride.ok());
  EXPECT_EQ(zero_stride.status().message(),
            "Conv 'n': attribute 'strides': [2, 0]: every value must be >= 1");
  node.attributes.erase("strides");
  node.attributes["output_padding"] = std::vector<int64_t>{1, 1};  // not a Conv attribute
  EXPECT_EQ(parse_conv_attributes(node).status().code(), StatusCode::kUnsupported);
  node.attributes.erase("output_padding");
  node.attributes["auto_pad"] = std::string("SAME");
  EXPECT_FALSE(parse_conv_attributes(node).ok());
}

TEST(ConvProblem, OutputShapeMayCarryBatchAndChannels) {
  Node node = conv_node("ConvTranspose", 1);
  node.attributes["strides"] = std::vector<int64_t>{2, 2};
  node.attributes["output_shape"] = std::vector<int64_t>{1, 2, 10, 8};
  auto a = parse_conv_attributes(node);
  ASSERT_TRUE(a.ok());
  auto p = resolve_conv_problem(node, *a, {1, 1, 3, 3}, {1, 2, 3, 3}, std::nullopt, P::kSpec);
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_EQ(p->output_shape(), (Shape{1, 2, 10, 8}));
}

// oneDNN's deconvolution takes padding_l >= 0 and padding_r > -stride; beyond that the kernel
// computes a window and fills a bias-only border.
TEST(OneDnnMapping, ClampsWhatThePrimitiveCannotExpress) {
  using onednn::map_axis;
  using onednn::PrimitiveAxis;
  const auto t = ConvKind::kConvTranspose;
  // Direct: padding_r down to -(stride - 1).
  AxisGeometry direct{.input = 3,
                      .output = 10,
                      .kernel = 3,
                      .stride = 3,
                      .dilation = 1,
                      .pads_begin = 0,
                      .pads_end = -1};
  EXPECT_EQ(map_axis(t, direct), (PrimitiveAxis{3, 0, -1, 0, 10, 0}));
  // padding_r <= -stride: compute the full result, the rest is bias.
  AxisGeometry far{.input = 3,
                   .output = 12,
                   .kernel = 3,
                   .stride = 2,
                   .dilation = 1,
                   .pads_begin = 0,
                   .pads_end = -5};
  EXPECT_EQ(map_axis(t, far), (PrimitiveAxis{2, 0, 0, 0, 7, 0}));
  // Negative padding_l: the window starts one cell into the output.
  AxisGeometry before{.input = 3,
                      .output = 8,
                      .kernel = 3,
                      .stride = 1,
                      .dilation = 2,
                      .pads_begin = -1,
                      .pads_end = 0};
  EXPECT_EQ(map_axis(t, before), (PrimitiveAxis{1, 0, 0, 1, 7, 1}));
  // Conv: a straight copy, dilation counted as gaps.
  AxisGeometry conv{.input = 8,
                    .output = 4,
                    .kernel = 3,
                    .stride = 2,
                    .dilation = 2,
                    .pads_begin = 1,
                    .pads_end = 2};
  EXPECT_EQ(map_axis(ConvKind::kConv, conv), (PrimitiveAxis{2, 1, 2, 1, 4, 0}));
}

// Strides and dilations that cannot matter become small equivalent ones; an axis no input
// reaches has an empty window.
TEST(OneDnnMapping, ReducesWhatCannotMatter) {
  using onednn::map_axis;
  using onednn::PrimitiveAxis;
  // Conv with one output cell: the stride becomes the padded input's last window start + 1.
  AxisGeometry one_cell{.input = 8,
                        .output = 1,
                        .kernel = 3,
                        .stride = int64_t{1} << 40,
                        .dilation = 1,
                        .pads_begin = 1,
                        .pads_end = 1};
  EXPECT_EQ(map_axis(ConvKind::kConv, one_cell), (PrimitiveAxis{8, 1, 1, 0, 1, 0}));
  // Kernel 1: the dilation is irrelevant.
  AxisGeometry pointwise{.input = 5,
                         .output = 5,
                         .kernel = 1,
                         .stride = 1,
                         .dilation = int64_t{1} << 61,
                         .pads_begin = 0,
                         .pads_end = 0};
  EXPECT_EQ(map_axis(ConvKind::kConv, pointwise), (PrimitiveAxis{1, 0, 0, 0, 5, 0}));
  // ConvTranspose with one input cell: the stride never applies.
  AxisGeometry single{.input = 1,
                      .output = 8,
                      .kernel = 3,
                      .stride = int64_t{1} << 40,
                      .dilation = 1,
                      .pads_begin = 0,
                      .pads_end = -5};
  EXPECT_EQ(map_axis(ConvKind::kConvTranspose, single), (PrimitiveAxis{1, 0, 0, 0, 3, 0}));
  // ConvTranspose whose crop removes every computed value: empty window.
  AxisGeometry cropped{.input = 1,
                       .output = 1,
                       .kernel = 1,
                       .stride = 1,
                       .dilation = 1,
                       .pads_begin = 1,
                       .pads_end = -1};
  EXPECT_EQ(map_axis(ConvKind::kConvTranspose, cropped).dst_size, 0);
}

}  // namespace
}  // namespace ort_lite::conv

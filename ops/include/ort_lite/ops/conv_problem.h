// Conv / ConvTranspose: attributes as the model states them, and the problem they describe once
// input shapes are known.
//
// Spec (ONNX Conv opset 1-22, ConvTranspose opset 1-22; the meaning did not change across
// opsets, only the allowed types):
//   inputs   X (N, C, d1..dn), W, B (M) optional
//   W        Conv (M, C/group, k1..kn); ConvTranspose (C, M/group, k1..kn)
//   attrs    auto_pad = NOTSET | SAME_UPPER | SAME_LOWER | VALID (default NOTSET)
//            kernel_shape (default: W's spatial dims), strides (1), dilations (1),
//            pads (0; [x1_begin, x2_begin.., x1_end, x2_end..]), group (1)
//            ConvTranspose only: output_padding (0), output_shape (optional; n values, or n+2
//            with the N and C dims first)
//   output   Y (N, M, o1..on), sizes from conv_geometry.h
// Deliberate divergences: none from the ONNX text; where the text is silent (negative total
// padding, output_padding >= stride) see README.md "Semantic policy".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/ops/conv_geometry.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite::conv {

enum class ConvKind { kConv, kConvTranspose };

struct ConvAttributes {
  ConvKind kind = ConvKind::kConv;
  AutoPad auto_pad = AutoPad::kNotSet;
  std::vector<int64_t> kernel_shape;  // empty: take W's spatial dims
  std::vector<int64_t> strides;       // empty: all 1
  std::vector<int64_t> dilations;     // empty: all 1
  std::vector<int64_t> pads;          // empty: all 0
  std::vector<int64_t> output_padding;
  std::vector<int64_t> output_shape;  // empty: not given
  int64_t group = 1;
};

// Reads and checks the attributes of a Conv or ConvTranspose node (types, known names, value
// ranges that do not depend on shapes). Errors name the node and the attribute.
Result<ConvAttributes> parse_conv_attributes(const Node& node);

// A fully resolved convolution: what every implementation computes.
struct ConvProblem {
  ConvKind kind = ConvKind::kConv;
  int64_t batch = 0;
  int64_t groups = 1;
  int64_t in_channels = 0;   // C
  int64_t out_channels = 0;  // M
  bool has_bias = false;
  std::vector<AxisGeometry> axes;  // one per spatial dim

  int64_t spatial_rank() const { return static_cast<int64_t>(axes.size()); }
  Shape input_shape() const;
  Shape output_shape() const;
  // The ONNX weight shape: Conv (M, C/g, k..), ConvTranspose (C, M/g, k..).
  Shape weight_shape() const;
  // benchdnn-style one-line name: "deconv_g1mb1ic16ih8oc8oh16kh4sh2dh1ph1_1".
  std::string to_string() const;
};

// Resolves the geometry for concrete shapes and checks every shape rule (ranks, channel counts,
// group divisibility, kernel_shape against W, bias length). Errors name the node.
Result<ConvProblem> resolve_conv_problem(const Node& node, const ConvAttributes& attributes,
                                         const Shape& x, const Shape& w,
                                         const std::optional<Shape>& bias,
                                         OutputShapePadding policy);

// The weights in the canonical form every implementation consumes, (g, M/g, C/g, k..) as a
// dense float32 tensor: a Conv weight is already in this order; a ConvTranspose weight
// (g, C/g, M/g, k..) has its two channel axes swapped.
Tensor canonical_weights(const ConvProblem& problem, const Tensor& onnx_weights);

}  // namespace ort_lite::conv

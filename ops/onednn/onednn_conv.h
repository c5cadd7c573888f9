// Conv and ConvTranspose on oneDNN primitives. This folder is the only part of ort-lite that
// includes oneDNN headers; the rest sees a Kernel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/conv_problem.h"

namespace ort_lite::onednn {

// How one spatial axis is handed to the primitive.
// - A stride or dilation that cannot matter is replaced by an equivalent small one: the stride
//   of a Conv axis with one output cell (only the first window is read) or of a ConvTranspose
//   axis with one input cell (only the first scatter is written); the dilation of a kernel of
//   size 1.
// - oneDNN's deconvolution takes padding_l >= 0 and padding_r > -stride. Outside that range the
//   primitive computes a window (dst_size cells) that lands at dst_offset in the op's output,
//   and the cells around it hold the bias only (they receive no contribution by definition).
//   dst_size == 0: no input reaches any output cell of this axis, so the whole output is bias.
struct PrimitiveAxis {
  int64_t stride = 1;
  int64_t padding_l = 0;
  int64_t padding_r = 0;
  int64_t dilates = 0;  // oneDNN counts the gaps: dilation - 1
  int64_t dst_size = 0;
  int64_t dst_offset = 0;

  bool operator==(const PrimitiveAxis&) const = default;
};
PrimitiveAxis map_axis(conv::ConvKind kind, const conv::AxisGeometry& axis);

// Why the primitive cannot take these axes (values beyond what its kernels index safely), or
// empty when it can. The caller then runs the reference kernel for the node.
std::string why_not_expressible(const std::vector<PrimitiveAxis>& axes,
                                const conv::ConvProblem& problem);

// The fast kernel: an algorithm of conv_algorithms.h (ConvTranspose: chosen per layer, or as
// requested where it applies), then the fusion's residual add and activation. Constant
// weights are packed once, here, into the layout the primitive chose; weights that arrive as
// run-time inputs are reordered on every run. X, Y and the residual are all in `layout`.
Result<std::unique_ptr<Kernel>> make_conv_kernel(const conv::ConvProblem& problem,
                                                 const Tensor* constant_weights,
                                                 DeconvAlgorithm deconv_algorithm, Layout layout,
                                                 const conv::ConvFusion& fusion);

}  // namespace ort_lite::onednn

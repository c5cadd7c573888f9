// A fused convolution's post-ops (ort_lite/ops/conv_fusion.h) on oneDNN: the activation as
// eltwise steps inside a primitive's attributes, or as a separate in-place pass after
// algorithms that cannot carry them (the residual added by a binary primitive; PRelu, which
// oneDNN 2.6's fast convolutions cannot carry, by our loop).
#pragma once

#include <memory>
#include <vector>

#include <dnnl.hpp>

#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/status.h"

namespace ort_lite::onednn {

struct EltwiseStep {
  dnnl::algorithm algorithm;
  float alpha = 0, beta = 0;
};

// The oneDNN eltwise steps that compute an ONNX activation (Selu and HardSigmoid take two).
std::vector<EltwiseStep> eltwise_steps(const conv::Activation& activation);

// Appends the fusion to a primitive's post-ops: sum (the residual, already in dst) first, then
// the activation (any but PRelu).
dnnl::post_ops make_post_ops(const conv::ConvFusion& fusion);

// y = activation(y + residual) in place, over a dense tensor of `shape` (N, M, spatial..) laid
// out channels-last or plain (the activation is elementwise; PRelu's slope is per channel).
class PostOpsPass {
 public:
  static Result<std::unique_ptr<PostOpsPass>> create(const conv::ConvFusion& fusion,
                                                     const Shape& shape, bool channels_last);
  void run(float* y, const float* residual, dnnl::stream& stream) const;

 private:
  void apply_prelu(float* y) const;

  dnnl::memory::desc md_;
  bool residual_ = false;
  dnnl::primitive binary_;                // y + residual, with the activation as post-ops
  std::vector<dnnl::primitive> eltwise_;  // the activation alone, step by step
  std::vector<float> prelu_slope_;        // PRelu: one value or one per channel
  int64_t elements_ = 0, channels_ = 1, spatial_ = 1;
  bool channels_last_ = true;
};

}  // namespace ort_lite::onednn

// A fused convolution's post-ops (ort_lite/ops/conv_fusion.h) on oneDNN: the activation as
// eltwise steps inside a primitive's attributes, or as a separate in-place pass after
// algorithms that cannot carry them (with the residual added by a binary primitive).
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
// the activation.
dnnl::post_ops make_post_ops(const conv::ConvFusion& fusion);

// y = activation(y + residual) in place, over `elements` dense floats.
class PostOpsPass {
 public:
  static Result<std::unique_ptr<PostOpsPass>> create(const conv::ConvFusion& fusion,
                                                     int64_t elements);
  void run(float* y, const float* residual, dnnl::stream& stream) const;

 private:
  dnnl::memory::desc md_;
  bool residual_ = false;
  dnnl::primitive binary_;                // y + residual, with the activation as post-ops
  std::vector<dnnl::primitive> eltwise_;  // the activation alone, step by step
};

}  // namespace ort_lite::onednn

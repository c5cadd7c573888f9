// The kernels that compute a fused activation (ort_lite/ops/conv_fusion.h) the way its unfused
// ONNX node(s) would, from ops/elementwise: for the reference backend and for fused nodes whose
// fast kernel cannot carry the activation.
#pragma once

#include <memory>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/conv_fusion.h"

namespace ort_lite::elementwise {

// y = activation(x) over tensors of `type` (as they lie, in `layout`): one input, one output.
// Any activation but PRelu (SiLU runs as Sigmoid, then Mul).
Result<std::unique_ptr<Kernel>> make_activation_kernel(const conv::Activation& activation,
                                                       const TensorType& type, Layout layout,
                                                       const SessionOptions& options);

// y = PRelu(x, slope): inputs x and then, at each run, the slope tensor (of slope.shape()).
Result<std::unique_ptr<Kernel>> make_prelu_kernel(const TensorType& type, const Tensor& slope,
                                                  Layout layout, const SessionOptions& options);

}  // namespace ort_lite::elementwise

// A unary float32 activation on oneDNN's eltwise primitive (parallel on the session's threads,
// vectorized by oneDNN's JIT): what ops/elementwise uses for float32 tensors of the ops whose
// oneDNN form gives the ONNX answer (post_ops.h's mapping).
#pragma once

#include <memory>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/conv_fusion.h"

namespace ort_lite::onednn {

// nullptr when oneDNN has no form of the activation.
std::unique_ptr<Kernel> make_eltwise_kernel(const conv::Activation& activation, int64_t elements);

}  // namespace ort_lite::onednn

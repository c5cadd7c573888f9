// Rewrites applied to an imported graph before planning.
#pragma once

#include "ort_lite/graph.h"

namespace ort_lite {

// ort-lite computes float16 models in float32: float16 initializers and tensor attributes
// become float32, Cast to float16 becomes Cast to float32, and float16 graph inputs/outputs
// are declared float32 inside (the Session converts at its boundary). Returns whether the
// graph used float16 at all.
bool compute_float16_in_float32(Graph& graph);

Tensor float16_to_float32(const Tensor& tensor);
Tensor float32_to_float16(const Tensor& tensor);

}  // namespace ort_lite

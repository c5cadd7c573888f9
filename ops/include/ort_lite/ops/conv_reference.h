// The reference Conv / ConvTranspose: plain loops written straight from the ONNX definitions,
// accumulating in double. Slow on purpose; it is the oracle the fast paths are tested against
// and what `--backend reference` runs.
#pragma once

#include "ort_lite/ops/conv_problem.h"

namespace ort_lite::conv {

// x: (N, C, in..) dense; weights: canonical (g, M/g, C/g, k..); bias: M values or nullptr;
// y: (N, M, out..) dense, fully overwritten.
void conv_reference(const ConvProblem& problem, const float* x, const float* weights,
                    const float* bias, float* y);

}  // namespace ort_lite::conv

// MatMul and Gemm on oneDNN's matmul primitive (parallel on the session's threads, blocked
// by oneDNN): what ops/nn/matmul.cc uses for float32 where the primitive gives the ONNX answer.
#pragma once

#include <memory>
#include <optional>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/conv_fusion.h"

namespace ort_lite::onednn {

struct MatMulSpec {
  // Row-major operands of one rank (>= 2), batch dims equal or 1 (numpy broadcasting).
  Shape a, b, out;
  bool transpose_a = false, transpose_b = false;  // read A / B transposed (2-D only)
  const Tensor* constant_b = nullptr;  // packed once into the primitive's layout when given
  std::optional<Shape> bias;           // added to every (m, n) cell, broadcast; same rank as out
  std::optional<conv::Activation> activation;  // applied last, as a post-op (not PRelu)
};

// The kernel reads A, B and (with a bias) C from its inputs 0, 1 and 2; nullptr when the
// primitive cannot take the problem.
std::unique_ptr<Kernel> make_matmul_kernel(const MatMulSpec& spec);

}  // namespace ort_lite::onednn

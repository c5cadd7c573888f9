// Float32 Add, Sub, Mul and Div on oneDNN's binary primitive (JIT-vectorized, parallel on the
// session's threads, per-channel broadcasts on channels-last data included). Each is one IEEE
// operation per element, so the results are bit-identical to ops/elementwise's loop, which
// still runs every case this does not take.
#pragma once

#include <memory>

#include "ort_lite/kernel.h"

namespace ort_lite::onednn {

enum class BinaryOp { kAdd, kSub, kMul, kDiv };

// C = A op B over the physical shapes `a`, `b` and `out` of an elementwise op whose operands
// arrive in `layout` (layout.h; a one-element operand may be plain and of any rank). One operand
// must have the output's shape and the other broadcast to it (for Sub and Div, that one must be
// B). nullptr when that does not hold, or when oneDNN would only offer its slow reference
// implementation.
std::unique_ptr<Kernel> make_binary_kernel(BinaryOp op, const Shape& a, const Shape& b,
                                           const Shape& out, Layout layout);

}  // namespace ort_lite::onednn

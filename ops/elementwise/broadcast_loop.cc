#include "elementwise/broadcast_loop.h"

#include <cassert>

#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

BroadcastLoop::BroadcastLoop(const Shape& out, std::span<const Shape> operands) {
  assert(operands.size() <= kMaxOperands);
  empty_ = element_count(out) == 0;
  // Nothing is walked; the other dims may be huge, and their strides would overflow.
  if (empty_) return;
  std::array<std::vector<int64_t>, kMaxOperands> full;
  for (size_t k = 0; k < kMaxOperands; ++k) {
    full[k] = k < operands.size() ? broadcast_strides(operands[k], out)
                                  : std::vector<int64_t>(out.size(), 0);
  }
  dims_.clear();
  for (auto& s : strides_) s.clear();
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;
    // The previous (outer) dim continues this one for every operand when its stride is this
    // one's times this extent: merge them.
    bool merge = !dims_.empty();
    for (size_t k = 0; merge && k < kMaxOperands; ++k) {
      merge = strides_[k].back() == full[k][d] * out[d];
    }
    if (merge) {
      dims_.back() *= out[d];
      for (size_t k = 0; k < kMaxOperands; ++k) strides_[k].back() = full[k][d];
    } else {
      dims_.push_back(out[d]);
      for (size_t k = 0; k < kMaxOperands; ++k) strides_[k].push_back(full[k][d]);
    }
  }
  if (dims_.empty()) {  // a scalar, or all dims 1: one row of one element
    dims_.push_back(1);
    for (auto& s : strides_) s.push_back(0);
  }
}

}  // namespace ort_lite::elementwise

// The one broadcasting walk behind every binary op and Where: an output tensor visited row by
// row, each operand followed through its numpy-broadcast strides.
//
// Built at prepare. Dims of size 1 are dropped and neighbouring dims that every operand walks
// the same way are merged, so same-shape operands become one contiguous row and a scalar
// operand one row of stride 0; a row's inner stride is then 1 or 0 for every operand, which
// the loops below specialise.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "ort_lite/tensor.h"

namespace ort_lite::elementwise {

class BroadcastLoop {
 public:
  static constexpr size_t kMaxOperands = 3;
  using Offsets = std::array<int64_t, kMaxOperands>;

  BroadcastLoop() = default;
  // Every operand shape must broadcast to `out` (checked by the caller).
  BroadcastLoop(const Shape& out, std::span<const Shape> operands);

  int64_t row_length() const { return dims_.back(); }
  // 1 when the operand moves along the row, 0 when it repeats one value.
  int64_t row_stride(size_t operand) const { return strides_[operand].back(); }

  // fn(out_offset, operand_offsets) for each row of row_length() output elements.
  template <typename Fn>
  void for_each_row(Fn&& fn) const {
    if (empty_) return;
    int64_t out_offset = 0;
    walk(0, Offsets{}, out_offset, fn);
  }

 private:
  template <typename Fn>
  void walk(size_t dim, Offsets offsets, int64_t& out_offset, Fn& fn) const {
    if (dim + 1 == dims_.size()) {
      fn(out_offset, offsets);
      out_offset += dims_.back();
      return;
    }
    for (int64_t i = 0; i < dims_[dim]; ++i) {
      walk(dim + 1, offsets, out_offset, fn);
      for (size_t k = 0; k < kMaxOperands; ++k) offsets[k] += strides_[k][dim];
    }
  }

  bool empty_ = true;             // the output has no element
  std::vector<int64_t> dims_{1};  // merged output dims; the last is the row
  std::array<std::vector<int64_t>, kMaxOperands> strides_{
      std::vector<int64_t>{0}, std::vector<int64_t>{0}, std::vector<int64_t>{0}};
};

// out[i] = op(a[i], b[i]) over the broadcast.
template <typename A, typename B, typename Out, typename Op>
void binary_loop(const BroadcastLoop& loop, const A* a, const B* b, Out* out, Op op) {
  const int64_t n = loop.row_length();
  const bool a_moves = loop.row_stride(0) == 1;
  const bool b_moves = loop.row_stride(1) == 1;
  loop.for_each_row([&](int64_t o, const BroadcastLoop::Offsets& offsets) {
    const A* pa = a + offsets[0];
    const B* pb = b + offsets[1];
    Out* po = out + o;
    if (a_moves && b_moves) {
      for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i]);
    } else if (a_moves) {
      const B vb = *pb;
      for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], vb);
    } else if (b_moves) {
      const A va = *pa;
      for (int64_t i = 0; i < n; ++i) po[i] = op(va, pb[i]);
    } else {
      std::fill_n(po, n, op(*pa, *pb));
    }
  });
}

}  // namespace ort_lite::elementwise

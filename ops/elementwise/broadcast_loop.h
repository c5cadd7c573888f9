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
  // Merged outer dims the serial walk steps through (more take the parallel path's way).
  static constexpr size_t kMaxOdometerDims = 8;
  using Offsets = std::array<int64_t, kMaxOperands>;

  BroadcastLoop() = default;
  // Every operand shape must broadcast to `out` (checked by the caller).
  BroadcastLoop(const Shape& out, std::span<const Shape> operands);

  int64_t row_length() const { return dims_.back(); }
  // 1 when the operand moves along the row, 0 when it repeats one value.
  int64_t row_stride(size_t operand) const { return strides_[operand].back(); }

  // fn(out_offset, operand_offsets, length) for every segment of a row: `length` output
  // elements from out_offset, each operand from its offset with its row_stride(). Large
  // outputs run their segments in parallel (the session's OpenMP threads); rows are cut into
  // segments so that one long row (same-shape operands) parallelizes too.
  template <typename Fn>
  void for_each_row(Fn&& fn) const {
    if (empty_) return;
    constexpr int64_t kSegment = 16384, kParallelElements = 65536;
    const int64_t n = dims_.back();
    int64_t rows = 1;
    for (size_t d = 0; d + 1 < dims_.size(); ++d) rows *= dims_[d];
    if (rows * n < kParallelElements && dims_.size() <= kMaxOdometerDims + 1) {
      // Small outputs (a PRelu of 2,304 values: 144 rows of 16) run on the calling thread,
      // the operand offsets stepped row to row like an odometer: no parallel region, and no
      // division per row, which cost more than the row itself.
      std::array<int64_t, kMaxOdometerDims> index{};
      Offsets offsets{};
      const size_t outer = dims_.size() - 1;
      for (int64_t row = 0; row < rows; ++row) {
        fn(row * n, offsets, n);
        for (size_t d = outer; d-- > 0;) {
          for (size_t k = 0; k < kMaxOperands; ++k) offsets[k] += strides_[k][d];
          if (++index[d] < dims_[d]) break;
          for (size_t k = 0; k < kMaxOperands; ++k) offsets[k] -= dims_[d] * strides_[k][d];
          index[d] = 0;
        }
      }
      return;
    }
    const int64_t segments_per_row = (n + kSegment - 1) / kSegment;
    const int64_t tasks = rows * segments_per_row;
#pragma omp parallel for schedule(static) if (rows * n >= kParallelElements)
    for (int64_t t = 0; t < tasks; ++t) {
      const int64_t row = t / segments_per_row, begin = (t % segments_per_row) * kSegment;
      Offsets offsets{};
      int64_t rest = row;
      for (size_t d = dims_.size() - 1; d-- > 0;) {
        const int64_t index = rest % dims_[d];
        rest /= dims_[d];
        for (size_t k = 0; k < kMaxOperands; ++k) offsets[k] += index * strides_[k][d];
      }
      for (size_t k = 0; k < kMaxOperands; ++k) offsets[k] += begin * strides_[k].back();
      fn(row * n + begin, offsets, std::min(kSegment, n - begin));
    }
  }

 private:
  bool empty_ = true;             // the output has no element
  std::vector<int64_t> dims_{1};  // merged output dims; the last is the row
  std::array<std::vector<int64_t>, kMaxOperands> strides_{
      std::vector<int64_t>{0}, std::vector<int64_t>{0}, std::vector<int64_t>{0}};
};

// out[i] = op(a[i], b[i]) over the broadcast.
template <typename A, typename B, typename Out, typename Op>
void binary_loop(const BroadcastLoop& loop, const A* a, const B* b, Out* out, Op op) {
  const bool a_moves = loop.row_stride(0) == 1;
  const bool b_moves = loop.row_stride(1) == 1;
  loop.for_each_row([&](int64_t o, const BroadcastLoop::Offsets& offsets, int64_t n) {
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

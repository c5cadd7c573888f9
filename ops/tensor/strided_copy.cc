#include "tensor/strided_copy.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <omp.h>

#include "ort_lite/ops/op_support.h"

namespace ort_lite::tensor_ops {

namespace {

// Blocks smaller than this are copied on the calling thread (the fork costs more).
constexpr int64_t kParallelBytes = int64_t{1} << 18;
// Outer dims tracked without an allocation (more are rare: a vector then).
constexpr size_t kMaxRank = 16;

// One row of `n` elements of N bytes. memcpy with a constant size compiles to one load and one
// store, and unlike a cast to an integer pointer it is valid for every element type.
template <size_t N>
void copy_row(const std::byte* src, std::byte* dst, int64_t n, int64_t src_stride,
              int64_t dst_stride) {
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * dst_stride, src + i * src_stride, N);
  }
}

}  // namespace

StridedCopy::StridedCopy(size_t element_size, const Shape& shape,
                         const std::vector<int64_t>& src_strides,
                         const std::vector<int64_t>& dst_strides)
    : element_size_(element_size), count_(ort_lite::element_count(shape)) {
  // An empty copy moves nothing; its other dims may be huge (their strides would overflow).
  if (count_ == 0) return;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    // An outer dim whose stride spans exactly this dim in both layouts is one longer dim.
    if (!shape_.empty() && src_strides_.back() == saturating_mul(src_strides[i], shape[i]) &&
        dst_strides_.back() == saturating_mul(dst_strides[i], shape[i])) {
      shape_.back() *= shape[i];
      src_strides_.back() = src_strides[i];
      dst_strides_.back() = dst_strides[i];
      continue;
    }
    shape_.push_back(shape[i]);
    src_strides_.push_back(src_strides[i]);
    dst_strides_.push_back(dst_strides[i]);
  }
  // Saturating: a block too large to exist is refused by the plan before it is ever run.
  const auto bytes = static_cast<int64_t>(element_size);
  for (int64_t& s : src_strides_) s = saturating_mul(s, bytes);
  for (int64_t& s : dst_strides_) s = saturating_mul(s, bytes);
}

void StridedCopy::run(const std::byte* src, std::byte* dst) const {
  if (count_ == 0) return;
  const size_t rank = shape_.size();
  if (rank == 0) {
    std::memcpy(dst, src, element_size_);
    return;
  }
  const int64_t n = shape_.back();
  const int64_t src_stride = src_strides_.back();
  const int64_t dst_stride = dst_strides_.back();
  const auto element = static_cast<int64_t>(element_size_);
  auto copy_inner = [&](const std::byte* s, std::byte* d) {
    if (src_stride == element && dst_stride == element) {
      copy_bytes(d, s, n * element);
      return;
    }
    switch (element_size_) {
      case 1:
        return copy_row<1>(s, d, n, src_stride, dst_stride);
      case 2:
        return copy_row<2>(s, d, n, src_stride, dst_stride);
      case 4:
        return copy_row<4>(s, d, n, src_stride, dst_stride);
      default:
        return copy_row<8>(s, d, n, src_stride, dst_stride);
    }
  };

  // Offsets, not pointers: with negative strides a pointer stepped past the block's corner
  // would leave the buffer, which is undefined even if never dereferenced. Rows run in
  // parallel chunks (the session's threads) once the block is large enough to pay for them.
  const int64_t rows = count_ / n;
  const int64_t bytes = count_ * element;
  const int chunks = bytes >= kParallelBytes ? std::max(1, omp_get_max_threads()) : 1;
#pragma omp parallel for schedule(static) num_threads(chunks) if (chunks > 1)
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const int64_t begin = rows * chunk / chunks, end = rows * (chunk + 1) / chunks;
    // Where row `begin` starts: its index unravelled over the outer dims.
    std::array<int64_t, kMaxRank> small{};
    std::vector<int64_t> large(rank > kMaxRank ? rank : 0);
    int64_t* index = rank > kMaxRank ? large.data() : small.data();
    int64_t src_offset = 0, dst_offset = 0;
    for (size_t axis = rank - 1, rest = static_cast<size_t>(begin); axis-- > 0;) {
      index[axis] = static_cast<int64_t>(rest) % shape_[axis];
      rest /= static_cast<size_t>(shape_[axis]);
      src_offset += index[axis] * src_strides_[axis];
      dst_offset += index[axis] * dst_strides_[axis];
    }
    for (int64_t row = begin; row < end; ++row) {
      copy_inner(src + src_offset, dst + dst_offset);
      for (size_t axis = rank - 1; axis-- > 0;) {
        src_offset += src_strides_[axis];
        dst_offset += dst_strides_[axis];
        if (++index[axis] < shape_[axis]) break;
        index[axis] = 0;
        src_offset -= src_strides_[axis] * shape_[axis];
        dst_offset -= dst_strides_[axis] * shape_[axis];
      }
    }
  }
}

}  // namespace ort_lite::tensor_ops

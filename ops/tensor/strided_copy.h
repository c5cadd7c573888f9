// StridedCopy: the one data-movement loop of ops/tensor/.
//
// Transpose, Slice, Expand, Tile, Concat, Split, DepthToSpace and SpaceToDepth are all "walk an
// N-d block, read each element at a strided source position, write it at a strided destination
// position". Each op only works out the block shape and the two stride vectors at prepare time;
// this does the walking. Strides are in elements and may be negative (Slice with negative steps)
// or zero (broadcast in Expand and Tile). Elements are copied as bytes, so every dtype works.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ort_lite/tensor.h"

namespace ort_lite::tensor_ops {

// memcpy for rows that may be short: up to 1 KiB in multiples of 16 bytes as inlined 16-byte
// moves (a call to memcpy per short row costs more than the copy).
inline void copy_bytes(std::byte* dst, const std::byte* src, int64_t bytes) {
  if (bytes <= 1024 && bytes % 16 == 0) {
    for (int64_t b = 0; b < bytes; b += 16) std::memcpy(dst + b, src + b, 16);
    return;
  }
  std::memcpy(dst, src, static_cast<size_t>(bytes));
}

class StridedCopy {
 public:
  StridedCopy() = default;
  // `shape`, `src_strides` and `dst_strides` have one entry per dim. Dims are simplified here
  // (size-1 dims dropped, adjacent dims merged where both layouts allow) so the inner loop runs
  // as long as possible.
  StridedCopy(size_t element_size, const Shape& shape, const std::vector<int64_t>& src_strides,
              const std::vector<int64_t>& dst_strides);

  // Copies the block; `src` and `dst` point at the block's first element.
  void run(const std::byte* src, std::byte* dst) const;

  int64_t element_count() const { return count_; }

 private:
  size_t element_size_ = 0;
  int64_t count_ = 0;
  Shape shape_;
  std::vector<int64_t> src_strides_;  // in bytes, after simplification
  std::vector<int64_t> dst_strides_;  // in bytes, after simplification
};

}  // namespace ort_lite::tensor_ops

// Activation layouts inside a plan. A tensor's logical shape is always the ONNX one, (N, C,
// spatial..) for image-like values; its bytes are either plain (row-major in that order) or
// channels-last ((N, spatial.., C) in memory), the layout oneDNN's fastest convolutions use.
// Between ops that can work channels-last, values stay so; the plan reorders only at graph
// edges and in front of ops that need plain tensors. Tensors in a plan carry their physical
// shape (the logical one permuted), so layout-blind elementwise kernels work on either.
#pragma once

#include <string_view>

#include "ort_lite/tensor.h"

namespace ort_lite {

enum class Layout : uint8_t {
  kPlain,
  kChannelsLast,  // rank >= 3 only
};
std::string_view layout_name(Layout layout);

// The shape the bytes have: channels-last moves dim 1 to the end.
Shape physical_shape(const Shape& logical, Layout layout);
Shape logical_shape(const Shape& physical, Layout layout);
// Where logical axis `axis` of a rank-`rank` tensor sits in its physical shape.
size_t physical_axis(size_t axis, size_t rank, Layout layout);
// The logical axis at physical position `position` (the inverse).
size_t logical_axis(size_t position, size_t rank, Layout layout);
// True when plain and channels-last bytes are the same (dim 1 is 1, or every dim after it is,
// or the tensor is empty):
// switching such a tensor's layout is a relabel, not a copy.
bool same_bytes_in_both_layouts(const Shape& logical);

}  // namespace ort_lite

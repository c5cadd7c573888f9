#include "ort_lite/layout.h"

#include <algorithm>

namespace ort_lite {

std::string_view layout_name(Layout layout) {
  return layout == Layout::kChannelsLast ? "channels-last" : "plain";
}

Shape physical_shape(const Shape& logical, Layout layout) {
  if (layout == Layout::kPlain || logical.size() < 3) return logical;
  Shape physical{logical[0]};
  physical.insert(physical.end(), logical.begin() + 2, logical.end());
  physical.push_back(logical[1]);
  return physical;
}

Shape logical_shape(const Shape& physical, Layout layout) {
  if (layout == Layout::kPlain || physical.size() < 3) return physical;
  Shape logical{physical[0], physical.back()};
  logical.insert(logical.end(), physical.begin() + 1, physical.end() - 1);
  return logical;
}

size_t physical_axis(size_t axis, size_t rank, Layout layout) {
  if (layout == Layout::kPlain || rank < 3) return axis;
  if (axis == 0) return 0;
  return axis == 1 ? rank - 1 : axis - 1;
}

size_t logical_axis(size_t position, size_t rank, Layout layout) {
  if (layout == Layout::kPlain || rank < 3) return position;
  if (position == 0) return 0;
  return position == rank - 1 ? 1 : position + 1;
}

bool same_bytes_in_both_layouts(const Shape& logical) {
  if (logical.size() < 3 || logical[1] == 1) return true;
  // An empty tensor has no bytes to move (fuzz finding: a reorder of [0, 2, 0, 0, 47, ..]
  // planned its strides from the huge other dims, and overflowed).
  if (std::find(logical.begin(), logical.end(), 0) != logical.end()) return true;
  for (size_t i = 2; i < logical.size(); ++i) {
    if (logical[i] != 1) return false;
  }
  return true;
}

}  // namespace ort_lite

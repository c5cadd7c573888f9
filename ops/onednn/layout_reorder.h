// The kernel that converts a tensor between plain and channels-last (ort_lite/layout.h): a
// oneDNN reorder for float32, a parallel transpose loop for other element types.
#pragma once

#include <memory>

#include "ort_lite/kernel.h"

namespace ort_lite::onednn {

std::unique_ptr<Kernel> make_layout_reorder(const TensorType& logical, Layout from, Layout to);

}  // namespace ort_lite::onednn

// The Resize/Upsample kernels, built from a fully resolved plan: per-axis taps precomputed at
// prepare time, so run() only gathers and weighs.
#pragma once

#include <vector>

#include "ort_lite/kernel.h"
#include "resize/resize_geometry.h"

namespace ort_lite::resize {

struct ResizePlan {
  DType dtype = DType::kFloat32;
  Shape in_shape;
  Shape out_shape;
  InterpolationMode mode = InterpolationMode::kNearest;
  std::vector<AxisTaps> axes;  // one per axis of X; unresized axes are identities
  float extrapolation_value = 0;
};

// The taps of an axis that is not resized.
AxisTaps identity_taps(int64_t size);

// Y aliases X when every axis is an identity; nearest is a gather for any element type; linear
// and cubic (float32) run one weighted pass per resized axis.
PreparedOp make_resize_op(ResizePlan plan);

}  // namespace ort_lite::resize

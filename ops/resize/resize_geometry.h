// Resize geometry: where each output index of one axis samples the input, and with which
// weights. Pure functions over one axis; Resize and Upsample (ops/resize/resize.cc) and their
// kernels (resize_kernel.cc) share them. The formulas follow the ONNX Resize text and its
// reference implementation (onnx/backend/test/case/node/resize.py, reference/ops/op_resize.py).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ort_lite::resize {

enum class InterpolationMode { kNearest, kLinear, kCubic };

// coordinate_transformation_mode: how an output index maps to an input coordinate.
enum class CoordinateMode {
  kHalfPixel,           // (x + 0.5) / scale - 0.5
  kHalfPixelSymmetric,  // half_pixel, re-centred when floor() shortened the output (opset 19)
  kPytorchHalfPixel,    // half_pixel, but 0 when the output length is 1
  kAlignCorners,        // x * (in - 1) / (length - 1)
  kAsymmetric,          // x / scale
  kTfHalfPixelForNn,    // (x + 0.5) / scale
  kTfCropAndResize,     // inside [roi_start, roi_end] of the input, extrapolation outside
};

// nearest_mode: how a non-integer coordinate becomes an index.
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

// One axis of a resize, as prepare resolved it from scales or sizes.
struct AxisResize {
  int64_t in = 1;
  int64_t out = 1;
  // The scale the coordinate formulas divide by: the given scale, or out / in from sizes.
  double scale = 1;
  // The output length the align_corners, half_pixel_symmetric and tf_crop_and_resize formulas
  // use: in * scale, which is not out when floor() cut a fraction (as the ONNX reference).
  double length = 1;
  double roi_start = 0;  // tf_crop_and_resize only, normalized to [0, 1] of the input
  double roi_end = 1;
};

// The input coordinate that output index x of this axis samples.
double original_coordinate(CoordinateMode mode, int64_t x, const AxisResize& axis);

// The index `nearest_mode` rounds coordinate c to, before clamping.
int64_t round_coordinate(NearestMode mode, double c);

struct InterpolationOptions {
  InterpolationMode mode = InterpolationMode::kNearest;
  CoordinateMode coordinate_mode = CoordinateMode::kHalfPixel;
  NearestMode nearest_mode = NearestMode::kRoundPreferFloor;
  float cubic_coeff_a = -0.75f;
  bool exclude_outside = false;
  bool antialias = false;  // linear/cubic only: widen the filter by 1 / scale when scale < 1
};

// Every output index of one axis as `taps` (input index, weight) pairs: output o reads
// index[o * taps + k] (clamped to [0, in)) with weight[o * taps + k]. `outside[o]` marks a
// tf_crop_and_resize position outside the input, which takes the extrapolation value.
struct AxisTaps {
  int64_t taps = 1;
  std::vector<int64_t> index;
  std::vector<float> weight;
  std::vector<uint8_t> outside;
  bool any_outside = false;
  bool identity = false;  // out == in and every output reads its own index with weight 1
};

// The taps of one axis for any mode (nearest gives one tap of weight 1).
AxisTaps axis_taps(const InterpolationOptions& options, const AxisResize& axis);

// The cubic convolution kernel of Keys with parameter a, at distance d.
double cubic_kernel(double d, double a);

}  // namespace ort_lite::resize

#include "resize/resize_geometry.h"

#include <algorithm>
#include <cmath>

namespace ort_lite::resize {

double original_coordinate(CoordinateMode mode, int64_t x, const AxisResize& axis) {
  const double xr = static_cast<double>(x);
  const double in = static_cast<double>(axis.in);
  switch (mode) {
    case CoordinateMode::kHalfPixel:
      return (xr + 0.5) / axis.scale - 0.5;
    case CoordinateMode::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(axis.out) / axis.length;
      const double offset = in / 2 * (1 - adjustment);
      return offset + (xr + 0.5) / axis.scale - 0.5;
    }
    case CoordinateMode::kPytorchHalfPixel:
      return axis.out > 1 ? (xr + 0.5) / axis.scale - 0.5 : 0.0;
    case CoordinateMode::kAlignCorners:
      return axis.length == 1 ? 0.0 : xr * (in - 1) / (axis.length - 1);
    case CoordinateMode::kAsymmetric:
      return xr / axis.scale;
    case CoordinateMode::kTfHalfPixelForNn:
      return (xr + 0.5) / axis.scale;
    case CoordinateMode::kTfCropAndResize: {
      const double extent = axis.roi_end - axis.roi_start;
      if (axis.length == 1) return 0.5 * (axis.roi_start + axis.roi_end) * (in - 1);
      return axis.roi_start * (in - 1) + xr * extent * (in - 1) / (axis.length - 1);
    }
  }
  return xr;
}

int64_t round_coordinate(NearestMode mode, double c) {
  const double lower = std::floor(c);
  const double fraction = c - lower;
  const auto floor_index = static_cast<int64_t>(lower);
  if (fraction == 0) return floor_index;
  switch (mode) {
    case NearestMode::kRoundPreferFloor:
      return fraction <= 0.5 ? floor_index : floor_index + 1;
    case NearestMode::kRoundPreferCeil:
      return fraction < 0.5 ? floor_index : floor_index + 1;
    case NearestMode::kFloor:
      return floor_index;
    case NearestMode::kCeil:
      return floor_index + 1;
  }
  return floor_index;
}

double cubic_kernel(double d, double a) {
  d = std::abs(d);
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

AxisTaps axis_taps(const InterpolationOptions& options, const AxisResize& axis) {
  // Linear and cubic taps sit at floor(c) + i for i in [first, first + taps), weighted by the
  // kernel at distance (i - fraction) * filter_scale. Antialiasing stretches the kernel by
  // 1 / scale when downscaling (filter_scale = scale < 1), which widens the footprint.
  const bool nearest = options.mode == InterpolationMode::kNearest;
  const bool cubic = options.mode == InterpolationMode::kCubic;
  const double filter_scale = options.antialias ? std::min(axis.scale, 1.0) : 1.0;
  const double support = cubic ? 2.0 : 1.0;
  const int64_t first = nearest ? 0 : static_cast<int64_t>(std::floor(-support / filter_scale)) + 1;
  const bool normalize = options.antialias || options.exclude_outside;

  AxisTaps t;
  t.taps = nearest ? 1 : 2 - 2 * first;
  const auto count = static_cast<size_t>(axis.out * t.taps);
  t.index.assign(count, 0);
  t.weight.assign(count, 0.0f);
  t.outside.assign(static_cast<size_t>(axis.out), 0);
  std::vector<double> weights(static_cast<size_t>(t.taps));
  const double last = static_cast<double>(axis.in - 1);
  // Coordinates far outside the input all read the edge; bounding them keeps the int64
  // conversion defined.
  const double bound = static_cast<double>(axis.in) + 4 * static_cast<double>(t.taps);

  for (int64_t o = 0; o < axis.out; ++o) {
    int64_t* index = &t.index[static_cast<size_t>(o * t.taps)];
    float* weight = &t.weight[static_cast<size_t>(o * t.taps)];
    double c = original_coordinate(options.coordinate_mode, o, axis);
    if (options.coordinate_mode == CoordinateMode::kTfCropAndResize && !(c >= 0 && c <= last)) {
      t.outside[static_cast<size_t>(o)] = 1;
      t.any_outside = true;
      continue;
    }
    c = std::clamp(c, -bound, bound);
    if (nearest) {
      index[0] = std::clamp<int64_t>(round_coordinate(options.nearest_mode, c), 0, axis.in - 1);
      weight[0] = 1.0f;
      continue;
    }
    const double lower = std::floor(c);
    const double fraction = c - lower;
    const auto base = static_cast<int64_t>(lower);
    double sum = 0;
    for (int64_t k = 0; k < t.taps; ++k) {
      const int64_t i = first + k;
      const double d = (static_cast<double>(i) - fraction) * filter_scale;
      double w = cubic ? cubic_kernel(d, options.cubic_coeff_a) : std::max(0.0, 1 - std::abs(d));
      if (options.exclude_outside && (base + i < 0 || base + i >= axis.in)) w = 0;
      weights[static_cast<size_t>(k)] = w;
      sum += w;
    }
    for (int64_t k = 0; k < t.taps; ++k) {
      double w = weights[static_cast<size_t>(k)];
      if (normalize && sum != 0) w /= sum;
      index[k] = std::clamp<int64_t>(base + first + k, 0, axis.in - 1);
      weight[k] = static_cast<float>(w);
    }
  }

  t.identity = axis.out == axis.in && !t.any_outside;
  for (int64_t o = 0; o < axis.out && t.identity; ++o) {
    float own = 0;
    for (int64_t k = 0; k < t.taps; ++k) {
      const size_t j = static_cast<size_t>(o * t.taps + k);
      if (t.weight[j] == 0) continue;
      if (t.index[j] != o) t.identity = false;
      own += t.weight[j];
    }
    if (own != 1.0f) t.identity = false;
  }
  return t;
}

}  // namespace ort_lite::resize

// Resize (opset 10-22) and Upsample (opset 7-9).
//
//   Y[o_0, .., o_r-1] = sum over taps of prod_a w_a(o_a, k_a) * X[i_0(o_0, k_0), ..]
//   separably per resized axis a: the output index o maps to the input coordinate
//   c = coordinate_transformation_mode(o), and c picks input indices and weights by `mode`:
//     nearest  one index, c rounded by nearest_mode, clamped to [0, in)
//     linear   floor(c) and floor(c) + 1, weights 1 - f and f (f = c - floor(c))
//     cubic    floor(c) - 1 .. floor(c) + 2, Keys' kernel with cubic_coeff_a
//   Taps beyond the input read the edge value. Linear over 2 / 3 axes is bilinear / trilinear.
//
// Inputs: X (any rank >= 1); roi, scales (float16/32/64), sizes (int64) must be constants,
// because they fix the output shape (roi only for tf_crop_and_resize). Exactly one of scales
// and sizes is non-empty. Output size per axis: sizes, or floor(in * scale).
//
// Attributes (default):
//   mode (nearest): nearest | linear | cubic (cubic from opset 11)
//   coordinate_transformation_mode (half_pixel), opset 11+: half_pixel | pytorch_half_pixel |
//     align_corners | asymmetric | tf_half_pixel_for_nn | tf_crop_and_resize, and
//     half_pixel_symmetric from opset 19
//   nearest_mode (round_prefer_floor), 11+: round_prefer_floor | round_prefer_ceil | floor | ceil
//   cubic_coeff_a (-0.75), exclude_outside (0: 0 or 1; taps outside the input get weight 0 and
//     the others are renormalized), extrapolation_value (0: tf_crop_and_resize outside the
//     input), 11+
//   antialias (0 | 1), axes (all; scales/sizes/roi then describe only these axes),
//   keep_aspect_ratio_policy (stretch | not_larger | not_smaller, with sizes), 18+
// Opset 10 Resize and Upsample have only `mode` (nearest | linear) and use asymmetric
// coordinates with floor rounding (the ONNX version converter's reading of opset 10). Upsample's
// scales are an attribute up to opset 8, an input from 9, and must be >= 1.
//
// Element types: nearest moves elements of any type; linear and cubic compute in float32 (other
// types are refused as unsupported).
//
// Deliberate choices where the ONNX text, its reference and ONNX Runtime differ:
// - The output size ignores roi (floor(in * scale)), as the ONNX reference, its shape inference
//   and ONNX Runtime do, although the opset 18 text multiplies by (roi_end - roi_start).
// - align_corners, half_pixel_symmetric and tf_crop_and_resize divide by the output length
//   in * scale, not by the floored size, when scales are given (the ONNX reference and its
//   test data: scale 0.6 on 4 samples at 3 / 1.4). With sizes both are the same.
// - pytorch_half_pixel maps a length-1 output to 0 (ONNX text, ONNX Runtime), where ONNX 1.12's
//   reference used -0.5 (the same for linear; differs for cubic).
// - Opset 10 nearest downsampling rounds down; ONNX Runtime rounds up when downsampling.
// - tf_half_pixel_for_nn is accepted at every opset from 11 (ONNX 13 dropped it from the list;
//   its meaning is unambiguous and TF exports use it).
// - antialias (opset 18) is implemented as the ONNX reference: for linear and cubic and
//   scale < 1, the kernel is stretched by 1 / scale and its weights normalized; nearest ignores
//   it.
#include "resize/resize_ops.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ort_lite/ops/op_support.h"
#include "resize/resize_geometry.h"
#include "resize/resize_kernel.h"

namespace ort_lite::resize {

namespace {

// Input positions of Resize from opset 11 (opset 10 and Upsample 9: X, scales).
constexpr size_t kX = 0, kRoi = 1, kScales = 2, kSizes = 3;

// Output dims beyond this are refused before any int64 arithmetic can overflow.
constexpr double kMaxDim = 4.0e18;

enum class AspectPolicy { kStretch, kNotLarger, kNotSmaller };

// What a Resize or Upsample node asks for, before it meets X's shape.
struct ResizeRequest {
  InterpolationOptions interpolation;
  float extrapolation_value = 0;
  std::vector<int64_t> axes;  // normalized; the axes scales/sizes/roi describe (empty: all)
  std::vector<float> scales;  // empty when sizes are given
  std::vector<int64_t> sizes;
  std::vector<float> roi;  // tf_crop_and_resize: starts then ends; empty: the whole input
  AspectPolicy policy = AspectPolicy::kStretch;
};

template <typename E>
struct Choice {
  std::string_view name;
  E value;
  int64_t since = 1;  // the first opset that defines this value
};

template <typename E, size_t N>
Result<E> parse_choice(const OpInputs& in, const std::string& attribute,
                       const std::string& default_name, const Choice<E> (&choices)[N]) {
  const AttributeReader attributes = in.attributes();
  ORTL_ASSIGN_OR_RETURN(std::string name, attributes.get_string(attribute, default_name));
  const int64_t opset = in.node().opset;
  std::vector<std::string_view> allowed;
  for (const Choice<E>& choice : choices) {
    if (choice.name == name) {
      if (opset >= choice.since) return choice.value;
      return attributes.error(StatusCode::kInvalidModel, attribute,
                              fmt::format("'{}' is defined from opset {}; this node has opset {}",
                                          name, choice.since, opset));
    }
    if (opset >= choice.since) allowed.push_back(choice.name);
  }
  return attributes.error(StatusCode::kInvalidModel, attribute,
                          fmt::format("'{}' is not one of: {}", name, fmt::join(allowed, ", ")));
}

Result<bool> parse_flag(const OpInputs& in, const std::string& attribute) {
  const AttributeReader attributes = in.attributes();
  ORTL_ASSIGN_OR_RETURN(int64_t value, attributes.get_int(attribute, 0));
  if (value != 0 && value != 1) {
    return attributes.error(StatusCode::kInvalidModel, attribute,
                            fmt::format("{} must be 0 or 1", value));
  }
  return value == 1;
}

constexpr Choice<InterpolationMode> kModes[] = {
    {"nearest", InterpolationMode::kNearest},
    {"linear", InterpolationMode::kLinear},
    {"cubic", InterpolationMode::kCubic, 11},
};
constexpr Choice<CoordinateMode> kCoordinateModes[] = {
    {"half_pixel", CoordinateMode::kHalfPixel},
    {"half_pixel_symmetric", CoordinateMode::kHalfPixelSymmetric, 19},
    {"pytorch_half_pixel", CoordinateMode::kPytorchHalfPixel},
    {"align_corners", CoordinateMode::kAlignCorners},
    {"asymmetric", CoordinateMode::kAsymmetric},
    {"tf_half_pixel_for_nn", CoordinateMode::kTfHalfPixelForNn},
    {"tf_crop_and_resize", CoordinateMode::kTfCropAndResize},
};
constexpr Choice<NearestMode> kNearestModes[] = {
    {"round_prefer_floor", NearestMode::kRoundPreferFloor},
    {"round_prefer_ceil", NearestMode::kRoundPreferCeil},
    {"floor", NearestMode::kFloor},
    {"ceil", NearestMode::kCeil},
};
constexpr Choice<AspectPolicy> kPolicies[] = {
    {"stretch", AspectPolicy::kStretch},
    {"not_larger", AspectPolicy::kNotLarger},
    {"not_smaller", AspectPolicy::kNotSmaller},
};

// Opset 10 Resize and Upsample: no coordinate attributes; asymmetric with floor.
InterpolationOptions legacy_options(InterpolationMode mode) {
  InterpolationOptions options;
  options.mode = mode;
  options.coordinate_mode = CoordinateMode::kAsymmetric;
  options.nearest_mode = NearestMode::kFloor;
  return options;
}

// How a per-axis list relates to X: "one per axis of X (rank 4)" or "one per entry of 'axes'".
std::string per_axis_rule(size_t expected, bool has_axes) {
  return has_axes ? fmt::format("one per entry of 'axes' ({})", expected)
                  : fmt::format("one per axis of X (rank {})", expected);
}

// Meets the request with X's shape: per-axis sizes, scales and taps.
Result<ResizePlan> resolve(const OpInputs& in, const TensorType& x, const ResizeRequest& r,
                           bool has_axes) {
  const Shape& shape = x.shape;
  const auto rank = static_cast<int64_t>(shape.size());
  if (rank == 0) {
    return in.error(StatusCode::kInvalidArgument, "X must have rank >= 1, got a scalar");
  }
  std::vector<int64_t> axes = r.axes;
  if (axes.empty()) {
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  const size_t count = axes.size();

  std::vector<AxisResize> geometry(static_cast<size_t>(rank));
  for (int64_t a = 0; a < rank; ++a) {
    AxisResize& g = geometry[static_cast<size_t>(a)];
    g.in = g.out = shape[static_cast<size_t>(a)];
    g.length = static_cast<double>(g.in);
  }
  auto too_large = [&](int64_t axis, double length) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("axis {} of X (shape {}) would resize to {:g} elements, which is "
                                "too large",
                                axis, shape_to_string(shape), length));
  };

  if (!r.scales.empty()) {
    if (r.scales.size() != count) {
      return in.error(
          StatusCode::kInvalidModel,
          fmt::format("scales = [{}] has {} values; it needs {}", fmt::join(r.scales, ", "),
                      r.scales.size(), per_axis_rule(count, has_axes)));
    }
    for (size_t j = 0; j < count; ++j) {
      const float s = r.scales[j];
      if (!(std::isfinite(s) && s > 0)) {
        return in.error(StatusCode::kInvalidModel,
                        fmt::format("scales = [{}]: every scale must be a finite number > 0",
                                    fmt::join(r.scales, ", ")));
      }
      AxisResize& g = geometry[static_cast<size_t>(axes[j])];
      g.scale = s;
      g.length = static_cast<double>(g.in) * s;
      if (g.length >= kMaxDim) return too_large(axes[j], g.length);
      g.out = static_cast<int64_t>(std::floor(g.length));
    }
  } else {
    if (r.sizes.size() != count) {
      return in.error(
          StatusCode::kInvalidModel,
          fmt::format("sizes = [{}] has {} values; it needs {}", fmt::join(r.sizes, ", "),
                      r.sizes.size(), per_axis_rule(count, has_axes)));
    }
    for (size_t j = 0; j < count; ++j) {
      if (r.sizes[j] < 0) {
        return in.error(
            StatusCode::kInvalidModel,
            fmt::format("sizes = [{}]: every size must be >= 0", fmt::join(r.sizes, ", ")));
      }
      if (shape[static_cast<size_t>(axes[j])] == 0 && r.sizes[j] > 0) {
        return in.error(StatusCode::kInvalidArgument,
                        fmt::format("axis {} of X (shape {}) is empty and cannot be resized to {}",
                                    axes[j], shape_to_string(shape), r.sizes[j]));
      }
    }
    if (r.policy == AspectPolicy::kStretch) {
      for (size_t j = 0; j < count; ++j) {
        AxisResize& g = geometry[static_cast<size_t>(axes[j])];
        g.out = r.sizes[j];
        g.length = static_cast<double>(g.out);
        if (g.in > 0 && g.out > 0) g.scale = g.length / static_cast<double>(g.in);
      }
    } else {
      // One scale for every listed axis, so that none exceeds (not_larger) or falls short of
      // (not_smaller) its requested size; sizes are then rounded half up.
      double scale = r.policy == AspectPolicy::kNotLarger ? INFINITY : 0;
      for (size_t j = 0; j < count; ++j) {
        const auto in_size = static_cast<double>(shape[static_cast<size_t>(axes[j])]);
        if (in_size == 0) continue;
        const double ratio = static_cast<double>(r.sizes[j]) / in_size;
        scale =
            r.policy == AspectPolicy::kNotLarger ? std::min(scale, ratio) : std::max(scale, ratio);
      }
      if (!std::isfinite(scale)) scale = 1;
      for (size_t j = 0; j < count; ++j) {
        AxisResize& g = geometry[static_cast<size_t>(axes[j])];
        g.length = static_cast<double>(g.in) * scale;
        if (g.length + 0.5 >= kMaxDim) return too_large(axes[j], g.length);
        g.out = static_cast<int64_t>(std::floor(g.length + 0.5));
        if (scale > 0) g.scale = scale;
      }
    }
  }

  if (r.interpolation.coordinate_mode == CoordinateMode::kTfCropAndResize && !r.roi.empty()) {
    if (r.roi.size() != 2 * count) {
      return in.error(StatusCode::kInvalidModel,
                      fmt::format("roi = [{}] has {} values; it needs {} (starts, then ends: {})",
                                  fmt::join(r.roi, ", "), r.roi.size(), 2 * count,
                                  per_axis_rule(count, has_axes)));
    }
    for (size_t j = 0; j < count; ++j) {
      if (!std::isfinite(r.roi[j]) || !std::isfinite(r.roi[count + j])) {
        return in.error(
            StatusCode::kInvalidModel,
            fmt::format("roi = [{}]: every value must be finite", fmt::join(r.roi, ", ")));
      }
      AxisResize& g = geometry[static_cast<size_t>(axes[j])];
      g.roi_start = r.roi[j];
      g.roi_end = r.roi[count + j];
    }
  }

  ResizePlan plan;
  plan.dtype = x.dtype;
  plan.in_shape = shape;
  plan.mode = r.interpolation.mode;
  plan.extrapolation_value = r.extrapolation_value;
  for (const AxisResize& g : geometry) plan.out_shape.push_back(g.out);
  // The output must fit before any taps are built: they cost memory per output index.
  if (Status fits = check_output_fits({x.dtype, plan.out_shape}, in.context().options);
      !fits.ok()) {
    return fits.with_context(in.node().label());
  }
  std::vector<bool> listed(static_cast<size_t>(rank), false);
  for (int64_t a : axes) listed[static_cast<size_t>(a)] = true;
  const bool empty_output = element_count(plan.out_shape) == 0;
  for (int64_t a = 0; a < rank; ++a) {
    const AxisResize& g = geometry[static_cast<size_t>(a)];
    // An empty output reads nothing: no taps, which a huge axis beside a 0 would make huge.
    if (empty_output) {
      plan.axes.emplace_back();
    } else {
      plan.axes.push_back(listed[static_cast<size_t>(a)] ? axis_taps(r.interpolation, g)
                                                         : identity_taps(g.in));
    }
  }
  return plan;
}

// Resolves the plan and builds the op; linear and cubic need float32.
Result<PreparedOp> finish(const OpInputs& in, const TensorType& x, const ResizeRequest& request,
                          bool has_axes) {
  if (request.interpolation.mode != InterpolationMode::kNearest && x.dtype != DType::kFloat32) {
    return in.error(
        StatusCode::kUnsupported,
        fmt::format("mode '{}' is implemented for float32 input only; X ('{}') is {}",
                    request.interpolation.mode == InterpolationMode::kLinear ? "linear" : "cubic",
                    in.node().inputs[kX], dtype_name(x.dtype)));
  }
  ORTL_ASSIGN_OR_RETURN(ResizePlan plan, resolve(in, x, request, has_axes));
  return make_resize_op(std::move(plan));
}

// Whether optional input i is given with at least one element (an empty tensor stands for
// "not given" in opset 11-12 Resize, where scales cannot be omitted).
bool given(const OpInputs& in, size_t i) {
  if (!in.present(i)) return false;
  const Shape& shape = in.context().inputs[i].type.shape;
  return element_count(shape) > 0;
}

constexpr std::initializer_list<DType> kScaleTypes = {DType::kFloat32, DType::kFloat64,
                                                      DType::kFloat16};

// Reads scales or sizes (opset 11+), exactly one of which must be given.
Status read_scales_or_sizes(const OpInputs& in, ResizeRequest& request) {
  ORTL_RETURN_IF_ERROR(in.optional(kScales, "scales", kScaleTypes).status());
  ORTL_RETURN_IF_ERROR(in.optional(kSizes, "sizes", kIndexTypes).status());
  const bool has_scales = given(in, kScales);
  const bool has_sizes = given(in, kSizes);
  if (has_scales == has_sizes) {
    return in.error(StatusCode::kInvalidModel,
                    has_scales ? "gives both 'scales' and 'sizes'; exactly one must be non-empty"
                               : "gives neither 'scales' nor 'sizes'; exactly one must be given");
  }
  if (has_scales) {
    ORTL_ASSIGN_OR_RETURN(request.scales, in.constant_floats(kScales, "scales"));
  } else {
    ORTL_ASSIGN_OR_RETURN(request.sizes, in.constant_ints(kSizes, "sizes"));
  }
  return Status::Ok();
}

// The `axes` attribute (opset 18): in range, each at most once.
Result<std::vector<int64_t>> read_axes(const OpInputs& in, int64_t rank) {
  const AttributeReader attributes = in.attributes();
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> axes, attributes.get_ints("axes"));
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t& axis : axes) {
    auto normalized = normalize_axis(axis, rank, "axis");
    if (!normalized.ok()) {
      return attributes.error(StatusCode::kInvalidModel, "axes", normalized.status().message());
    }
    axis = *normalized;
    if (seen[static_cast<size_t>(axis)]) {
      return attributes.error(StatusCode::kInvalidModel, "axes",
                              fmt::format("axis {} is listed twice", axis));
    }
    seen[static_cast<size_t>(axis)] = true;
  }
  return axes;
}

}  // namespace

Result<PreparedOp> prepare_resize(const PrepareContext& context) {
  OpInputs in(context);
  const int64_t opset = context.node.opset;
  const AttributeReader attributes = in.attributes();
  ResizeRequest request;
  if (opset < 11) {
    ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
    ORTL_RETURN_IF_ERROR(attributes.check_known({"mode"}));
    ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(kX, "X"));
    ORTL_RETURN_IF_ERROR(in.required(1, "scales", kScaleTypes).status());
    ORTL_ASSIGN_OR_RETURN(InterpolationMode mode, parse_choice(in, "mode", "nearest", kModes));
    request.interpolation = legacy_options(mode);
    ORTL_ASSIGN_OR_RETURN(request.scales, in.constant_floats(1, "scales"));
    if (request.scales.empty()) {
      return in.error(StatusCode::kInvalidModel, "scales is empty; it needs one value per axis");
    }
    return finish(in, x, request, false);
  }

  if (opset < 13) {
    ORTL_RETURN_IF_ERROR(in.expect_count(3, 4));
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 4));
  }
  if (opset < 18) {
    ORTL_RETURN_IF_ERROR(
        attributes.check_known({"coordinate_transformation_mode", "cubic_coeff_a",
                                "exclude_outside", "extrapolation_value", "mode", "nearest_mode"}));
  } else {
    ORTL_RETURN_IF_ERROR(attributes.check_known(
        {"antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
         "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode"}));
  }
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(kX, "X"));
  InterpolationOptions& options = request.interpolation;
  ORTL_ASSIGN_OR_RETURN(options.mode, parse_choice(in, "mode", "nearest", kModes));
  ORTL_ASSIGN_OR_RETURN(options.coordinate_mode, parse_choice(in, "coordinate_transformation_mode",
                                                              "half_pixel", kCoordinateModes));
  ORTL_ASSIGN_OR_RETURN(options.nearest_mode,
                        parse_choice(in, "nearest_mode", "round_prefer_floor", kNearestModes));
  ORTL_ASSIGN_OR_RETURN(options.cubic_coeff_a, attributes.get_float("cubic_coeff_a", -0.75f));
  ORTL_ASSIGN_OR_RETURN(options.exclude_outside, parse_flag(in, "exclude_outside"));
  ORTL_ASSIGN_OR_RETURN(request.extrapolation_value,
                        attributes.get_float("extrapolation_value", 0.0f));
  bool has_axes = false;
  if (opset >= 18) {
    ORTL_ASSIGN_OR_RETURN(options.antialias, parse_flag(in, "antialias"));
    ORTL_ASSIGN_OR_RETURN(request.policy,
                          parse_choice(in, "keep_aspect_ratio_policy", "stretch", kPolicies));
    has_axes = attributes.has("axes");
    ORTL_ASSIGN_OR_RETURN(request.axes, read_axes(in, static_cast<int64_t>(x.shape.size())));
  }
  ORTL_RETURN_IF_ERROR(read_scales_or_sizes(in, request));
  ORTL_RETURN_IF_ERROR(in.optional(kRoi, "roi", kScaleTypes).status());
  // roi matters only to tf_crop_and_resize; elsewhere it need not even be a constant.
  if (options.coordinate_mode == CoordinateMode::kTfCropAndResize && given(in, kRoi)) {
    ORTL_ASSIGN_OR_RETURN(request.roi, in.constant_floats(kRoi, "roi"));
  }
  return finish(in, x, request, has_axes);
}

Result<PreparedOp> prepare_upsample(const PrepareContext& context) {
  OpInputs in(context);
  const AttributeReader attributes = in.attributes();
  ResizeRequest request;
  if (context.node.opset < 9) {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    ORTL_RETURN_IF_ERROR(attributes.check_known({"mode", "scales"}));
    auto it = context.node.attributes.find("scales");
    if (it == context.node.attributes.end()) {
      return attributes.error(StatusCode::kInvalidModel, "scales", "is required");
    }
    if (const auto* list = std::get_if<std::vector<float>>(&it->second)) {
      request.scales = *list;
    } else if (const auto* one = std::get_if<float>(&it->second)) {
      request.scales = {*one};
    } else {
      return attributes.error(StatusCode::kInvalidModel, "scales", "must be a list of floats");
    }
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
    ORTL_RETURN_IF_ERROR(attributes.check_known({"mode"}));
    ORTL_RETURN_IF_ERROR(in.required(1, "scales", kScaleTypes).status());
    ORTL_ASSIGN_OR_RETURN(request.scales, in.constant_floats(1, "scales"));
  }
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(kX, "X"));
  ORTL_ASSIGN_OR_RETURN(InterpolationMode mode, parse_choice(in, "mode", "nearest", kModes));
  request.interpolation = legacy_options(mode);
  for (float s : request.scales) {
    if (!(s >= 1) || !std::isfinite(s)) {
      return in.error(StatusCode::kInvalidModel,
                      fmt::format("scales = [{}]: every Upsample scale must be >= 1",
                                  fmt::join(request.scales, ", ")));
    }
  }
  if (request.scales.empty()) {
    return in.error(StatusCode::kInvalidModel, "scales is empty; it needs one value per axis");
  }
  return finish(in, x, request, false);
}

}  // namespace ort_lite::resize

// Conv and ConvTranspose geometry: output sizes and pads, one spatial axis at a time.
//
// The single source of truth for sizes: the ONNX importer's shape checks, the reference
// kernels and the oneDNN mapping all call these pure functions. The formulas and the reasons
// for each choice are in README.md ("Semantic policy") and ../shared/CONV_SEMANTICS.md.
//
// Conv, per axis:
//   effective_kernel = (kernel - 1) * dilation + 1
//   output = floor((input + pads_begin + pads_end - effective_kernel) / stride) + 1
//   y[o] reads x[o * stride + k * dilation - pads_begin]  (zero outside the input)
//
// ConvTranspose, per axis:
//   full   = stride * (input - 1) + effective_kernel     (every computed value, nothing cropped)
//   output = full - pads_begin - pads_end                 (pads_end here already includes
//                                                           output_padding: pads_end - op)
//   x[i] contributes to y[i * stride + k * dilation - pads_begin]
//   A negative pads_begin / pads_end means the output extends past the full result at that
//   end; those cells receive no contribution and hold the bias only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ort_lite/status.h"

namespace ort_lite::conv {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };
std::optional<AutoPad> auto_pad_from_string(std::string_view text);
std::string_view auto_pad_name(AutoPad auto_pad);

// Where ConvTranspose puts the odd pixel of an output_shape's total padding.
enum class OutputShapePadding {
  kSpec,    // current ONNX text: at the end for SAME_UPPER, at the start otherwise
  kLegacy,  // at the end always (ONNX Runtime < 1.14, TensorRT, MNN)
};

// One spatial axis, resolved. Shared by Conv and ConvTranspose; see the file comment for what
// pads_begin / pads_end mean in each.
struct AxisGeometry {
  int64_t input = 0;
  int64_t output = 0;
  int64_t kernel = 0;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t pads_begin = 0;
  int64_t pads_end = 0;

  int64_t effective_kernel() const { return (kernel - 1) * dilation + 1; }
  // ConvTranspose only: the size of the uncropped result.
  int64_t full() const { return stride * (input - 1) + effective_kernel(); }

  bool operator==(const AxisGeometry&) const = default;
  std::string to_string() const;
};

// What the model says about one axis (attributes and sizes, before resolution).
struct AxisSpec {
  int64_t input = 0;
  int64_t kernel = 0;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t pads_begin = 0;  // explicit pads (auto_pad NOTSET)
  int64_t pads_end = 0;
  int64_t output_padding = 0;          // ConvTranspose only
  std::optional<int64_t> output_size;  // ConvTranspose only: output_shape's value for this axis
};

// Errors describe the rule broken, without naming the node (the caller adds that).
Result<AxisGeometry> resolve_conv_axis(const AxisSpec& spec, AutoPad auto_pad);
Result<AxisGeometry> resolve_conv_transpose_axis(const AxisSpec& spec, AutoPad auto_pad,
                                                 OutputShapePadding policy);

}  // namespace ort_lite::conv

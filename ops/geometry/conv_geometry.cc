#include "ort_lite/ops/conv_geometry.h"

#include <algorithm>

#include <fmt/format.h>

namespace ort_lite::conv {

std::optional<AutoPad> auto_pad_from_string(std::string_view text) {
  // ONNX also allows an empty string for the default.
  if (text == "NOTSET" || text.empty()) return AutoPad::kNotSet;
  if (text == "SAME_UPPER") return AutoPad::kSameUpper;
  if (text == "SAME_LOWER") return AutoPad::kSameLower;
  if (text == "VALID") return AutoPad::kValid;
  return std::nullopt;
}

std::string_view auto_pad_name(AutoPad auto_pad) {
  switch (auto_pad) {
    case AutoPad::kNotSet:
      return "NOTSET";
    case AutoPad::kSameUpper:
      return "SAME_UPPER";
    case AutoPad::kSameLower:
      return "SAME_LOWER";
    case AutoPad::kValid:
      return "VALID";
  }
  return "?";
}

std::string AxisGeometry::to_string() const {
  return fmt::format("in {} out {} k {} s {} d {} pads [{}, {}]", input, output, kernel, stride,
                     dilation, pads_begin, pads_end);
}

namespace {

// a + b, a - b and a * b, or nullopt when the exact result does not fit int64: attribute values
// come from untrusted models, and a wrapped size would reach allocators and kernels.
std::optional<int64_t> add(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? std::nullopt : std::optional<int64_t>(r);
}
std::optional<int64_t> sub(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_sub_overflow(a, b, &r) ? std::nullopt : std::optional<int64_t>(r);
}
std::optional<int64_t> mul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? std::nullopt : std::optional<int64_t>(r);
}

Status too_large(const std::string& what) {
  return invalid_model(fmt::format("{} does not fit in a 64-bit integer", what));
}

// (kernel - 1) * dilation + 1, checked.
Result<int64_t> checked_effective_kernel(const AxisSpec& spec) {
  const auto span = mul(spec.kernel - 1, spec.dilation);
  const auto extent = span ? add(*span, 1) : std::nullopt;
  if (!extent) {
    return too_large(fmt::format("the dilated kernel extent (kernel {} - 1) * dilation {} + 1",
                                 spec.kernel, spec.dilation));
  }
  return *extent;
}

Status check_common(const AxisSpec& spec) {
  if (spec.input < 1)
    return invalid_argument(fmt::format("input size {} must be >= 1", spec.input));
  if (spec.kernel < 1)
    return invalid_model(fmt::format("kernel size {} must be >= 1", spec.kernel));
  if (spec.stride < 1) return invalid_model(fmt::format("stride {} must be >= 1", spec.stride));
  if (spec.dilation < 1) {
    return invalid_model(fmt::format("dilation {} must be >= 1", spec.dilation));
  }
  return Status::Ok();
}

// Splits a total padding between the two ends. The odd pixel goes to the end when
// `extra_at_end`, else to the start.
std::pair<int64_t, int64_t> split_padding(int64_t total, bool extra_at_end) {
  const int64_t small = total / 2;
  return extra_at_end ? std::pair{small, total - small} : std::pair{total - small, small};
}

}  // namespace

Result<AxisGeometry> resolve_conv_axis(const AxisSpec& spec, AutoPad auto_pad) {
  ORTL_RETURN_IF_ERROR(check_common(spec));
  AxisGeometry g{
      .input = spec.input, .kernel = spec.kernel, .stride = spec.stride, .dilation = spec.dilation};
  ORTL_ASSIGN_OR_RETURN(const int64_t k_eff, checked_effective_kernel(spec));
  switch (auto_pad) {
    case AutoPad::kNotSet:
      if (spec.pads_begin < 0 || spec.pads_end < 0) {
        return unsupported(fmt::format("negative pads [{}, {}] are not supported for Conv",
                                       spec.pads_begin, spec.pads_end));
      }
      g.pads_begin = spec.pads_begin;
      g.pads_end = spec.pads_end;
      break;
    case AutoPad::kValid:
      break;
    case AutoPad::kSameUpper:
    case AutoPad::kSameLower: {
      // Output ceil(input / stride); the padding needed for that, never negative. Every term is
      // at most input + k_eff, which cannot overflow once k_eff is known to fit.
      const int64_t output = (spec.input - 1) / spec.stride + 1;
      const int64_t total = std::max<int64_t>((output - 1) * spec.stride - spec.input + k_eff, 0);
      std::tie(g.pads_begin, g.pads_end) = split_padding(total, auto_pad == AutoPad::kSameUpper);
      break;
    }
  }
  const auto padded_begin = add(g.input, g.pads_begin);
  const auto padded = padded_begin ? add(*padded_begin, g.pads_end) : std::nullopt;
  if (!padded) {
    return too_large(
        fmt::format("input size {} plus pads [{}, {}]", g.input, g.pads_begin, g.pads_end));
  }
  if (*padded < k_eff) {
    return invalid_argument(
        fmt::format("input size {} plus pads [{}, {}] is smaller than the dilated kernel extent {} "
                    "(kernel {}, dilation {})",
                    g.input, g.pads_begin, g.pads_end, k_eff, g.kernel, g.dilation));
  }
  g.output = (*padded - k_eff) / g.stride + 1;
  return g;
}

Result<AxisGeometry> resolve_conv_transpose_axis(const AxisSpec& spec, AutoPad auto_pad,
                                                 OutputShapePadding policy) {
  ORTL_RETURN_IF_ERROR(check_common(spec));
  // PyTorch's rule, which also admits output_padding >= stride when the dilation is larger.
  const int64_t padding_limit = std::max(spec.stride, spec.dilation);
  if (spec.output_padding < 0 || spec.output_padding >= padding_limit) {
    return invalid_model(
        fmt::format("output_padding {} must be >= 0 and smaller than max(stride {}, dilation {})",
                    spec.output_padding, spec.stride, spec.dilation));
  }
  AxisGeometry g{
      .input = spec.input, .kernel = spec.kernel, .stride = spec.stride, .dilation = spec.dilation};
  ORTL_ASSIGN_OR_RETURN(const int64_t k_eff, checked_effective_kernel(spec));
  const auto stretched = mul(spec.stride, spec.input - 1);
  const auto full_or = stretched ? add(*stretched, k_eff) : std::nullopt;
  if (!full_or) {
    return too_large(
        fmt::format("the full result stride {} * (input {} - 1) + dilated kernel extent {}",
                    spec.stride, spec.input, k_eff));
  }
  const int64_t full = *full_or;

  // The output size and the total amount cropped from `full + output_padding` come from one of
  // three places; the pads then split that total.
  std::optional<int64_t> target = spec.output_size;
  bool extra_at_end = auto_pad == AutoPad::kSameUpper;
  if (target) {
    if (*target < 1) {
      return invalid_model(fmt::format("output_shape value {} must be >= 1", *target));
    }
    if (policy == OutputShapePadding::kLegacy) extra_at_end = true;
  } else if (auto_pad == AutoPad::kSameUpper || auto_pad == AutoPad::kSameLower) {
    target = mul(spec.input, spec.stride);
    if (!target) {
      return too_large(
          fmt::format("the 'same' output size input {} * stride {}", spec.input, spec.stride));
    }
  }

  if (target) {
    const auto padded_full = add(full, spec.output_padding);
    if (!padded_full) {
      return too_large(
          fmt::format("full result {} + output_padding {}", full, spec.output_padding));
    }
    const int64_t total = *padded_full - *target;
    if (total >= 0) {
      int64_t begin, end;
      std::tie(begin, end) = split_padding(total, extra_at_end);
      g.pads_begin = begin;
      g.pads_end = end - spec.output_padding;
    } else {
      // The output is larger than every computed value (kernel smaller than the stride, or an
      // output_shape beyond the full result): keep the result aligned at the start, as
      // output_padding and TensorFlow's 'same' do; the cells past it hold the bias only.
      g.pads_begin = 0;
      g.pads_end = full - *target;
    }
    g.output = *target;
    return g;
  }

  if (auto_pad == AutoPad::kNotSet) {
    // Negative explicit pads (some tf2onnx exports) extend the output with bias-only cells.
    g.pads_begin = spec.pads_begin;
    const auto end = sub(spec.pads_end, spec.output_padding);
    if (!end) {
      return too_large(
          fmt::format("pads end {} - output_padding {}", spec.pads_end, spec.output_padding));
    }
    g.pads_end = *end;
  } else {  // VALID
    g.pads_end = -spec.output_padding;
  }
  const auto cropped_begin = sub(full, g.pads_begin);
  const auto output = cropped_begin ? sub(*cropped_begin, g.pads_end) : std::nullopt;
  if (!output) {
    return too_large(fmt::format("the output size full result {} - pads [{}, {}]", full,
                                 g.pads_begin, g.pads_end));
  }
  g.output = *output;
  if (g.output < 1) {
    return invalid_argument(
        fmt::format("output size would be {} (full result {} + output_padding {} - pads [{}, {}])",
                    g.output, full, spec.output_padding, spec.pads_begin, spec.pads_end));
  }
  return g;
}

}  // namespace ort_lite::conv

#include "ort_lite/ops/framework_padding.h"

#include <algorithm>

#include <fmt/format.h>

namespace ort_lite::weights {
namespace {

bool is_transpose(LayerKind kind) { return kind == LayerKind::kConvTranspose; }

Status check_axis(const AxisShape& axis) {
  if (axis.input < 1 || axis.kernel < 1 || axis.stride < 1 || axis.dilation < 1) {
    return invalid_argument(
        fmt::format("input {}, kernel {}, stride {}, dilation {}: each must be >= 1", axis.input,
                    axis.kernel, axis.stride, axis.dilation));
  }
  return Status::Ok();
}

conv::AxisGeometry base_geometry(const AxisShape& axis) {
  conv::AxisGeometry g;
  g.input = axis.input;
  g.kernel = axis.kernel;
  g.stride = axis.stride;
  g.dilation = axis.dilation;
  return g;
}

KerasAxis keras_axis(KerasPadding padding, std::optional<int64_t> output_padding = std::nullopt,
                     int64_t crop_begin = 0, int64_t crop_end = 0) {
  KerasAxis setting;
  setting.padding = padding;
  setting.output_padding = output_padding;
  setting.crop_begin = crop_begin;
  setting.crop_end = crop_end;
  return setting;
}

// Fills in the output size from the pads, as ONNX defines it.
Result<conv::AxisGeometry> with_output(LayerKind kind, conv::AxisGeometry g) {
  if (is_transpose(kind)) {
    g.output = g.full() - g.pads_begin - g.pads_end;
  } else {
    const int64_t padded = g.input + g.pads_begin + g.pads_end;
    g.output = padded < g.effective_kernel() ? 0 : (padded - g.effective_kernel()) / g.stride + 1;
  }
  if (g.output < 1) {
    return invalid_argument(fmt::format("{}: the output would be empty", g.to_string()));
  }
  return g;
}

// TF's 'SAME' total padding for a forward convolution of `input` cells (odd cell at the end).
std::pair<int64_t, int64_t> tf_same_pads(int64_t input, int64_t effective_kernel, int64_t stride) {
  const int64_t output = (input + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((output - 1) * stride + effective_kernel - input, 0);
  return {total / 2, total - total / 2};
}

// Keras's deconv_output_length (keras/utils/conv_utils.py), dilated kernel included.
int64_t keras_transpose_output(const AxisShape& axis, KerasPadding padding,
                               std::optional<int64_t> output_padding) {
  const int64_t k = (axis.kernel - 1) * axis.dilation + 1;
  if (!output_padding) {
    return padding == KerasPadding::kSame
               ? axis.input * axis.stride
               : axis.input * axis.stride + std::max<int64_t>(k - axis.stride, 0);
  }
  const int64_t pad = padding == KerasPadding::kSame ? k / 2 : 0;
  return (axis.input - 1) * axis.stride + k - 2 * pad + *output_padding;
}

Status check_keras_strides(const AxisShape& axis) {
  if (axis.stride > 1 && axis.dilation > 1) {
    return unsupported(
        fmt::format("stride {} with dilation {}: Keras does not allow strides > 1 together with "
                    "dilation_rate > 1",
                    axis.stride, axis.dilation));
  }
  return Status::Ok();
}

}  // namespace

std::string TorchAxis::to_string(LayerKind kind) const {
  std::string text = is_transpose(kind)
                         ? fmt::format("padding={}, output_padding={}", padding, output_padding)
                         : fmt::format("padding={}", padding);
  if (pad_begin != 0 || pad_end != 0) {
    text += fmt::format("; first F.pad the input by ({}, {})", pad_begin, pad_end);
  }
  if (crop_begin != 0 || crop_end != 0) {
    text += fmt::format("; then crop {} cell(s) at the start and {} at the end of the output",
                        crop_begin, crop_end);
  }
  return text;
}

std::string KerasAxis::to_string(LayerKind kind) const {
  std::string text = fmt::format("padding='{}'", padding == KerasPadding::kSame ? "same" : "valid");
  if (is_transpose(kind)) {
    text += output_padding ? fmt::format(", output_padding={}", *output_padding)
                           : ", output_padding=None";
  }
  if (pad_begin != 0 || pad_end != 0) {
    text += pad_begin >= 0 && pad_end >= 0
                ? fmt::format("; first ZeroPadding ({}, {})", pad_begin, pad_end)
                : fmt::format("; first pad (negative: Cropping) the input by ({}, {})", pad_begin,
                              pad_end);
  }
  if (crop_begin != 0 || crop_end != 0) {
    text += fmt::format("; then Cropping ({}, {})", crop_begin, crop_end);
  }
  return text;
}

Result<conv::AxisGeometry> torch_geometry(LayerKind kind, const AxisShape& axis,
                                          const TorchAxis& setting) {
  ORTL_RETURN_IF_ERROR(check_axis(axis));
  if (setting.padding < 0) return invalid_argument("PyTorch padding must be >= 0");
  conv::AxisGeometry g = base_geometry(axis);
  if (is_transpose(kind)) {
    const int64_t limit = std::max(axis.stride, axis.dilation);
    if (setting.output_padding < 0 || setting.output_padding >= limit) {
      return invalid_argument(
          fmt::format("PyTorch needs 0 <= output_padding < max(stride, dilation) = {}; got {}",
                      limit, setting.output_padding));
    }
    if (setting.crop_begin < 0 || setting.crop_end < 0 || setting.pad_begin != 0 ||
        setting.pad_end != 0) {
      return invalid_argument("a ConvTranspose takes only crops >= 0 after it");
    }
    g.pads_begin = setting.padding + setting.crop_begin;
    g.pads_end = setting.padding - setting.output_padding + setting.crop_end;
  } else {
    if (setting.output_padding != 0 || setting.crop_begin != 0 || setting.crop_end != 0) {
      return invalid_argument("a Conv takes no output_padding and no crops");
    }
    g.pads_begin = setting.padding + setting.pad_begin;
    g.pads_end = setting.padding + setting.pad_end;
  }
  return with_output(kind, g);
}

Result<conv::AxisGeometry> keras_geometry(LayerKind kind, const AxisShape& axis,
                                          const KerasAxis& setting) {
  ORTL_RETURN_IF_ERROR(check_axis(axis));
  ORTL_RETURN_IF_ERROR(check_keras_strides(axis));
  conv::AxisGeometry g = base_geometry(axis);
  const int64_t k = g.effective_kernel();
  if (!is_transpose(kind)) {
    if (setting.output_padding || setting.crop_begin != 0 || setting.crop_end != 0) {
      return invalid_argument("a Conv takes no output_padding and no crops");
    }
    // ZeroPadding / Cropping comes first, so 'same' sees the padded size.
    const int64_t padded = axis.input + setting.pad_begin + setting.pad_end;
    if (padded < 1) return invalid_argument("the input is cropped away entirely");
    const auto [begin, end] = setting.padding == KerasPadding::kSame
                                  ? tf_same_pads(padded, k, axis.stride)
                                  : std::pair<int64_t, int64_t>{0, 0};
    g.pads_begin = setting.pad_begin + begin;
    g.pads_end = setting.pad_end + end;
    return with_output(kind, g);
  }
  if (setting.pad_begin != 0 || setting.pad_end != 0 || setting.crop_begin < 0 ||
      setting.crop_end < 0) {
    return invalid_argument("a ConvTranspose takes only crops >= 0 after it");
  }
  if (setting.output_padding &&
      (*setting.output_padding < 0 || *setting.output_padding >= axis.stride)) {
    return invalid_argument(fmt::format("Keras needs 0 <= output_padding < stride = {}; got {}",
                                        axis.stride, *setting.output_padding));
  }
  const int64_t output = keras_transpose_output(axis, setting.padding, setting.output_padding);
  // TF computes the transposed conv as the gradient of a forward conv from `output` cells back to
  // `input`, and refuses sizes that forward conv would not map back.
  const int64_t forward = setting.padding == KerasPadding::kSame
                              ? (output + axis.stride - 1) / axis.stride
                              : (output - k + axis.stride) / axis.stride;
  if (output < 1 || forward != axis.input) {
    return invalid_argument(fmt::format(
        "output size {} does not map back to input {} under TF's '{}' rule: TF refuses it", output,
        axis.input, setting.padding == KerasPadding::kSame ? "same" : "valid"));
  }
  const int64_t total = g.full() - output;
  const int64_t begin =
      setting.padding == KerasPadding::kSame ? std::max<int64_t>(total, 0) / 2 : 0;
  g.pads_begin = begin + setting.crop_begin;
  g.pads_end = total - begin + setting.crop_end;
  return with_output(kind, g);
}

Result<TorchAxis> torch_setting(LayerKind kind, const conv::AxisGeometry& onnx) {
  const int64_t b = onnx.pads_begin, e = onnx.pads_end;
  TorchAxis setting;
  if (!is_transpose(kind)) {
    setting.padding = std::max<int64_t>(std::min(b, e), 0);
    setting.pad_begin = b - setting.padding;
    setting.pad_end = e - setting.padding;
    return setting;
  }
  if (b < 0) {
    return unsupported(fmt::format(
        "{}: {} bias-only cell(s) before the first output cell; PyTorch's padding cannot add "
        "cells at the start",
        onnx.to_string(), -b));
  }
  if (e >= b) {
    setting.padding = b;
    setting.crop_end = e - b;
    return setting;
  }
  const int64_t output_padding_max = std::max(onnx.stride, onnx.dilation) - 1;
  setting.output_padding = std::min(b - e, output_padding_max);
  setting.padding = e + setting.output_padding;
  if (setting.padding < 0) {
    return unsupported(fmt::format(
        "{}: {} bias-only cell(s) after the full result; PyTorch's output_padding adds at most {}",
        onnx.to_string(), -e, output_padding_max));
  }
  setting.crop_begin = b - setting.padding;
  return setting;
}

Result<KerasAxis> keras_setting(LayerKind kind, const conv::AxisGeometry& onnx) {
  const AxisShape axis{onnx.input, onnx.kernel, onnx.stride, onnx.dilation};  // all four
  ORTL_RETURN_IF_ERROR(check_keras_strides(axis));
  const int64_t b = onnx.pads_begin, e = onnx.pads_end;
  auto matches = [&](const KerasAxis& candidate) {
    Result<conv::AxisGeometry> g = keras_geometry(kind, axis, candidate);
    return g.ok() && g->pads_begin == b && g->pads_end == e;
  };
  if (!is_transpose(kind)) {
    for (KerasPadding padding : {KerasPadding::kValid, KerasPadding::kSame}) {
      if (matches(keras_axis(padding))) return keras_axis(padding);
    }
    KerasAxis setting = keras_axis(KerasPadding::kValid);
    setting.pad_begin = b;
    setting.pad_end = e;
    return setting;
  }
  if (b < 0) {
    return unsupported(fmt::format(
        "{}: {} bias-only cell(s) before the first output cell; Keras has no padding that adds "
        "cells at the start",
        onnx.to_string(), -b));
  }
  // The layer alone, if some padding / output_padding gives this geometry.
  for (KerasPadding padding : {KerasPadding::kSame, KerasPadding::kValid}) {
    if (matches(keras_axis(padding))) return keras_axis(padding);
    for (int64_t op = 0; op < onnx.stride; ++op) {
      if (matches(keras_axis(padding, op))) return keras_axis(padding, op);
    }
  }
  // Otherwise 'valid' (nothing cropped, extra cells only at the end) and a Cropping after it.
  if (e >= 0) {
    return keras_axis(KerasPadding::kValid, 0, b, e);
  }
  if (-e < onnx.stride) {
    return keras_axis(KerasPadding::kValid, -e, b);
  }
  return unsupported(fmt::format(
      "{}: {} bias-only cell(s) after the full result; Keras's output_padding adds at most {}",
      onnx.to_string(), -e, onnx.stride - 1));
}

AdjointAxis adjoint_axis(const conv::AxisGeometry& conv) {
  // The ConvTranspose of the Conv's output gives full - pads cells; the Conv read
  // input + pads cells, of which the last (input + pads - k_eff) % stride fell in no window.
  AdjointAxis a;
  a.pads_begin = conv.pads_begin;
  a.pads_end = conv.pads_end;
  a.output_padding =
      (conv.input + conv.pads_begin + conv.pads_end - conv.effective_kernel()) % conv.stride;
  return a;
}

}  // namespace ort_lite::weights

// Padding of Conv and ConvTranspose in PyTorch and Keras terms, one spatial axis at a time, and
// exactly which ONNX geometry each gives (conv_geometry.h: for ConvTranspose, pads_begin and
// pads_end are the cells cropped from the full result, output_padding already subtracted from
// pads_end; negative means bias-only cells added).
//
// PyTorch   Conv:          pads [p, p].
//           ConvTranspose: crops p at the start and p - output_padding at the end;
//                          output_padding < max(stride, dilation).
// Keras/TF  Conv 'valid':  no pads. 'same': out = ceil(in / stride), the total padding
//                          max((out - 1) * stride + k_eff - in, 0) split with the odd cell at the
//                          end (ONNX SAME_UPPER).
//           Conv*DTranspose: the output size is Keras's deconv_output_length; TF then crops
//                          full - out cells, 'same' with the odd one at the end (so 'same' with
//                          output_padding 1 crops one cell fewer at the start than Keras's own
//                          formula suggests) and 'valid' all at the end.
// Where a framework's layer alone cannot give the ONNX geometry, the settings below add an
// explicit step that makes it exact: zeros padded onto the input before a Conv (negative: cells
// cropped; PyTorch F.pad, Keras ZeroPadding*D / Cropping*D) or cells cropped from a
// ConvTranspose's output (slicing, Keras Cropping*D).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ort_lite/ops/conv_geometry.h"
#include "ort_lite/ops/weight_conventions.h"
#include "ort_lite/status.h"

namespace ort_lite::weights {

// The sizes one axis of a layer works with.
struct AxisShape {
  int64_t input = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
};

struct TorchAxis {
  int64_t padding = 0;
  int64_t output_padding = 0;            // ConvTranspose only
  int64_t pad_begin = 0, pad_end = 0;    // Conv: F.pad on the input first (negative: crop)
  int64_t crop_begin = 0, crop_end = 0;  // ConvTranspose: cells sliced off the output after
  bool exact_alone() const {
    return pad_begin == 0 && pad_end == 0 && crop_begin == 0 && crop_end == 0;
  }
  std::string to_string(LayerKind kind) const;
};

enum class KerasPadding { kValid, kSame };

struct KerasAxis {
  KerasPadding padding = KerasPadding::kValid;
  std::optional<int64_t> output_padding;  // Conv*DTranspose only; nullopt is Keras's None
  int64_t pad_begin = 0, pad_end = 0;     // Conv: ZeroPadding*D first (negative: Cropping*D)
  int64_t crop_begin = 0, crop_end = 0;   // ConvTranspose: Cropping*D after
  bool exact_alone() const {
    return pad_begin == 0 && pad_end == 0 && crop_begin == 0 && crop_end == 0;
  }
  std::string to_string(LayerKind kind) const;
};

// What a PyTorch or Keras layer (with its extra steps) computes on this axis, in ONNX terms.
// Errors name the framework rule broken (e.g. output_padding >= stride).
Result<conv::AxisGeometry> torch_geometry(LayerKind kind, const AxisShape& axis,
                                          const TorchAxis& setting);
Result<conv::AxisGeometry> keras_geometry(LayerKind kind, const AxisShape& axis,
                                          const KerasAxis& setting);

// The setting that reproduces a resolved ONNX axis exactly, with the fewest extra cells, or why
// none can (bias-only cells before the first output cell have no PyTorch or Keras form).
// torch_geometry / keras_geometry of the result give back `onnx`.
Result<TorchAxis> torch_setting(LayerKind kind, const conv::AxisGeometry& onnx);
Result<KerasAxis> keras_setting(LayerKind kind, const conv::AxisGeometry& onnx);

// The ConvTranspose attributes on one axis that make it the adjoint of a resolved Conv axis:
// same stride, dilation and pads, and the output_padding that brings the output back to the
// Conv's input size (the cells the Conv's last window skipped).
struct AdjointAxis {
  int64_t pads_begin = 0, pads_end = 0;
  int64_t output_padding = 0;
};
AdjointAxis adjoint_axis(const conv::AxisGeometry& conv);

}  // namespace ort_lite::weights

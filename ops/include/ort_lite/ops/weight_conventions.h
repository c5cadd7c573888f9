// How each framework lays out a convolution weight, and exact conversion between them.
//
// Every layout is a permutation (with some axes merged) of one canonical form, the one the
// runtime itself consumes (conv_problem.h): (g, M/g, C/g, k1..kn), where C is the number of
// channels the layer reads, M the number it writes, g the groups and k the kernel's spatial
// sizes. The layouts, in memory order (row-major):
//
//                     Conv               ConvTranspose       Depthwise (g = C, M = C * mult)
//   ONNX, PyTorch     (M, C/g, k..)      (C, M/g, k..)       (M, 1, k..)  channel c*mult + j
//   Keras / TF        (k.., C/g, M)      (k.., M, C)         (k.., C, mult)
//   TFLite (2-D)      (M, kh, kw, C/g)   (M, kh, kw, C)      (1, kh, kw, M)
//   canonical         (g, M/g, C/g, k..) (g, M/g, C/g, k..)  (C, mult, 1, k..)
//
// For ConvTranspose, C is still what the layer reads and M what it writes, so PyTorch's
// ConvTranspose2d(in_channels=C, out_channels=M) has weight (C, M/g, kh, kw) and Keras's
// Conv2DTranspose(filters=M) has kernel (kh, kw, M, C). Keras's Conv*DTranspose and TFLite's
// TRANSPOSE_CONV have no groups, and TFLite's three ops are 2-D only: those cells are refused
// with the reason. No convention flips or swaps the kernel's spatial axes; they keep their
// order in every one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite::weights {

enum class Convention { kOnnx, kKeras, kTfLite, kCanonical };  // kOnnx is also PyTorch's
enum class LayerKind { kConv, kConvTranspose, kDepthwise };

// "onnx" (or "pytorch", "torch"), "keras" (or "tf"), "tflite", "canonical".
std::optional<Convention> convention_from_name(std::string_view name);
std::string_view convention_name(Convention convention);
// "conv", "convtranspose" (or "deconv"), "depthwise".
std::optional<LayerKind> layer_kind_from_name(std::string_view name);
std::string_view layer_kind_name(LayerKind kind);

// The layer a weight belongs to, independent of any convention.
struct Layer {
  LayerKind kind = LayerKind::kConv;
  int64_t in_channels = 0;      // C: what the layer reads
  int64_t out_channels = 0;     // M: what it writes
  int64_t groups = 1;           // a depthwise layer has groups == in_channels
  std::vector<int64_t> kernel;  // spatial sizes (1-D, 2-D, 3-D, or more for ONNX)

  int64_t spatial_rank() const { return static_cast<int64_t>(kernel.size()); }
  bool operator==(const Layer&) const = default;
  // "ConvTranspose C=16 M=8 groups=1 kernel=[4, 4]"
  std::string to_string() const;
};

// An error unless the layer is well formed (positive sizes, groups divide both channel counts,
// depthwise has groups == C) and `convention` can express it.
Status check_layer(const Layer& layer, Convention convention);

// The weight's shape in a convention, and its axes named: {"M", "C/g", "kH", "kW"}.
Result<Shape> weight_shape(const Layer& layer, Convention convention);
Result<std::vector<std::string>> axis_names(const Layer& layer, Convention convention);

// The layer a weight of `shape` in `convention` describes. `groups` is needed where the shape
// cannot tell it: grouped Conv/ConvTranspose, and a depthwise weight in the ONNX or TFLite
// layouts (which hold only M; give groups = C). Keras depthwise shapes carry C themselves.
Result<Layer> layer_from_shape(LayerKind kind, Convention convention, const Shape& shape,
                               std::optional<int64_t> groups);

// The float32 weight rearranged from one convention to another (a copy; values unchanged).
Result<Tensor> convert(const Tensor& weight, const Layer& layer, Convention from, Convention to);

// The ConvTranspose that is the adjoint of a Conv: it reads M channels and writes C, with the
// very same weight values in the same ONNX/PyTorch (or Keras) layout. <conv(x), y> equals
// <x, adjoint(y)> when the adjoint's pads and output_padding match (framework_padding.h).
Result<Layer> adjoint_layer(const Layer& conv);

// Changing how many channels a layer reads or writes (groups == 1, Conv or ConvTranspose).
enum class ChannelSide { kInput, kOutput };
enum class ChannelResize {
  kTruncate,   // keep the first n channels
  kZeroPad,    // add channels with zero weights (and zero bias)
  kReplicate,  // n = factor * the current count: repeat the channels in order
};

struct ResizedWeights {
  Layer layer;
  Tensor weight;               // in the same convention as the input
  std::optional<Tensor> bias;  // resized with the outputs; unchanged for inputs
  std::string effect;          // what the change does to the layer's function, in one sentence
};

// Truncating or zero-padding outputs keeps every kept output exact (zero-padded ones hold 0 plus
// their zero bias); replicating outputs copies them. On the input side, zero-padding keeps the
// function whatever the new inputs carry; truncating drops the removed inputs' contributions;
// replicating divides the weights by the factor, which keeps the output exactly when the new
// inputs are that many copies of the old ones (not otherwise, and not without the division).
Result<ResizedWeights> resize_channels(const Tensor& weight, const std::optional<Tensor>& bias,
                                       const Layer& layer, Convention convention, ChannelSide side,
                                       ChannelResize how, int64_t count);

}  // namespace ort_lite::weights

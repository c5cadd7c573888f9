#include "ort_lite/ops/weight_conventions.h"

#include <array>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ort_lite::weights {
namespace {

// Canonical coordinates: group, output channel within the group, input channel within the
// group, then the kernel's spatial axes.
enum Coordinate : int { kG = 0, kM = 1, kC = 2, kK0 = 3 };

// One axis of a layout in memory: the canonical coordinates it merges, outermost first (an
// empty list is a unit axis, as TFLite's depthwise leading 1).
using PhysicalAxis = std::vector<int>;

std::vector<int64_t> canonical_sizes(const Layer& layer) {
  std::vector<int64_t> sizes{layer.groups, layer.out_channels / layer.groups,
                             layer.in_channels / layer.groups};
  sizes.insert(sizes.end(), layer.kernel.begin(), layer.kernel.end());
  return sizes;
}

std::vector<PhysicalAxis> kernel_axes(const Layer& layer) {
  std::vector<PhysicalAxis> axes;
  for (int i = 0; i < layer.spatial_rank(); ++i) axes.push_back({kK0 + i});
  return axes;
}

// The layout table of weight_conventions.h, one row per (convention, kind). Assumes a layer
// that check_layer accepted.
std::vector<PhysicalAxis> layout(const Layer& layer, Convention convention) {
  const std::vector<PhysicalAxis> k = kernel_axes(layer);
  std::vector<PhysicalAxis> axes;
  auto append = [&](std::initializer_list<PhysicalAxis> list) {
    axes.insert(axes.end(), list.begin(), list.end());
  };
  auto append_kernel = [&] { axes.insert(axes.end(), k.begin(), k.end()); };
  switch (convention) {
    case Convention::kCanonical:
      append({{kG}, {kM}, {kC}});
      append_kernel();
      break;
    case Convention::kOnnx:
      if (layer.kind == LayerKind::kConvTranspose) {
        append({{kG, kC}, {kM}});
      } else {
        append({{kG, kM}, {kC}});  // depthwise: (C * mult, 1)
      }
      append_kernel();
      break;
    case Convention::kKeras:
      append_kernel();
      if (layer.kind == LayerKind::kConv) append({{kC}, {kG, kM}});
      if (layer.kind == LayerKind::kConvTranspose) append({{kG, kM}, {kC}});  // groups == 1
      if (layer.kind == LayerKind::kDepthwise) append({{kG, kC}, {kM}});      // (C, mult)
      break;
    case Convention::kTfLite:
      if (layer.kind == LayerKind::kDepthwise) {
        append({{}});
        append_kernel();
        append({{kG, kM}});
      } else {
        append({{kG, kM}});
        append_kernel();
        append({{kC}});  // TRANSPOSE_CONV has groups == 1: C/g is C
      }
      break;
  }
  return axes;
}

std::string coordinate_name(int coordinate, const Layer& layer) {
  const bool depthwise = layer.kind == LayerKind::kDepthwise;
  switch (coordinate) {
    case kG:
      return depthwise ? "C" : "g";
    case kM:
      return depthwise ? "mult" : (layer.groups == 1 ? "M" : "M/g");
    case kC:
      return depthwise ? "1" : (layer.groups == 1 ? "C" : "C/g");
    default: {
      const int axis = coordinate - kK0;
      static constexpr std::array<const char*, 3> kNames{"kD", "kH", "kW"};
      const int64_t rank = layer.spatial_rank();
      if (rank > 3) return fmt::format("k{}", axis + 1);
      return kNames[static_cast<size_t>(3 - rank + axis)];
    }
  }
}

std::string physical_axis_name(const PhysicalAxis& axis, const Layer& layer) {
  if (axis.empty()) return "1";
  if (axis.size() == 1) return coordinate_name(axis[0], layer);
  // A merged (group, channel) axis: the full channel count.
  const bool depthwise = layer.kind == LayerKind::kDepthwise;
  if (axis[1] == kM) return depthwise ? "C*mult" : "M";
  return "C";
}

}  // namespace

std::optional<Convention> convention_from_name(std::string_view name) {
  if (name == "onnx" || name == "pytorch" || name == "torch") return Convention::kOnnx;
  if (name == "keras" || name == "tf" || name == "tensorflow") return Convention::kKeras;
  if (name == "tflite") return Convention::kTfLite;
  if (name == "canonical") return Convention::kCanonical;
  return std::nullopt;
}

std::string_view convention_name(Convention convention) {
  switch (convention) {
    case Convention::kOnnx:
      return "onnx";
    case Convention::kKeras:
      return "keras";
    case Convention::kTfLite:
      return "tflite";
    case Convention::kCanonical:
      return "canonical";
  }
  return "?";
}

std::optional<LayerKind> layer_kind_from_name(std::string_view name) {
  if (name == "conv") return LayerKind::kConv;
  if (name == "convtranspose" || name == "deconv") return LayerKind::kConvTranspose;
  if (name == "depthwise") return LayerKind::kDepthwise;
  return std::nullopt;
}

std::string_view layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kConvTranspose:
      return "convtranspose";
    case LayerKind::kDepthwise:
      return "depthwise";
  }
  return "?";
}

std::string Layer::to_string() const {
  return fmt::format("{} C={} M={} groups={} kernel=[{}]", layer_kind_name(kind), in_channels,
                     out_channels, groups, fmt::join(kernel, ", "));
}

Status check_layer(const Layer& layer, Convention convention) {
  const std::string what = layer.to_string();
  if (layer.kernel.empty()) {
    return invalid_argument(fmt::format("{}: the kernel needs at least one spatial size", what));
  }
  for (int64_t size : layer.kernel) {
    if (size < 1) return invalid_argument(fmt::format("{}: kernel sizes must be >= 1", what));
  }
  if (layer.in_channels < 1 || layer.out_channels < 1 || layer.groups < 1) {
    return invalid_argument(fmt::format("{}: channel counts and groups must be >= 1", what));
  }
  if (layer.in_channels % layer.groups != 0 || layer.out_channels % layer.groups != 0) {
    return invalid_argument(fmt::format("{}: groups must divide C and M", what));
  }
  if (layer.kind == LayerKind::kDepthwise && layer.groups != layer.in_channels) {
    return invalid_argument(fmt::format("{}: a depthwise layer has groups == C", what));
  }
  if (layer.kind == LayerKind::kConvTranspose && layer.groups != 1 &&
      (convention == Convention::kKeras || convention == Convention::kTfLite)) {
    return unsupported(fmt::format(
        "{}: {} has no grouped transposed convolution (Keras Conv*DTranspose and TFLite "
        "TRANSPOSE_CONV take no groups); split it into {} layers of {} -> {} channels",
        what, convention_name(convention), layer.groups, layer.in_channels / layer.groups,
        layer.out_channels / layer.groups));
  }
  if (convention == Convention::kTfLite && layer.spatial_rank() != 2) {
    return unsupported(fmt::format(
        "{}: TFLite's CONV_2D, TRANSPOSE_CONV and DEPTHWISE_CONV_2D are 2-D only (a 1-D layer "
        "is written as 2-D with a kernel height of 1)",
        what));
  }
  return Status::Ok();
}

Result<Shape> weight_shape(const Layer& layer, Convention convention) {
  ORTL_RETURN_IF_ERROR(check_layer(layer, convention));
  const std::vector<int64_t> sizes = canonical_sizes(layer);
  Shape shape;
  for (const PhysicalAxis& axis : layout(layer, convention)) {
    int64_t size = 1;
    for (int coordinate : axis) size *= sizes[coordinate];
    shape.push_back(size);
  }
  return shape;
}

Result<std::vector<std::string>> axis_names(const Layer& layer, Convention convention) {
  ORTL_RETURN_IF_ERROR(check_layer(layer, convention));
  std::vector<std::string> names;
  for (const PhysicalAxis& axis : layout(layer, convention)) {
    names.push_back(physical_axis_name(axis, layer));
  }
  return names;
}

Result<Layer> layer_from_shape(LayerKind kind, Convention convention, const Shape& shape,
                               std::optional<int64_t> groups) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  const int64_t spatial = rank - (convention == Convention::kCanonical ? 3 : 2);
  if (spatial < 1) {
    return invalid_argument(fmt::format(
        "a {} {} weight of shape {} has {} spatial axes; expected at least 1",
        convention_name(convention), layer_kind_name(kind), shape_to_string(shape), spatial));
  }
  for (int64_t d : shape) {
    if (d < 1) {
      return invalid_argument(
          fmt::format("weight shape {}: every dim must be >= 1", shape_to_string(shape)));
    }
  }
  Layer layer;
  layer.kind = kind;
  const int64_t g = groups.value_or(1);
  if (g < 1) return invalid_argument(fmt::format("groups = {}: must be >= 1", g));
  auto needs_groups = [&]() -> Status {
    if (groups) return Status::Ok();
    return invalid_argument(fmt::format(
        "a depthwise weight in the {} layout {} does not hold the input channel count: give the "
        "groups (== C)",
        convention_name(convention), shape_to_string(shape)));
  };
  switch (convention) {
    case Convention::kCanonical:
      layer.groups = shape[0];
      layer.out_channels = shape[0] * shape[1];
      layer.in_channels = shape[0] * shape[2];
      layer.kernel.assign(shape.begin() + 3, shape.end());
      if (groups && *groups != layer.groups) {
        return invalid_argument(fmt::format("canonical weight {} has {} groups, not {}",
                                            shape_to_string(shape), layer.groups, *groups));
      }
      break;
    case Convention::kOnnx:
      layer.kernel.assign(shape.begin() + 2, shape.end());
      if (kind == LayerKind::kConvTranspose) {
        layer.in_channels = shape[0];
        layer.out_channels = shape[1] * g;
        layer.groups = g;
      } else if (kind == LayerKind::kConv) {
        layer.out_channels = shape[0];
        layer.in_channels = shape[1] * g;
        layer.groups = g;
      } else {
        ORTL_RETURN_IF_ERROR(needs_groups());
        if (shape[1] != 1) {
          return invalid_argument(
              fmt::format("an ONNX depthwise weight is (C*mult, 1, k..); {} has {} at axis 1",
                          shape_to_string(shape), shape[1]));
        }
        layer.out_channels = shape[0];
        layer.in_channels = g;
        layer.groups = g;
      }
      break;
    case Convention::kKeras:
      layer.kernel.assign(shape.begin(), shape.end() - 2);
      if (kind == LayerKind::kConv) {
        layer.in_channels = shape[rank - 2] * g;
        layer.out_channels = shape[rank - 1];
        layer.groups = g;
      } else if (kind == LayerKind::kConvTranspose) {
        layer.out_channels = shape[rank - 2];
        layer.in_channels = shape[rank - 1];
        layer.groups = g;
      } else {
        layer.in_channels = shape[rank - 2];
        layer.out_channels = shape[rank - 2] * shape[rank - 1];
        layer.groups = layer.in_channels;
        if (groups && *groups != layer.groups) {
          return invalid_argument(fmt::format(
              "a Keras depthwise kernel {} reads {} channels, so its groups are {}, not {}",
              shape_to_string(shape), layer.in_channels, layer.groups, *groups));
        }
      }
      break;
    case Convention::kTfLite:
      if (kind == LayerKind::kDepthwise) {
        ORTL_RETURN_IF_ERROR(needs_groups());
        if (shape[0] != 1) {
          return invalid_argument(
              fmt::format("a TFLite depthwise filter is (1, kh, kw, C*mult); {} has {} at axis 0",
                          shape_to_string(shape), shape[0]));
        }
        layer.in_channels = g;
        layer.groups = g;
      } else {
        layer.in_channels = shape[rank - 1] * g;
        layer.groups = g;
      }
      layer.out_channels = kind == LayerKind::kDepthwise ? shape[rank - 1] : shape[0];
      layer.kernel.assign(shape.begin() + 1, shape.end() - 1);
      break;
  }
  ORTL_RETURN_IF_ERROR(check_layer(layer, convention));
  ORTL_ASSIGN_OR_RETURN(Shape expected, weight_shape(layer, convention));
  if (expected != shape) {
    return invalid_argument(fmt::format("weight shape {} is not a {} {} weight (for {}: {})",
                                        shape_to_string(shape), convention_name(convention),
                                        layer_kind_name(kind), layer.to_string(),
                                        shape_to_string(expected)));
  }
  return layer;
}

Result<Tensor> convert(const Tensor& weight, const Layer& layer, Convention from, Convention to) {
  ORTL_RETURN_IF_ERROR(check_layer(layer, from));
  ORTL_RETURN_IF_ERROR(check_layer(layer, to));
  if (weight.dtype() != DType::kFloat32) {
    return invalid_argument(
        fmt::format("weights must be float32, not {}", dtype_name(weight.dtype())));
  }
  ORTL_ASSIGN_OR_RETURN(Shape from_shape, weight_shape(layer, from));
  if (weight.shape() != from_shape) {
    return invalid_argument(fmt::format(
        "a {} weight for {} has shape {}, not {}", convention_name(from), layer.to_string(),
        shape_to_string(from_shape), shape_to_string(weight.shape())));
  }
  ORTL_ASSIGN_OR_RETURN(Shape to_shape, weight_shape(layer, to));
  ORTL_ASSIGN_OR_RETURN(Tensor out, Tensor::create(DType::kFloat32, to_shape));

  // Each canonical coordinate's stride in the source and destination layouts.
  const std::vector<int64_t> sizes = canonical_sizes(layer);
  auto strides_of = [&](Convention convention) {
    std::vector<int64_t> strides(sizes.size(), 0);
    int64_t stride = 1;
    const std::vector<PhysicalAxis> axes = layout(layer, convention);
    for (auto axis = axes.rbegin(); axis != axes.rend(); ++axis) {
      for (auto coordinate = axis->rbegin(); coordinate != axis->rend(); ++coordinate) {
        strides[*coordinate] = stride;
        stride *= sizes[*coordinate];
      }
    }
    return strides;
  };
  const std::vector<int64_t> src_strides = strides_of(from);
  const std::vector<int64_t> dst_strides = strides_of(to);

  const float* src = weight.data<float>();
  float* dst = out.data<float>();
  // Walk the canonical index row-major, moving both offsets by their strides as it counts.
  std::vector<int64_t> index(sizes.size(), 0);
  int64_t src_offset = 0, dst_offset = 0;
  for (int64_t n = 0; n < out.element_count(); ++n) {
    dst[dst_offset] = src[src_offset];
    for (size_t i = sizes.size(); i-- > 0;) {
      src_offset += src_strides[i];
      dst_offset += dst_strides[i];
      if (++index[i] < sizes[i]) break;
      src_offset -= sizes[i] * src_strides[i];
      dst_offset -= sizes[i] * dst_strides[i];
      index[i] = 0;
    }
  }
  return out;
}

Result<Layer> adjoint_layer(const Layer& conv) {
  if (conv.kind == LayerKind::kConvTranspose) {
    return invalid_argument(fmt::format("{}: the adjoint is taken of a Conv", conv.to_string()));
  }
  ORTL_RETURN_IF_ERROR(check_layer(conv, Convention::kOnnx));
  Layer adjoint = conv;
  adjoint.kind = LayerKind::kConvTranspose;
  adjoint.in_channels = conv.out_channels;
  adjoint.out_channels = conv.in_channels;
  return adjoint;
}

Result<ResizedWeights> resize_channels(const Tensor& weight, const std::optional<Tensor>& bias,
                                       const Layer& layer, Convention convention, ChannelSide side,
                                       ChannelResize how, int64_t count) {
  if (layer.groups != 1 || layer.kind == LayerKind::kDepthwise) {
    return unsupported(fmt::format(
        "{}: resizing the channels of a grouped or depthwise layer changes its grouping; only "
        "groups = 1 is supported",
        layer.to_string()));
  }
  const bool outputs = side == ChannelSide::kOutput;
  const int64_t current = outputs ? layer.out_channels : layer.in_channels;
  if (count < 1) return invalid_argument(fmt::format("channel count {} must be >= 1", count));
  if (how == ChannelResize::kTruncate && count > current) {
    return invalid_argument(
        fmt::format("cannot truncate {} channels to {}: that is more", current, count));
  }
  if (how == ChannelResize::kZeroPad && count < current) {
    return invalid_argument(
        fmt::format("cannot zero-pad {} channels to {}: that is fewer", current, count));
  }
  if (how == ChannelResize::kReplicate && count % current != 0) {
    return invalid_argument(fmt::format("replicating {} channels gives a multiple of {}; {} is not",
                                        current, current, count));
  }
  if (bias && (bias->dtype() != DType::kFloat32 || bias->shape() != Shape{layer.out_channels})) {
    return invalid_argument(fmt::format("the bias must be float32 [{}], not {} {}",
                                        layer.out_channels, dtype_name(bias->dtype()),
                                        shape_to_string(bias->shape())));
  }
  ORTL_ASSIGN_OR_RETURN(Tensor canonical,
                        convert(weight, layer, convention, Convention::kCanonical));
  Layer resized = layer;
  (outputs ? resized.out_channels : resized.in_channels) = count;

  // Canonical (1, M, C, k..): copy each new (m, c) kernel from the old channel it maps to.
  int64_t kernel_size = 1;
  for (int64_t k : layer.kernel) kernel_size *= k;
  ORTL_ASSIGN_OR_RETURN(Shape new_shape, weight_shape(resized, Convention::kCanonical));
  ORTL_ASSIGN_OR_RETURN(Tensor result, Tensor::create(DType::kFloat32, new_shape));
  const float scale = how == ChannelResize::kReplicate && !outputs
                          ? 1.0f / static_cast<float>(count / current)
                          : 1.0f;
  auto source_channel = [&](int64_t n) -> int64_t {  // -1: a zero channel
    if (how == ChannelResize::kReplicate) return n % current;
    return n < current ? n : -1;
  };
  const float* src = canonical.data<float>();
  float* dst = result.data<float>();
  for (int64_t m = 0; m < resized.out_channels; ++m) {
    for (int64_t c = 0; c < resized.in_channels; ++c) {
      const int64_t from_m = outputs ? source_channel(m) : m;
      const int64_t from_c = outputs ? c : source_channel(c);
      float* out = dst + (m * resized.in_channels + c) * kernel_size;
      if (from_m < 0 || from_c < 0) continue;  // zero-filled by create
      const float* in = src + (from_m * layer.in_channels + from_c) * kernel_size;
      for (int64_t k = 0; k < kernel_size; ++k) out[k] = in[k] * scale;
    }
  }
  ResizedWeights r{resized, Tensor(), std::nullopt, ""};
  ORTL_ASSIGN_OR_RETURN(r.weight, convert(result, resized, Convention::kCanonical, convention));
  if (bias && outputs) {
    Tensor new_bias(DType::kFloat32, {count});
    for (int64_t m = 0; m < count; ++m) {
      const int64_t from = source_channel(m);
      new_bias.data<float>()[m] = from < 0 ? 0.0f : bias->data<float>()[from];
    }
    r.bias = new_bias;
  } else {
    r.bias = bias;
  }
  const int64_t factor = how == ChannelResize::kReplicate ? count / current : 1;
  // "output 3" or "outputs 3..5", and the verb that goes with it.
  auto channels = [](const char* noun, int64_t first, int64_t last) {
    return first == last ? fmt::format("{} {}", noun, first)
                         : fmt::format("{}s {}..{}", noun, first, last);
  };
  auto is = [](int64_t first, int64_t last) { return first == last ? "is" : "are"; };
  switch (how) {
    case ChannelResize::kTruncate:
      r.effect = outputs
                     ? fmt::format("{} {} unchanged; {} {} gone", channels("output", 0, count - 1),
                                   is(0, count - 1), channels("output", count, current - 1),
                                   is(count, current - 1))
                     : fmt::format("{} {} no longer read: the outputs change unless {} zeros",
                                   channels("input", count, current - 1), is(count, current - 1),
                                   count == current - 1 ? "it carries" : "they carry");
      break;
    case ChannelResize::kZeroPad:
      r.effect = outputs
                     ? fmt::format("{} {} unchanged; {} {} 0", channels("output", 0, current - 1),
                                   is(0, current - 1), channels("output", current, count - 1),
                                   is(current, count - 1))
                     : fmt::format("the outputs are unchanged whatever the new {} {}",
                                   channels("input", current, count - 1),
                                   current == count - 1 ? "carries" : "carry");
      break;
    case ChannelResize::kReplicate:
      r.effect = outputs ? fmt::format("output n is a copy of output n % {} ({} copies of each)",
                                       current, factor)
                         : fmt::format(
                               "weights divided by {}: the outputs are unchanged exactly when "
                               "input n carries a copy of input n % {}",
                               factor, current);
      break;
  }
  return r;
}

}  // namespace ort_lite::weights

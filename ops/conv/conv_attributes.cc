#include <algorithm>
#include <cassert>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ort_lite/ops/attributes.h"
#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/ops/weight_conventions.h"

namespace ort_lite::conv {

Result<ConvAttributes> parse_conv_attributes(const Node& node) {
  AttributeReader reader(node);
  ConvAttributes a;
  a.kind = node.op_type == "ConvTranspose" ? ConvKind::kConvTranspose : ConvKind::kConv;
  std::vector<std::string_view> known = {"auto_pad",     "dilations", "group",
                                         "kernel_shape", "pads",      "strides"};
  if (a.kind == ConvKind::kConvTranspose)
    known.insert(known.end(), {"output_padding", "output_shape"});
  if (node.domain == kOrtLiteDomain) {
    // A fused node of ort-lite's rewrites (conv_fusion.h).
    known.insert(known.end(), {"activation", "activation_alpha", "activation_beta",
                               "activation_approximate", "activation_slope", "residual"});
  }
  ORTL_RETURN_IF_ERROR(reader.check_known(known));

  ORTL_ASSIGN_OR_RETURN(std::string auto_pad, reader.get_string("auto_pad", "NOTSET"));
  auto parsed = auto_pad_from_string(auto_pad);
  if (!parsed) {
    return reader.error(
        StatusCode::kInvalidModel, "auto_pad",
        fmt::format("'{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad));
  }
  a.auto_pad = *parsed;
  ORTL_ASSIGN_OR_RETURN(a.group, reader.get_int("group", 1));
  ORTL_ASSIGN_OR_RETURN(a.kernel_shape, reader.get_ints("kernel_shape"));
  ORTL_ASSIGN_OR_RETURN(a.strides, reader.get_ints("strides"));
  ORTL_ASSIGN_OR_RETURN(a.dilations, reader.get_ints("dilations"));
  ORTL_ASSIGN_OR_RETURN(a.pads, reader.get_ints("pads"));
  ORTL_ASSIGN_OR_RETURN(a.output_padding, reader.get_ints("output_padding"));
  ORTL_ASSIGN_OR_RETURN(a.output_shape, reader.get_ints("output_shape"));

  if (a.group < 1) {
    return reader.error(StatusCode::kInvalidModel, "group",
                        fmt::format("{} must be >= 1", a.group));
  }
  auto all_at_least = [&](const char* name, const std::vector<int64_t>& values,
                          int64_t minimum) -> Status {
    for (int64_t v : values) {
      if (v < minimum) {
        return reader.error(
            StatusCode::kInvalidModel, name,
            fmt::format("[{}]: every value must be >= {}", fmt::join(values, ", "), minimum));
      }
    }
    return Status::Ok();
  };
  ORTL_RETURN_IF_ERROR(all_at_least("kernel_shape", a.kernel_shape, 1));
  ORTL_RETURN_IF_ERROR(all_at_least("strides", a.strides, 1));
  ORTL_RETURN_IF_ERROR(all_at_least("dilations", a.dilations, 1));
  ORTL_RETURN_IF_ERROR(all_at_least("output_padding", a.output_padding, 0));
  ORTL_RETURN_IF_ERROR(all_at_least("output_shape", a.output_shape, 0));
  if (a.pads.size() % 2 != 0) {
    return reader.error(
        StatusCode::kInvalidModel, "pads",
        fmt::format("[{}] must hold a begin and an end value per axis", fmt::join(a.pads, ", ")));
  }
  return a;
}

namespace {

// An attribute list must have one value per spatial axis (or be absent).
Status check_length(const Node& node, const char* name, const std::vector<int64_t>& values,
                    size_t expected) {
  if (values.empty() || values.size() == expected) return Status::Ok();
  return invalid_model(
      fmt::format("{}: attribute '{}' = [{}] has {} values, expected {} (one per spatial axis)",
                  node.label(), name, fmt::join(values, ", "), values.size(), expected));
}

int64_t value_or(const std::vector<int64_t>& values, size_t i, int64_t fallback) {
  return values.empty() ? fallback : values[i];
}

}  // namespace

Result<ConvProblem> resolve_conv_problem(const Node& node, const ConvAttributes& a, const Shape& x,
                                         const Shape& w, const std::optional<Shape>& bias,
                                         OutputShapePadding policy) {
  const bool transposed = a.kind == ConvKind::kConvTranspose;
  const std::string label = node.label();
  if (x.size() < 3) {
    return invalid_argument(fmt::format(
        "{}: input X has shape {}; expected (N, C, d1, ..., dn) with at least one spatial dim",
        label, shape_to_string(x)));
  }
  if (w.size() != x.size()) {
    return invalid_argument(
        fmt::format("{}: weight W has shape {} (rank {}) but input X {} has rank {}", label,
                    shape_to_string(w), w.size(), shape_to_string(x), x.size()));
  }
  const size_t rank = x.size() - 2;
  const int64_t g = a.group;
  for (int64_t d : x) {
    if (d < 1) {
      return invalid_argument(fmt::format(
          "{}: input X ('{}') has shape {}: every dim must be >= 1 (no empty batch, channel or "
          "spatial axis)",
          label, node.inputs[0], shape_to_string(x)));
    }
  }
  ConvProblem p;
  p.kind = a.kind;
  p.batch = x[0];
  p.in_channels = x[1];
  p.groups = g;

  if (p.in_channels % g != 0) {
    return invalid_model(fmt::format("{}: input channels C = {} are not divisible by group = {}",
                                     label, p.in_channels, g));
  }
  if (transposed) {
    // W is (C, M/g, k..).
    if (w[0] != p.in_channels) {
      return invalid_argument(
          fmt::format("{}: weight W {} expects {} input channels (W[0] = C), but X {} has {}",
                      label, shape_to_string(w), w[0], shape_to_string(x), p.in_channels));
    }
    if (__builtin_mul_overflow(w[1], g, &p.out_channels)) {
      return invalid_argument(
          fmt::format("{}: weight W {} with group {}: M = W[1] * group does "
                      "not fit in a 64-bit integer",
                      label, shape_to_string(w), g));
    }
  } else {
    // W is (M, C/g, k..); C is a multiple of g (checked above).
    if (w[1] != p.in_channels / g) {
      return invalid_argument(fmt::format(
          "{}: weight W {} with group {} expects W[1] * group input channels, but X "
          "{} has {} (W[1] must be {})",
          label, shape_to_string(w), g, shape_to_string(x), p.in_channels, p.in_channels / g));
    }
    if (w[0] % g != 0) {
      return invalid_model(fmt::format(
          "{}: output channels M = W[0] = {} are not divisible by group = {}", label, w[0], g));
    }
    p.out_channels = w[0];
  }
  if (p.out_channels < 1 || p.in_channels < 1 || p.batch < 1) {
    return invalid_argument(fmt::format("{}: X {} and W {} leave no batch or channels", label,
                                        shape_to_string(x), shape_to_string(w)));
  }

  ORTL_RETURN_IF_ERROR(check_length(node, "kernel_shape", a.kernel_shape, rank));
  ORTL_RETURN_IF_ERROR(check_length(node, "strides", a.strides, rank));
  ORTL_RETURN_IF_ERROR(check_length(node, "dilations", a.dilations, rank));
  ORTL_RETURN_IF_ERROR(check_length(node, "output_padding", a.output_padding, rank));
  if (!a.pads.empty() && a.pads.size() != 2 * rank) {
    return invalid_model(fmt::format("{}: attribute 'pads' = [{}] has {} values, expected {}",
                                     label, fmt::join(a.pads, ", "), a.pads.size(), 2 * rank));
  }
  // output_shape may carry the N and C dims in front (as some exporters write it).
  std::vector<int64_t> output_shape = a.output_shape;
  if (output_shape.size() == rank + 2) {
    output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  }
  if (!output_shape.empty() && output_shape.size() != rank) {
    return invalid_model(fmt::format(
        "{}: attribute 'output_shape' = [{}] has {} values, expected {} (or {} with N and C)",
        label, fmt::join(a.output_shape, ", "), a.output_shape.size(), rank, rank + 2));
  }

  for (size_t i = 0; i < rank; ++i) {
    const int64_t kernel = w[i + 2];
    if (!a.kernel_shape.empty() && a.kernel_shape[i] != kernel) {
      return invalid_model(fmt::format(
          "{}: attribute 'kernel_shape' = [{}] does not match the weight's spatial dims {}", label,
          fmt::join(a.kernel_shape, ", "), shape_to_string(w)));
    }
    AxisSpec spec{.input = x[i + 2],
                  .kernel = kernel,
                  .stride = value_or(a.strides, i, 1),
                  .dilation = value_or(a.dilations, i, 1),
                  .pads_begin = value_or(a.pads, i, 0),
                  .pads_end = value_or(a.pads, i + rank, 0),
                  .output_padding = value_or(a.output_padding, i, 0),
                  .output_size = std::nullopt};
    if (!output_shape.empty()) spec.output_size = output_shape[i];
    auto axis = transposed ? resolve_conv_transpose_axis(spec, a.auto_pad, policy)
                           : resolve_conv_axis(spec, a.auto_pad);
    if (!axis.ok()) {
      return axis.status().with_context(
          fmt::format("{}: spatial axis {} (auto_pad {})", label, i, auto_pad_name(a.auto_pad)));
    }
    p.axes.push_back(*axis);
  }

  if (bias) {
    if (bias->size() != 1 || (*bias)[0] != p.out_channels) {
      return invalid_argument(fmt::format("{}: bias B has shape {}; expected [{}] (M)", label,
                                          shape_to_string(*bias), p.out_channels));
    }
    p.has_bias = true;
  }
  return p;
}

Shape ConvProblem::input_shape() const {
  Shape s{batch, in_channels};
  for (const auto& a : axes) s.push_back(a.input);
  return s;
}

Shape ConvProblem::output_shape() const {
  Shape s{batch, out_channels};
  for (const auto& a : axes) s.push_back(a.output);
  return s;
}

Shape ConvProblem::weight_shape() const {
  Shape s = kind == ConvKind::kConv ? Shape{out_channels, in_channels / groups}
                                    : Shape{in_channels, out_channels / groups};
  for (const auto& a : axes) s.push_back(a.kernel);
  return s;
}

std::string ConvProblem::to_string() const {
  // benchdnn's axis letters: w for 1-D; h, w for 2-D; d, h, w for 3-D.
  static const std::vector<std::vector<std::string>> kLetters = {
      {"w"}, {"h", "w"}, {"d", "h", "w"}};
  const auto rank = static_cast<size_t>(spatial_rank());
  auto letter = [&](size_t i) {
    return rank >= 1 && rank <= 3 ? kLetters[rank - 1][i] : fmt::format("x{}_", i);
  };
  std::string s = fmt::format("{}_g{}mb{}ic{}", kind == ConvKind::kConv ? "conv" : "deconv", groups,
                              batch, in_channels);
  for (size_t i = 0; i < rank; ++i) s += fmt::format("i{}{}", letter(i), axes[i].input);
  s += fmt::format("oc{}", out_channels);
  for (size_t i = 0; i < rank; ++i) s += fmt::format("o{}{}", letter(i), axes[i].output);
  for (size_t i = 0; i < rank; ++i) s += fmt::format("k{}{}", letter(i), axes[i].kernel);
  for (size_t i = 0; i < rank; ++i) s += fmt::format("s{}{}", letter(i), axes[i].stride);
  for (size_t i = 0; i < rank; ++i) s += fmt::format("d{}{}", letter(i), axes[i].dilation);
  for (size_t i = 0; i < rank; ++i) {
    s += fmt::format("p{}{}_{}", letter(i), axes[i].pads_begin, axes[i].pads_end);
  }
  if (!has_bias) s += "_nobias";
  return s;
}

Tensor canonical_weights(const ConvProblem& p, const Tensor& onnx_weights) {
  if (p.kind == ConvKind::kConv) return onnx_weights;  // (M, C/g, k..) == (g, M/g, C/g, k..)
  weights::Layer layer{.kind = weights::LayerKind::kConvTranspose,
                       .in_channels = p.in_channels,
                       .out_channels = p.out_channels,
                       .groups = p.groups,
                       .kernel = {}};
  for (const auto& a : p.axes) layer.kernel.push_back(a.kernel);
  // The problem was resolved against this weight's shape, so the conversion cannot fail.
  Result<Tensor> canonical = weights::convert(onnx_weights, layer, weights::Convention::kOnnx,
                                              weights::Convention::kCanonical);
  assert(canonical.ok());
  return std::move(canonical).value();
}

}  // namespace ort_lite::conv

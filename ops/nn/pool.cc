// MaxPool and AveragePool, 1-D, 2-D and 3-D.
//
//   MaxPool:     y = max of the window's elements inside the input (padding never wins).
//   AveragePool: y = sum of the window's elements inside the input / count, where count is the
//                number of those elements, or with count_include_pad = 1 the number of window
//                taps inside the padded input (taps past the end padding, which ceil_mode can
//                make, never count, as PyTorch).
//   The window of output o on an axis reads x[o * stride - pads_begin + j * dilation],
//   j in [0, kernel).
//
// Attributes (per spatial axis where a list):
//   kernel_shape (ints, required, >= 1); strides (ints, default 1, >= 1);
//   pads (ints, [begins..., ends...], default 0, >= 0);
//   auto_pad (NOTSET, SAME_UPPER, SAME_LOWER, VALID): as Conv (ops/geometry), SAME gives
//     ceil(input / stride) outputs and puts an odd pad at the end (UPPER) or start (LOWER);
//   dilations (ints, default 1, >= 1): MaxPool from opset 10, AveragePool from opset 19;
//   ceil_mode (int, default 0; opset 10+): with explicit pads (auto_pad NOTSET) the output size
//     is ceil((input + pads - dilated kernel) / stride) + 1, less one if the last window would
//     start past the input and its begin padding (ONNX's and PyTorch's rule). Like the spec's
//     formulas, it does not change SAME or VALID sizes;
//   MaxPool storage_order (int, default 0; opset 8+): layout of the Indices output;
//   AveragePool count_include_pad (int, default 0; opset 7+).
// Outputs: Y (N, C, o1..on). MaxPool from opset 8 has an optional Indices (int64, shape of Y):
//   the flat index of the maximum in X (padding excluded), N and C included; with
//   storage_order = 1 the spatial part is column-major (first spatial axis fastest), as ONNX
//   Runtime. Among equal maxima the first in row-major order wins; NaN wins (as PyTorch).
// Layout: X (N, C, d1..dn), n = 1, 2 or 3 (more spatial axes are refused as unsupported).
// Types: AveragePool float32; MaxPool float32, float64, int8 and uint8.
// Divergence: a window with no element inside the input (possible with pads >= the kernel or
//   with large dilations) has no defined value in the spec; it is refused as unsupported.
#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nn/nn_math.h"
#include "nn/nn_ops.h"
#include "ort_lite/ops/conv_geometry.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

namespace {

enum class PoolKind { kMax, kAverage };

// One spatial axis, resolved: for each output position, the taps that fall inside the input.
struct PoolAxis {
  int64_t input = 1;
  int64_t output = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t pads_begin = 0;
  std::vector<int64_t> first_tap{0};    // first tap j inside the input
  std::vector<int64_t> end_tap{1};      // one past the last tap inside the input
  std::vector<int64_t> padded_taps{1};  // taps inside the padded input (count_include_pad)
};

// Three axes (d, h, w); 1-D and 2-D pools leave the leading ones trivial.
constexpr size_t kAxes = 3;

struct PoolSpec {
  PoolKind kind = PoolKind::kMax;
  int64_t planes = 0;  // N * C
  std::array<PoolAxis, kAxes> axes;
  bool count_include_pad = false;
  bool column_major_indices = false;  // storage_order = 1

  int64_t in_plane() const { return axes[0].input * axes[1].input * axes[2].input; }
  int64_t out_plane() const { return axes[0].output * axes[1].output * axes[2].output; }
};

struct PoolAttributes {
  conv::AutoPad auto_pad = conv::AutoPad::kNotSet;
  std::vector<int64_t> kernel_shape, strides, dilations, pads;
  int64_t ceil_mode = 0;
  int64_t storage_order = 0;
  int64_t count_include_pad = 0;
};

Result<PoolAttributes> parse_attributes(const AttributeReader& attrs, PoolKind kind,
                                        int64_t opset) {
  if (kind == PoolKind::kMax) {
    if (opset < 8) {
      ORTL_RETURN_IF_ERROR(attrs.check_known({"auto_pad", "kernel_shape", "pads", "strides"}));
    } else if (opset < 10) {
      ORTL_RETURN_IF_ERROR(
          attrs.check_known({"auto_pad", "kernel_shape", "pads", "storage_order", "strides"}));
    } else {
      ORTL_RETURN_IF_ERROR(attrs.check_known({"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                              "pads", "storage_order", "strides"}));
    }
  } else {
    if (opset < 7) {
      ORTL_RETURN_IF_ERROR(attrs.check_known({"auto_pad", "kernel_shape", "pads", "strides"}));
    } else if (opset < 10) {
      ORTL_RETURN_IF_ERROR(
          attrs.check_known({"auto_pad", "count_include_pad", "kernel_shape", "pads", "strides"}));
    } else if (opset < 19) {
      ORTL_RETURN_IF_ERROR(attrs.check_known(
          {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"}));
    } else {
      ORTL_RETURN_IF_ERROR(attrs.check_known({"auto_pad", "ceil_mode", "count_include_pad",
                                              "dilations", "kernel_shape", "pads", "strides"}));
    }
  }
  PoolAttributes a;
  ORTL_ASSIGN_OR_RETURN(std::string auto_pad, attrs.get_string("auto_pad", "NOTSET"));
  auto parsed = conv::auto_pad_from_string(auto_pad);
  if (!parsed) {
    return attrs.error(
        StatusCode::kInvalidModel, "auto_pad",
        fmt::format("'{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad));
  }
  a.auto_pad = *parsed;
  ORTL_ASSIGN_OR_RETURN(a.kernel_shape, attrs.get_ints("kernel_shape"));
  ORTL_ASSIGN_OR_RETURN(a.strides, attrs.get_ints("strides"));
  ORTL_ASSIGN_OR_RETURN(a.dilations, attrs.get_ints("dilations"));
  ORTL_ASSIGN_OR_RETURN(a.pads, attrs.get_ints("pads"));
  ORTL_ASSIGN_OR_RETURN(a.ceil_mode, attrs.get_int("ceil_mode", 0));
  ORTL_ASSIGN_OR_RETURN(a.storage_order, attrs.get_int("storage_order", 0));
  ORTL_ASSIGN_OR_RETURN(a.count_include_pad, attrs.get_int("count_include_pad", 0));

  if (a.kernel_shape.empty()) {
    return attrs.error(StatusCode::kInvalidModel, "kernel_shape", "is required");
  }
  for (auto [name, values, minimum] :
       {std::tuple{"kernel_shape", &a.kernel_shape, 1}, std::tuple{"strides", &a.strides, 1},
        std::tuple{"dilations", &a.dilations, 1}, std::tuple{"pads", &a.pads, 0}}) {
    for (int64_t v : *values) {
      if (v < minimum) {
        return attrs.error(
            StatusCode::kInvalidModel, name,
            fmt::format("[{}]: every value must be >= {}", fmt::join(*values, ", "), minimum));
      }
    }
  }
  for (auto [name, value] :
       {std::pair{"ceil_mode", a.ceil_mode}, std::pair{"storage_order", a.storage_order},
        std::pair{"count_include_pad", a.count_include_pad}}) {
    if (value != 0 && value != 1) {
      return attrs.error(StatusCode::kInvalidModel, name, fmt::format("{} must be 0 or 1", value));
    }
  }
  return a;
}

// Resolves one axis: sizes and pads from the shared conv geometry, then ceil_mode, then the
// taps of each window.
Result<PoolAxis> resolve_axis(const conv::AxisSpec& spec, conv::AutoPad auto_pad, bool ceil_mode) {
  ORTL_ASSIGN_OR_RETURN(conv::AxisGeometry g, conv::resolve_conv_axis(spec, auto_pad));
  if (ceil_mode && auto_pad == conv::AutoPad::kNotSet) {
    const int64_t span = g.input + g.pads_begin + g.pads_end - g.effective_kernel();
    g.output = (span + g.stride - 1) / g.stride + 1;
    // The last window must start inside the input or its begin padding.
    if ((g.output - 1) * g.stride >= g.input + g.pads_begin) --g.output;
  }
  PoolAxis axis{.input = g.input,
                .output = g.output,
                .stride = g.stride,
                .dilation = g.dilation,
                .pads_begin = g.pads_begin,
                .first_tap = {},
                .end_tap = {},
                .padded_taps = {}};
  for (int64_t o = 0; o < g.output; ++o) {
    const int64_t start = o * g.stride - g.pads_begin;
    int64_t first = g.kernel, end = 0, padded = 0;
    for (int64_t j = 0; j < g.kernel; ++j) {
      const int64_t position = start + j * g.dilation;
      if (position >= 0 && position < g.input) {
        first = std::min(first, j);
        end = j + 1;
      }
      if (position < g.input + g.pads_end) ++padded;
    }
    if (end == 0) {
      return unsupported(
          fmt::format("the window of output {} ({}) holds no input element; its value is not "
                      "defined",
                      o, g.to_string()));
    }
    axis.first_tap.push_back(first);
    axis.end_tap.push_back(end);
    axis.padded_taps.push_back(padded);
  }
  return axis;
}

template <typename T>
void max_pool(const PoolSpec& s, const T* x, T* y, int64_t* indices) {
  const PoolAxis &ad = s.axes[0], &ah = s.axes[1], &aw = s.axes[2];
  const int64_t in_plane = s.in_plane();
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < s.planes; ++p) {
    int64_t out = p * s.out_plane();
    const T* xp = x + p * in_plane;
    for (int64_t od = 0; od < ad.output; ++od) {
      for (int64_t oh = 0; oh < ah.output; ++oh) {
        for (int64_t ow = 0; ow < aw.output; ++ow, ++out) {
          T best = max_identity<T>();
          int64_t best_d = -1, best_h = -1, best_w = -1;
          for (int64_t jd = ad.first_tap[od]; jd < ad.end_tap[od]; ++jd) {
            const int64_t id = od * ad.stride - ad.pads_begin + jd * ad.dilation;
            for (int64_t jh = ah.first_tap[oh]; jh < ah.end_tap[oh]; ++jh) {
              const int64_t ih = oh * ah.stride - ah.pads_begin + jh * ah.dilation;
              const T* row = xp + (id * ah.input + ih) * aw.input;
              for (int64_t jw = aw.first_tap[ow]; jw < aw.end_tap[ow]; ++jw) {
                const int64_t iw = ow * aw.stride - aw.pads_begin + jw * aw.dilation;
                if (best_d < 0 || replaces_max(row[iw], best)) {
                  best = row[iw];
                  best_d = id;
                  best_h = ih;
                  best_w = iw;
                }
              }
            }
          }
          y[out] = best;
          if (indices) {
            indices[out] = p * in_plane + (s.column_major_indices
                                               ? best_d + (best_h + best_w * ah.input) * ad.input
                                               : (best_d * ah.input + best_h) * aw.input + best_w);
          }
        }
      }
    }
  }
}

void average_pool(const PoolSpec& s, const float* x, float* y) {
  const PoolAxis &ad = s.axes[0], &ah = s.axes[1], &aw = s.axes[2];
  const int64_t in_plane = s.in_plane();
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < s.planes; ++p) {
    int64_t out = p * s.out_plane();
    const float* xp = x + p * in_plane;
    for (int64_t od = 0; od < ad.output; ++od) {
      for (int64_t oh = 0; oh < ah.output; ++oh) {
        for (int64_t ow = 0; ow < aw.output; ++ow, ++out) {
          float sum = 0;
          for (int64_t jd = ad.first_tap[od]; jd < ad.end_tap[od]; ++jd) {
            const int64_t id = od * ad.stride - ad.pads_begin + jd * ad.dilation;
            for (int64_t jh = ah.first_tap[oh]; jh < ah.end_tap[oh]; ++jh) {
              const int64_t ih = oh * ah.stride - ah.pads_begin + jh * ah.dilation;
              const float* row = xp + (id * ah.input + ih) * aw.input;
              for (int64_t jw = aw.first_tap[ow]; jw < aw.end_tap[ow]; ++jw) {
                sum += row[ow * aw.stride - aw.pads_begin + jw * aw.dilation];
              }
            }
          }
          const int64_t count = s.count_include_pad
                                    ? ad.padded_taps[od] * ah.padded_taps[oh] * aw.padded_taps[ow]
                                    : (ad.end_tap[od] - ad.first_tap[od]) *
                                          (ah.end_tap[oh] - ah.first_tap[oh]) *
                                          (aw.end_tap[ow] - aw.first_tap[ow]);
          y[out] = sum / static_cast<float>(count);
        }
      }
    }
  }
}

// Channels-last: x (N, d, h, w, C) -> y (N, od, oh, ow, C); the same windows and counts as
// above, each output cell a vector over the C contiguous channels. Output rows in parallel.
ORTL_SIMD_CLONES void max_into(float* best, const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) best[i] = (v[i] > best[i] || v[i] != v[i]) ? v[i] : best[i];
}
ORTL_SIMD_CLONES void add_into(float* sum, const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) sum[i] += v[i];
}
ORTL_SIMD_CLONES void scale_into(float* y, float factor, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] *= factor;
}

template <typename T>
void pool_channels_last(const PoolSpec& s, int64_t batch, int64_t channels, const T* x, T* y) {
  const PoolAxis &ad = s.axes[0], &ah = s.axes[1], &aw = s.axes[2];
  const int64_t rows = batch * ad.output * ah.output;
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t oh = row % ah.output, od = (row / ah.output) % ad.output;
    const int64_t n = row / (ah.output * ad.output);
    const T* xn = x + n * s.in_plane() * channels;
    for (int64_t ow = 0; ow < aw.output; ++ow) {
      T* out = y + (row * aw.output + ow) * channels;
      bool first = true;
      for (int64_t jd = ad.first_tap[od]; jd < ad.end_tap[od]; ++jd) {
        const int64_t id = od * ad.stride - ad.pads_begin + jd * ad.dilation;
        for (int64_t jh = ah.first_tap[oh]; jh < ah.end_tap[oh]; ++jh) {
          const int64_t ih = oh * ah.stride - ah.pads_begin + jh * ah.dilation;
          for (int64_t jw = aw.first_tap[ow]; jw < aw.end_tap[ow]; ++jw) {
            const int64_t iw = ow * aw.stride - aw.pads_begin + jw * aw.dilation;
            const T* v = xn + ((id * ah.input + ih) * aw.input + iw) * channels;
            if (first) {
              std::copy(v, v + channels, out);
              first = false;
            } else if (s.kind == PoolKind::kAverage) {
              if constexpr (std::is_same_v<T, float>) add_into(out, v, channels);
            } else if constexpr (std::is_same_v<T, float>) {
              max_into(out, v, channels);
            } else {
              for (int64_t c = 0; c < channels; ++c) {
                if (replaces_max(v[c], out[c])) out[c] = v[c];
              }
            }
          }
        }
      }
      if constexpr (std::is_same_v<T, float>) {
        if (s.kind == PoolKind::kAverage) {
          const int64_t count = s.count_include_pad
                                    ? ad.padded_taps[od] * ah.padded_taps[oh] * aw.padded_taps[ow]
                                    : (ad.end_tap[od] - ad.first_tap[od]) *
                                          (ah.end_tap[oh] - ah.first_tap[oh]) *
                                          (aw.end_tap[ow] - aw.first_tap[ow]);
          scale_into(out, 1.0f / static_cast<float>(count), channels);
        }
      }
    }
  }
}

Result<PreparedOp> prepare_pool(const PrepareContext& context, PoolKind kind) {
  OpInputs in(context);
  const Node& node = context.node;
  ORTL_ASSIGN_OR_RETURN(PoolAttributes a, parse_attributes(in.attributes(), kind, node.opset));
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  const size_t max_outputs = kind == PoolKind::kMax && node.opset >= 8 ? 2 : 1;
  if (node.outputs.empty() || node.outputs.size() > max_outputs) {
    return in.error(StatusCode::kInvalidModel,
                    fmt::format("has {} outputs; opset {} allows 1{}", node.outputs.size(),
                                node.opset, max_outputs == 2 ? " or 2 (Y, Indices)" : " (Y)"));
  }
  ORTL_ASSIGN_OR_RETURN(
      TensorType x,
      kind == PoolKind::kMax
          ? in.required(0, "X", {DType::kFloat32, DType::kFloat64, DType::kInt8, DType::kUInt8})
          : in.required(0, "X", kFloatTypes));
  if (x.shape.size() < 3) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input X has shape {}; expected (N, C, d1, ..., dn) with at least "
                                "one spatial dim",
                                shape_to_string(x.shape)));
  }
  const size_t rank = x.shape.size() - 2;
  if (rank > kAxes) {
    return in.error(StatusCode::kUnsupported,
                    fmt::format("input X {} has {} spatial dims; pools support 1 to 3",
                                shape_to_string(x.shape), rank));
  }
  auto check_length = [&](const char* name, const std::vector<int64_t>& values,
                          size_t expected) -> Status {
    if (values.empty() || values.size() == expected) return Status::Ok();
    return in.error(
        StatusCode::kInvalidModel,
        fmt::format("attribute '{}' = [{}] has {} values, expected {} for X {}", name,
                    fmt::join(values, ", "), values.size(), expected, shape_to_string(x.shape)));
  };
  ORTL_RETURN_IF_ERROR(check_length("kernel_shape", a.kernel_shape, rank));
  ORTL_RETURN_IF_ERROR(check_length("strides", a.strides, rank));
  ORTL_RETURN_IF_ERROR(check_length("dilations", a.dilations, rank));
  ORTL_RETURN_IF_ERROR(check_length("pads", a.pads, 2 * rank));

  PoolSpec spec;
  spec.kind = kind;
  spec.planes = x.shape[0] * x.shape[1];
  spec.count_include_pad = a.count_include_pad == 1;
  spec.column_major_indices = a.storage_order == 1;
  Shape out_shape{x.shape[0], x.shape[1]};
  auto value_or = [](const std::vector<int64_t>& values, size_t i, int64_t fallback) {
    return values.empty() ? fallback : values[i];
  };
  for (size_t i = 0; i < rank; ++i) {
    const conv::AxisSpec axis_spec{.input = x.shape[i + 2],
                                   .kernel = a.kernel_shape[i],
                                   .stride = value_or(a.strides, i, 1),
                                   .dilation = value_or(a.dilations, i, 1),
                                   .pads_begin = value_or(a.pads, i, 0),
                                   .pads_end = value_or(a.pads, i + rank, 0),
                                   .output_padding = 0,
                                   .output_size = std::nullopt};
    auto axis = resolve_axis(axis_spec, a.auto_pad, a.ceil_mode == 1);
    if (!axis.ok()) {
      return axis.status().with_context(fmt::format(
          "{}: spatial axis {} (auto_pad {})", node.label(), i, conv::auto_pad_name(a.auto_pad)));
    }
    out_shape.push_back(axis->output);
    spec.axes[kAxes - rank + i] = std::move(axis).value();
  }

  const bool want_indices = node.outputs.size() > 1 && !node.outputs[1].empty();
  std::vector<TensorType> outputs{{x.dtype, out_shape}};
  if (node.outputs.size() > 1) outputs.push_back({DType::kInt64, out_shape});
  if (context.inputs[0].layout == Layout::kChannelsLast) {
    // pool_layout_class() keeps the Indices form plain.
    const int64_t batch = x.shape[0], channels = x.shape[1];
    PreparedOp op = make_prepared(
        outputs,
        kind == PoolKind::kMax ? "max pool (channels-last)" : "average pool (channels-last)",
        [spec, batch, channels](KernelArgs args) {
          return visit_dtype(args.inputs[0].dtype(), [&](auto zero) -> Status {
            using T = decltype(zero);
            if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                          std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
              pool_channels_last(spec, batch, channels, args.inputs[0].data<T>(),
                                 args.outputs[0].data<T>());
              return Status::Ok();
            } else {
              return internal_error("pool of an element type prepare should have refused");
            }
          });
        });
    op.output_layouts = {Layout::kChannelsLast};
    return op;
  }
  if (kind == PoolKind::kAverage) {
    return make_prepared(outputs, "average pool", [spec](KernelArgs args) {
      average_pool(spec, args.inputs[0].data<float>(), args.outputs[0].data<float>());
      return Status::Ok();
    });
  }
  return make_prepared(
      outputs, want_indices ? "max pool with indices" : "max pool",
      [spec, want_indices](KernelArgs args) {
        int64_t* indices = want_indices ? args.outputs[1].data<int64_t>() : nullptr;
        return visit_dtype(args.inputs[0].dtype(), [&](auto zero) -> Status {
          using T = decltype(zero);
          if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                        std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
            max_pool(spec, args.inputs[0].data<T>(), args.outputs[0].data<T>(), indices);
            return Status::Ok();
          } else {
            return internal_error("max pool of an element type prepare should have refused");
          }
        });
      });
}

}  // namespace

LayoutClass pool_layout_class(const Node& node) {
  const bool indices = node.outputs.size() > 1 && !node.outputs[1].empty();
  return indices ? LayoutClass::kPlain : LayoutClass::kNative;
}

Result<PreparedOp> prepare_max_pool(const PrepareContext& context) {
  return prepare_pool(context, PoolKind::kMax);
}
Result<PreparedOp> prepare_average_pool(const PrepareContext& context) {
  return prepare_pool(context, PoolKind::kAverage);
}

}  // namespace ort_lite::nn_ops

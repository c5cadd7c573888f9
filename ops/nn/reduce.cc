// ReduceSum, ReduceSumSquare, ReduceMean, ReduceMax, and GlobalAveragePool / GlobalMaxPool
// (which are ReduceMean / ReduceMax over the spatial axes, keeping them).
//
//   Sum: y = sum x     SumSquare: y = sum x^2     Mean: y = sum x / n     Max: y = max x
//   over the chosen axes of `data`; the output keeps them as size 1 when keepdims.
//
// Attributes and inputs:
//   keepdims (int, default 1): 0 or 1.
//   axes (ints): each in [-r, r-1], no duplicates; absent or empty = every axis.
//     An attribute in ReduceSum 1-12 and the others 1-17; from ReduceSum 13 and the others 18
//     it is the optional int64 input 1, which must be known at prepare time (it sets the
//     output shape).
//   noop_with_empty_axes (int, default 0; opsets with the axes input): with empty or absent
//     axes, reduce nothing: y = x (x^2 for SumSquare, as ONNX's reference).
// Empty reductions (a reduced axis of size 0): Sum 0, Mean NaN (floats; refused for ints, whose
//   mean of nothing has no value), Max -inf (the lowest value for ints, false for bool).
// Max propagates NaN (as numpy). Integer sums wrap around on overflow (as ONNX Runtime).
// Float sums along a contiguous run are carried in double.
// Types: float32, float64, int32, int64; ReduceMax also int8, uint8 and bool (opset 20).
// GlobalAveragePool / GlobalMaxPool (opset 1-22, no attributes): X (N, C, d1..dn), float32,
//   -> (N, C, 1, .., 1).
#include <algorithm>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nn/nn_math.h"
#include "nn/nn_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

namespace {

enum class ReduceKind { kSum, kSumSquare, kMean, kMax };

// The walk over the input: adjacent axes of the same kind (reduced or kept) are merged and
// size-1 axes dropped, so the innermost loop is as long as possible.
struct ReduceLayout {
  std::vector<int64_t> dims;
  std::vector<bool> reduced;
  std::vector<int64_t> out_strides;  // 0 on reduced dims
  int64_t in_count = 0;
  int64_t out_count = 0;
  int64_t reduced_count = 1;  // input elements per output element
};

ReduceLayout make_layout(const Shape& shape, const std::vector<bool>& reduce_axis) {
  ReduceLayout l;
  l.in_count = element_count(shape);
  l.out_count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (reduce_axis[i]) {
      l.reduced_count *= shape[i];
    } else {
      l.out_count *= shape[i];
    }
    if (shape[i] == 1) continue;
    if (!l.dims.empty() && l.reduced.back() == reduce_axis[i]) {
      l.dims.back() *= shape[i];
    } else {
      l.dims.push_back(shape[i]);
      l.reduced.push_back(reduce_axis[i]);
    }
  }
  if (l.dims.empty()) {
    l.dims = {1};
    l.reduced = {false};
  }
  l.out_strides.assign(l.dims.size(), 0);
  int64_t stride = 1;
  for (size_t i = l.dims.size(); i-- > 0;) {
    if (l.reduced[i]) continue;
    l.out_strides[i] = stride;
    stride *= l.dims[i];
  }
  return l;
}

// The type a sum is carried in: double for floats; for ints their unsigned twin, whose
// wrap-around is defined (a signed overflow is not).
template <typename T>
struct SumType {
  using type = std::make_unsigned_t<T>;
};
template <>
struct SumType<float> {
  using type = double;
};
template <>
struct SumType<double> {
  using type = double;
};
template <>
struct SumType<bool> {
  using type = uint8_t;  // never used: bool reduces only with Max
};

template <ReduceKind kKind, typename T>
void reduce_typed(const ReduceLayout& l, const T* x, T* y) {
  using Acc = typename SumType<T>::type;
  auto term = [](T v) -> Acc {
    if constexpr (kKind == ReduceKind::kSumSquare) return static_cast<Acc>(v) * static_cast<Acc>(v);
    return static_cast<Acc>(v);
  };
  std::fill(y, y + l.out_count, kKind == ReduceKind::kMax ? max_identity<T>() : T{});
  const size_t outer_rank = l.dims.size() - 1;
  const int64_t inner = l.dims.back();
  const bool inner_reduced = l.reduced.back();
  std::vector<int64_t> index(outer_rank, 0);
  int64_t out = 0;
  for (int64_t in = 0; in < l.in_count; in += inner) {
    const T* row = x + in;
    if constexpr (kKind == ReduceKind::kMax) {
      if (inner_reduced) {
        T best = y[out];
        for (int64_t j = 0; j < inner; ++j) {
          if (replaces_max(row[j], best)) best = row[j];
        }
        y[out] = best;
      } else {
        for (int64_t j = 0; j < inner; ++j) {
          if (replaces_max(row[j], y[out + j])) y[out + j] = row[j];
        }
      }
    } else {
      if (inner_reduced) {
        Acc sum = 0;
        for (int64_t j = 0; j < inner; ++j) sum += term(row[j]);
        y[out] = static_cast<T>(static_cast<Acc>(y[out]) + sum);
      } else {
        for (int64_t j = 0; j < inner; ++j) {
          y[out + j] = static_cast<T>(static_cast<Acc>(y[out + j]) + term(row[j]));
        }
      }
    }
    for (size_t d = outer_rank; d-- > 0;) {
      if (++index[d] < l.dims[d]) {
        out += l.out_strides[d];
        break;
      }
      out -= l.out_strides[d] * (l.dims[d] - 1);
      index[d] = 0;
    }
  }
  if constexpr (kKind == ReduceKind::kMean) {
    if constexpr (std::is_floating_point_v<T>) {
      // A zero count gives NaN (0 / 0), the mean of nothing.
      const double count = static_cast<double>(l.reduced_count);
      for (int64_t i = 0; i < l.out_count; ++i) y[i] = static_cast<T>(y[i] / count);
    } else {
      // prepare refuses an empty integer mean.
      for (int64_t i = 0; i < l.out_count; ++i) y[i] = static_cast<T>(y[i] / l.reduced_count);
    }
  }
}

template <ReduceKind kKind>
Status run_reduce(const ReduceLayout& layout, const Tensor& x, Tensor& y) {
  return visit_dtype(x.dtype(), [&](auto zero) -> Status {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, uint16_t>) {
      if constexpr (kKind == ReduceKind::kMax && std::is_same_v<T, bool>) {
        reduce_typed<kKind>(layout, x.data<T>(), y.data<T>());
        return Status::Ok();
      }
      return internal_error("reduction of an element type prepare should have refused");
    } else {
      reduce_typed<kKind>(layout, x.data<T>(), y.data<T>());
      return Status::Ok();
    }
  });
}

const char* kind_impl_name(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::kSum:
      return "reduce sum";
    case ReduceKind::kSumSquare:
      return "reduce sum of squares";
    case ReduceKind::kMean:
      return "reduce mean";
    case ReduceKind::kMax:
      return "reduce max";
  }
  return "reduce";
}

// The prepared reduction of `x` over the axes flagged in `reduce_axis`.
Result<PreparedOp> make_reduce(const OpInputs& in, ReduceKind kind, const TensorType& x,
                               const std::vector<bool>& reduce_axis, bool keepdims) {
  Shape out_shape;
  for (size_t i = 0; i < x.shape.size(); ++i) {
    if (!reduce_axis[i]) {
      out_shape.push_back(x.shape[i]);
    } else if (keepdims) {
      out_shape.push_back(1);
    }
  }
  ReduceLayout layout = make_layout(x.shape, reduce_axis);
  if (kind == ReduceKind::kMean && layout.reduced_count == 0 && layout.out_count > 0 &&
      !(x.dtype == DType::kFloat32 || x.dtype == DType::kFloat64)) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("the mean over an empty axis of an {} input {} has no value",
                                dtype_name(x.dtype), shape_to_string(x.shape)));
  }
  KernelFn fn;
  switch (kind) {
    case ReduceKind::kSum:
      fn = [layout](KernelArgs a) {
        return run_reduce<ReduceKind::kSum>(layout, a.inputs[0], a.outputs[0]);
      };
      break;
    case ReduceKind::kSumSquare:
      fn = [layout](KernelArgs a) {
        return run_reduce<ReduceKind::kSumSquare>(layout, a.inputs[0], a.outputs[0]);
      };
      break;
    case ReduceKind::kMean:
      fn = [layout](KernelArgs a) {
        return run_reduce<ReduceKind::kMean>(layout, a.inputs[0], a.outputs[0]);
      };
      break;
    case ReduceKind::kMax:
      fn = [layout](KernelArgs a) {
        return run_reduce<ReduceKind::kMax>(layout, a.inputs[0], a.outputs[0]);
      };
      break;
  }
  return make_prepared({TensorType{x.dtype, out_shape}}, kind_impl_name(kind), std::move(fn));
}

// `axes_input_opset`: the first opset where axes is input 1 instead of an attribute.
Result<PreparedOp> prepare_reduce(const PrepareContext& context, ReduceKind kind,
                                  int64_t axes_input_opset) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  const bool axes_is_input = context.node.opset >= axes_input_opset;
  if (axes_is_input) {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"keepdims", "noop_with_empty_axes"}));
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 2));
  } else {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"axes", "keepdims"}));
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  }
  ORTL_ASSIGN_OR_RETURN(
      TensorType x,
      kind == ReduceKind::kMax
          ? in.required(0, "data",
                        {DType::kFloat32, DType::kFloat64, DType::kInt8, DType::kUInt8,
                         DType::kInt32, DType::kInt64, DType::kBool})
          : in.required(0, "data",
                        {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64}));

  ORTL_ASSIGN_OR_RETURN(int64_t keepdims, attrs.get_int("keepdims", 1));
  ORTL_ASSIGN_OR_RETURN(int64_t noop, attrs.get_int("noop_with_empty_axes", 0));
  if (keepdims != 0 && keepdims != 1) {
    return attrs.error(StatusCode::kInvalidModel, "keepdims",
                       fmt::format("{} must be 0 or 1", keepdims));
  }
  if (noop != 0 && noop != 1) {
    return attrs.error(StatusCode::kInvalidModel, "noop_with_empty_axes",
                       fmt::format("{} must be 0 or 1", noop));
  }
  std::vector<int64_t> axes;
  if (axes_is_input) {
    if (in.present(1)) {
      ORTL_RETURN_IF_ERROR(in.required(1, "axes", {DType::kInt64}).status());
      ORTL_ASSIGN_OR_RETURN(axes, in.constant_ints(1, "axes"));
    }
  } else {
    ORTL_ASSIGN_OR_RETURN(axes, attrs.get_ints("axes"));
  }

  const int64_t rank = static_cast<int64_t>(x.shape.size());
  std::vector<bool> reduce_axis(x.shape.size(), axes.empty() && noop == 0);
  for (int64_t axis : axes) {
    auto normalized = normalize_axis(axis, rank, "axis");
    if (!normalized.ok()) {
      return in.error(StatusCode::kInvalidModel, fmt::format("axes [{}]: {}", fmt::join(axes, ", "),
                                                             normalized.status().message()));
    }
    if (reduce_axis[static_cast<size_t>(*normalized)]) {
      return in.error(StatusCode::kInvalidModel, fmt::format("axes [{}] name axis {} twice",
                                                             fmt::join(axes, ", "), *normalized));
    }
    reduce_axis[static_cast<size_t>(*normalized)] = true;
  }
  return make_reduce(in, kind, x, reduce_axis, keepdims == 1);
}

Result<PreparedOp> prepare_global_pool(const PrepareContext& context, ReduceKind kind) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "X", kFloatTypes));
  if (x.shape.size() < 3) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input X has shape {}; expected (N, C, d1, ..., dn) with at least "
                                "one spatial dim",
                                shape_to_string(x.shape)));
  }
  if (context.inputs[0].layout == Layout::kChannelsLast) {
    // (N, spatial.., C) -> (N, 1.., C), which has the same bytes as (N, C, 1..): per image, a
    // sum or max of channel vectors, in parallel over images and blocks of channels.
    const int64_t batch = x.shape[0], channels = x.shape[1];
    const int64_t cells = element_count(std::span(x.shape).subspan(2));
    Shape y = {batch, channels};
    y.resize(x.shape.size(), 1);
    PreparedOp op = make_prepared({{x.dtype, y}},
                                  kind == ReduceKind::kMean ? "global average pool (channels-last)"
                                                            : "global max pool (channels-last)",
                                  [=](KernelArgs args) {
                                    constexpr int64_t kBlock = 64;
                                    const int64_t blocks = (channels + kBlock - 1) / kBlock;
                                    const float* xs = args.inputs[0].data<float>();
                                    float* ys = args.outputs[0].data<float>();
#pragma omp parallel for collapse(2) schedule(static)
                                    for (int64_t n = 0; n < batch; ++n) {
                                      for (int64_t b = 0; b < blocks; ++b) {
                                        const int64_t c0 = b * kBlock,
                                                      width = std::min(kBlock, channels - c0);
                                        float* out = ys + n * channels + c0;
                                        const float* image = xs + n * cells * channels + c0;
                                        std::copy(image, image + width, out);
                                        for (int64_t p = 1; p < cells; ++p) {
                                          const float* v = image + p * channels;
                                          if (kind == ReduceKind::kMean) {
                                            for (int64_t c = 0; c < width; ++c) out[c] += v[c];
                                          } else {
                                            for (int64_t c = 0; c < width; ++c) {
                                              if (replaces_max(v[c], out[c])) out[c] = v[c];
                                            }
                                          }
                                        }
                                        if (kind == ReduceKind::kMean) {
                                          for (int64_t c = 0; c < width; ++c)
                                            out[c] /= static_cast<float>(cells);
                                        }
                                      }
                                    }
                                    return Status::Ok();
                                  });
    op.output_layouts = {Layout::kChannelsLast};
    return op;
  }
  std::vector<bool> reduce_axis(x.shape.size(), true);
  reduce_axis[0] = reduce_axis[1] = false;
  return make_reduce(in, kind, x, reduce_axis, /*keepdims=*/true);
}

}  // namespace

Result<PreparedOp> prepare_reduce_sum(const PrepareContext& context) {
  return prepare_reduce(context, ReduceKind::kSum, 13);
}
Result<PreparedOp> prepare_reduce_sum_square(const PrepareContext& context) {
  return prepare_reduce(context, ReduceKind::kSumSquare, 18);
}
Result<PreparedOp> prepare_reduce_mean(const PrepareContext& context) {
  return prepare_reduce(context, ReduceKind::kMean, 18);
}
Result<PreparedOp> prepare_reduce_max(const PrepareContext& context) {
  return prepare_reduce(context, ReduceKind::kMax, 18);
}
Result<PreparedOp> prepare_global_average_pool(const PrepareContext& context) {
  return prepare_global_pool(context, ReduceKind::kMean);
}
Result<PreparedOp> prepare_global_max_pool(const PrepareContext& context) {
  return prepare_global_pool(context, ReduceKind::kMax);
}

}  // namespace ort_lite::nn_ops

// Clip: Y = min(max(X, min), max), elementwise; Y has X's shape and type.
//
//   opset 1-10   `min`, `max` float attributes (1-5 also `consumed_inputs`); float32/64.
//   opset 11-22  optional inputs `min` and `max`: one element each (a scalar; shape [1] is
//                accepted as exporters write it), X's type, and may be run-time values.
//                float32/64 and every integer type.
//
// An absent bound clips nothing: ONNX names numeric_limits lowest()/max() as the defaults, but
// those would turn +-inf into finite values, which no exporter means. When min > max every
// value becomes max (as the ONNX spec states). NaN stays NaN.
#include <limits>

#include <fmt/format.h>

#include "elementwise/element_types.h"
#include "elementwise/elementwise_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

namespace {

constexpr size_t kX = 0, kMin = 1, kMax = 2;

template <typename T>
constexpr T no_lower_bound() {
  if constexpr (std::numeric_limits<T>::has_infinity) return -std::numeric_limits<T>::infinity();
  return std::numeric_limits<T>::lowest();
}
template <typename T>
constexpr T no_upper_bound() {
  if constexpr (std::numeric_limits<T>::has_infinity) return std::numeric_limits<T>::infinity();
  return std::numeric_limits<T>::max();
}

template <typename T>
void clip(const T* x, T* y, int64_t n, T lo, T hi) {
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i] < lo ? lo : x[i];
    y[i] = v > hi ? hi : v;
  }
}

}  // namespace

Result<PreparedOp> prepare_clip_attributes(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(
      check_attributes(context, {"max", "min"}, {"consumed_inputs", "max", "min"}));
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, required_input(in, kX, "input", FloatTypes{}));
  AttributeReader attributes(context.node);
  ORTL_ASSIGN_OR_RETURN(float lo, attributes.get_float("min", no_lower_bound<float>()));
  ORTL_ASSIGN_OR_RETURN(float hi, attributes.get_float("max", no_upper_bound<float>()));
  KernelFn kernel = visit_types(FloatTypes{}, x.dtype, [&](auto tag) -> KernelFn {
    using T = decltype(tag);
    return [lo, hi](KernelArgs args) -> Status {
      clip(args.inputs[kX].data<T>(), args.outputs[0].data<T>(), args.outputs[0].element_count(),
           static_cast<T>(lo), static_cast<T>(hi));
      return Status::Ok();
    };
  });
  return make_prepared({x}, "clip", std::move(kernel));
}

Result<PreparedOp> prepare_clip_inputs(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {}));
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 3));
  ORTL_ASSIGN_OR_RETURN(TensorType x, required_input(in, kX, "input", NumericTypes{}));
  for (size_t i : {kMin, kMax}) {
    const char* name = i == kMin ? "min" : "max";
    ORTL_ASSIGN_OR_RETURN(std::optional<TensorType> bound, in.optional(i, name));
    if (!bound) continue;
    if (bound->dtype != x.dtype) {
      return in.error(StatusCode::kInvalidModel,
                      fmt::format("input {} ('{}', {}) is {}; it must have the type of input "
                                  "({})",
                                  i, context.node.inputs[i], name, dtype_name(bound->dtype),
                                  dtype_name(x.dtype)));
    }
    if (element_count(bound->shape) != 1) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("input {} ('{}', {}) has shape {}; it must be a scalar", i,
                                  context.node.inputs[i], name, shape_to_string(bound->shape)));
    }
  }
  KernelFn kernel = visit_types(NumericTypes{}, x.dtype, [&](auto tag) -> KernelFn {
    using T = decltype(tag);
    return [](KernelArgs args) -> Status {
      auto bound = [&](size_t i, T absent) {
        return i < args.inputs.size() && !args.inputs[i].empty() ? args.inputs[i].data<T>()[0]
                                                                 : absent;
      };
      clip(args.inputs[kX].data<T>(), args.outputs[0].data<T>(), args.outputs[0].element_count(),
           bound(kMin, no_lower_bound<T>()), bound(kMax, no_upper_bound<T>()));
      return Status::Ok();
    };
  });
  return make_prepared({x}, "clip", std::move(kernel));
}

}  // namespace ort_lite::elementwise

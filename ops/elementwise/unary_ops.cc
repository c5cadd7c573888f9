// Unary elementwise ops: Y = f(X), Y with X's shape and type. Opsets: first version to 22
// (later versions only added element types); opsets 1-5 also accept `consumed_inputs`.
//
//   Relu        max(0, X)                                  1-22  float32/64, int8/32/64
//   LeakyRelu   X < 0 ? alpha * X : X        alpha = 0.01  1-22  float32/64
//   Elu         X < 0 ? alpha * (e^X - 1) : X  alpha = 1   1-22  float32/64
//   Selu        gamma * (X <= 0 ? alpha * (e^X - 1) : X)   1-22  float32/64
//               alpha = 1.67326319..., gamma = 1.05070102...
//   Sigmoid     1 / (1 + e^-X)                             1-22  float32/64
//   HardSigmoid max(0, min(1, alpha * X + beta))           1-22  float32/64
//               alpha = 0.2, beta = 0.5
//   HardSwish   X * max(0, min(1, X / 6 + 1/2))           14-22  float32/64
//   Tanh, Erf (9-22), Sqrt, Exp, Log                       1-22  float32/64
//   Softplus    ln(1 + e^X)                                1-22  float32/64
//   Neg         -X                                         1-22  float32/64, int8/32/64
//   Abs         |X|                                        1-22  float32/64, all ints
//   Gelu        approximate = "none": X/2 * (1 + erf(X / sqrt 2))   20-22  float32/64
//               approximate = "tanh": X/2 * (1 + tanh(sqrt(2/pi) * (X + 0.044715 X^3)))
//
// NaN propagates through every op (Relu(NaN) = NaN, as numpy's maximum). Integer Neg and Abs
// wrap: Neg(INT_MIN) = Abs(INT_MIN) = INT_MIN, as numpy. Sigmoid and Softplus use forms that
// neither overflow nor lose the small tail (log1p, exp of a non-positive argument).
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "elementwise/element_types.h"
#include "elementwise/elementwise_ops.h"
#include "onednn/eltwise_kernel.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

Status check_attributes(const PrepareContext& context,
                        std::initializer_list<std::string_view> current,
                        std::initializer_list<std::string_view> legacy) {
  AttributeReader attributes(context.node);
  return attributes.check_known(context.node.opset < 6 ? legacy : current);
}

namespace {

template <typename T, typename F>
KernelFn unary_kernel(F f) {
  return [f](KernelArgs args) -> Status {
    const T* x = args.inputs[0].data<T>();
    T* y = args.outputs[0].data<T>();
    const int64_t n = args.outputs[0].element_count();
    // Large tensors in parallel, on the session's threads.
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
    return Status::Ok();
  };
}

// The unary framework: checks the one input against `types` and instantiates `f` (a generic
// callable of one element) for its type.
template <typename... Ts, typename F>
Result<PreparedOp> prepare_unary(const PrepareContext& context, TypeList<Ts...> types,
                                 std::string implementation, F f) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, required_input(in, 0, "X", types));
  KernelFn kernel =
      visit_types(types, x.dtype, [&](auto tag) { return unary_kernel<decltype(tag)>(f); });
  return make_prepared({x}, std::move(implementation), std::move(kernel));
}

// Float32 tensors of the activations whose oneDNN eltwise form gives the ONNX answer run on it
// (parallel, vectorized); other element types, and activations oneDNN lacks, on our loop.
template <typename... Ts, typename F>
Result<PreparedOp> prepare_activation(const PrepareContext& context, TypeList<Ts...> types,
                                      std::string implementation, F f,
                                      const conv::Activation& activation) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, required_input(in, 0, "X", types));
  if (x.dtype == DType::kFloat32) {
    if (auto kernel = onednn::make_eltwise_kernel(activation, element_count(x.shape))) {
      PreparedOp op;
      op.outputs = {x};
      op.kernel = std::move(kernel);
      return op;
    }
  }
  return prepare_unary(context, types, std::move(implementation), f);
}

// max(0, min(1, x)), keeping NaN (std::min and std::max would turn it into a bound).
template <typename T>
T clamp01(T x) {
  return x < T{0} ? T{0} : x > T{1} ? T{1} : x;
}

// For the ops whose only attributes in opsets 1-5 were consumed_inputs.
Status check_no_attributes(const PrepareContext& context) {
  return check_attributes(context, {}, {"consumed_inputs"});
}

}  // namespace

Result<PreparedOp> prepare_relu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_unary(context, SignedTypes{}, "relu",
                       [](auto x) { return x < decltype(x){0} ? decltype(x){0} : x; });
}

Result<PreparedOp> prepare_leaky_relu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {"alpha"}, {"alpha", "consumed_inputs"}));
  ORTL_ASSIGN_OR_RETURN(float alpha, AttributeReader(context.node).get_float("alpha", 0.01f));
  return prepare_unary(context, FloatTypes{}, "leaky_relu", [alpha](auto x) {
    using T = decltype(x);
    return x < 0 ? x * static_cast<T>(alpha) : x;
  });
}

Result<PreparedOp> prepare_elu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {"alpha"}, {"alpha", "consumed_inputs"}));
  ORTL_ASSIGN_OR_RETURN(float alpha, AttributeReader(context.node).get_float("alpha", 1.0f));
  // Not oneDNN's: its exp approximation leaves elu(0) off zero by ~1e-6.
  return prepare_unary(context, FloatTypes{}, "elu", [alpha](auto x) {
    using T = decltype(x);
    return x < 0 ? static_cast<T>(alpha) * std::expm1(x) : x;
  });
}

Result<PreparedOp> prepare_selu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(
      check_attributes(context, {"alpha", "gamma"}, {"alpha", "consumed_inputs", "gamma"}));
  AttributeReader attributes(context.node);
  ORTL_ASSIGN_OR_RETURN(float alpha, attributes.get_float("alpha", 1.67326319217681884765625f));
  ORTL_ASSIGN_OR_RETURN(float gamma, attributes.get_float("gamma", 1.05070102214813232421875f));
  // Not oneDNN's: as Elu.
  return prepare_unary(context, FloatTypes{}, "selu", [alpha, gamma](auto x) {
    using T = decltype(x);
    return static_cast<T>(gamma) * (x <= 0 ? static_cast<T>(alpha) * std::expm1(x) : x);
  });
}

Result<PreparedOp> prepare_sigmoid(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_activation(context, FloatTypes{}, "sigmoid",
                            [](auto x) {
                              using T = decltype(x);
                              if (x >= 0) return T{1} / (T{1} + std::exp(-x));
                              const T e = std::exp(x);
                              return e / (T{1} + e);
                            },
                            {"Sigmoid", 0, 0, ""});
}

Result<PreparedOp> prepare_hard_sigmoid(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(
      check_attributes(context, {"alpha", "beta"}, {"alpha", "beta", "consumed_inputs"}));
  AttributeReader attributes(context.node);
  ORTL_ASSIGN_OR_RETURN(float alpha, attributes.get_float("alpha", 0.2f));
  ORTL_ASSIGN_OR_RETURN(float beta, attributes.get_float("beta", 0.5f));
  // Not oneDNN's: its clip turns NaN into 0.
  return prepare_unary(context, FloatTypes{}, "hard_sigmoid", [alpha, beta](auto x) {
    using T = decltype(x);
    return clamp01(static_cast<T>(alpha) * x + static_cast<T>(beta));
  });
}

Result<PreparedOp> prepare_hard_swish(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {}));
  return prepare_activation(context, FloatTypes{}, "hard_swish",
                            [](auto x) {
                              using T = decltype(x);
                              return x * clamp01(x / T{6} + T{0.5});
                            },
                            {"HardSwish", 0, 0, ""});
}

Result<PreparedOp> prepare_tanh(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_activation(context, FloatTypes{}, "tanh", [](auto x) { return std::tanh(x); },
                            {"Tanh", 0, 0, ""});
}

Result<PreparedOp> prepare_softplus(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {}));
  return prepare_activation(context, FloatTypes{}, "softplus",
                            [](auto x) {
                              // ln(1 + e^x) = x + ln(1 + e^-x): e^-x cannot overflow for x > 0.
                              return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
                            },
                            {"Softplus", 0, 0, ""});
}

Result<PreparedOp> prepare_erf(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {}));
  return prepare_unary(context, FloatTypes{}, "erf", [](auto x) { return std::erf(x); });
}

Result<PreparedOp> prepare_sqrt(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_activation(context, FloatTypes{}, "sqrt", [](auto x) { return std::sqrt(x); },
                            {"Sqrt", 0, 0, ""});
}

Result<PreparedOp> prepare_exp(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_activation(context, FloatTypes{}, "exp", [](auto x) { return std::exp(x); },
                            {"Exp", 0, 0, ""});
}

Result<PreparedOp> prepare_log(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  // Not oneDNN's: its approximation leaves log(1) off zero by ~1e-6.
  return prepare_unary(context, FloatTypes{}, "log", [](auto x) { return std::log(x); });
}

Result<PreparedOp> prepare_neg(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_unary(context, SignedTypes{}, "neg", [](auto x) { return wrapping_neg(x); });
}

Result<PreparedOp> prepare_abs(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_no_attributes(context));
  return prepare_unary(context, NumericTypes{}, "abs", [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_unsigned_v<T>) {
      return x;
    } else if constexpr (std::is_integral_v<T>) {
      return x < 0 ? wrapping_neg(x) : x;
    } else {
      return std::abs(x);
    }
  });
}

Result<PreparedOp> prepare_gelu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {"approximate"}, {"approximate"}));
  AttributeReader attributes(context.node);
  // Read in place: moving the string out of the Result trips a GCC 12 false
  // -Wmaybe-uninitialized.
  const Result<std::string> read = attributes.get_string("approximate", "none");
  if (!read.ok()) return read.status();
  const std::string& approximate = *read;
  if (approximate == "none") {
    return prepare_activation(
        context, FloatTypes{}, "gelu",
        [](auto x) {
          using T = decltype(x);
          return T{0.5} * x * (T{1} + std::erf(x * static_cast<T>(1 / std::numbers::sqrt2)));
        },
        {"Gelu", 0, 0, "none"});
  }
  if (approximate == "tanh") {
    return prepare_activation(context, FloatTypes{}, "gelu (tanh approximation)",
                              [](auto x) {
                                using T = decltype(x);
                                const T k = static_cast<T>(std::sqrt(2 / std::numbers::pi));
                                return T{0.5} * x *
                                       (T{1} + std::tanh(k * (x + T{0.044715} * x * x * x)));
                              },
                              {"Gelu", 0, 0, "tanh"});
  }
  return attributes.error(StatusCode::kInvalidModel, "approximate",
                          fmt::format("'{}' is not one of none, tanh", approximate));
}

}  // namespace ort_lite::elementwise

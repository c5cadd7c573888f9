// Binary elementwise ops with broadcasting: C = A op B.
//
//   Add, Sub, Mul, Div  A, B: the same numeric type (float32/64, int8, uint8, int32, int64).
//                       Integer overflow wraps (two's complement). Integer Div truncates toward
//                       zero (C, ONNX Runtime); x / 0 gives 0 (numpy) and INT_MIN / -1 wraps to
//                       INT_MIN, where C++ would trap.
//   Pow                 X: float32/64, int32, int64; Y: float32/64, int8, uint8, int32, int64
//                       (the types may differ); Z has X's type. Float X: computed in double,
//                       rounded once. Integer X with integer Y: exact, wrapping; a negative
//                       exponent gives 0 unless |X| = 1 (0 ^ -n gives 0). Integer X with float
//                       Y: computed in double, converted as Cast does.
//   Equal               A, B: the same type (numeric or bool); C: bool. NaN equals nothing.
//   PRelu               Y = X < 0 ? slope * X : X; float32/64, int32, int64. slope broadcasts to
//                       X one way (Y has X's shape).
//
// Opsets: 1-22. From opset 7, numpy (multidirectional) broadcasting. Before 7 (the `broadcast`
// and `axis` attributes): with broadcast = 0 the shapes must be equal; with broadcast = 1, B's
// dims line up with A's from `axis` (default: B's dims are A's last ones), each equal to A's or 1,
// and C has A's shape. Opsets 1-5 of Add/Sub/Mul/Div also accept `consumed_inputs`. PRelu before
// 7 applies a 1-D slope of A's channel count along axis 1 (PyTorch's exports do that) and
// otherwise broadcasts as from 7.
#include <cmath>

#include <fmt/format.h>

#include "elementwise/broadcast_loop.h"
#include "elementwise/element_types.h"
#include "elementwise/elementwise_ops.h"
#include "onednn/binary_kernel.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

namespace {

constexpr size_t kA = 0, kB = 1;

// The operand shapes as the walk sees them, and the output shape.
struct BinaryShapes {
  Shape out;
  Shape a;
  Shape b;
};

// Opset < 7: B stretched to A's rank as `broadcast` and `axis` say.
Result<Shape> legacy_b_shape(const OpInputs& in, const Shape& a, const Shape& b) {
  AttributeReader attributes = in.attributes();
  ORTL_ASSIGN_OR_RETURN(int64_t broadcast, attributes.get_int("broadcast", 0));
  if (broadcast != 0 && broadcast != 1) {
    return attributes.error(StatusCode::kInvalidModel, "broadcast",
                            fmt::format("{} must be 0 or 1", broadcast));
  }
  if (broadcast == 0) {
    if (a == b) return b;
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("A {} and B {} must have the same shape: opset {} broadcasts only "
                                "with attribute 'broadcast' = 1",
                                shape_to_string(a), shape_to_string(b), in.node().opset));
  }
  const auto rank_a = static_cast<int64_t>(a.size());
  const auto rank_b = static_cast<int64_t>(b.size());
  if (rank_b > rank_a) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("B {} has more dims than A {}: opset {} broadcasts B to A",
                                shape_to_string(b), shape_to_string(a), in.node().opset));
  }
  ORTL_ASSIGN_OR_RETURN(int64_t axis, attributes.get_int("axis", rank_a - rank_b));
  if (axis < 0) axis += rank_a;
  if (axis < 0 || axis + rank_b > rank_a) {
    return attributes.error(
        StatusCode::kInvalidModel, "axis",
        fmt::format("{}: B {} must fit in A {} from this axis (allowed 0 to {})", axis,
                    shape_to_string(b), shape_to_string(a), rank_a - rank_b));
  }
  Shape stretched(a.size(), 1);
  for (int64_t i = 0; i < rank_b; ++i) {
    const int64_t d = b[i];
    if (d != 1 && d != a[axis + i]) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("B {} does not broadcast to A {} from axis {}: dim {} is {}, "
                                  "A has {}",
                                  shape_to_string(b), shape_to_string(a), axis, i, d, a[axis + i]));
    }
    stretched[axis + i] = d;
  }
  return stretched;
}

Result<BinaryShapes> binary_shapes(const OpInputs& in, const Shape& a, const Shape& b) {
  if (in.node().opset < 7) {
    ORTL_ASSIGN_OR_RETURN(Shape stretched, legacy_b_shape(in, a, b));
    return BinaryShapes{a, a, std::move(stretched)};
  }
  const Shape shapes[] = {a, b};
  Result<Shape> out = broadcast_shapes(shapes);
  if (!out.ok()) return out.status().with_context(in.node().label());
  // The output can be far larger than either input: refuse a size that overflows.
  if (Status s = checked_element_count(*out).status(); !s.ok()) {
    return s.with_context(in.node().label());
  }
  return BinaryShapes{std::move(out).value(), a, b};
}

// Opsets 1-6 define `axis` and `broadcast` (legacy broadcasting); opsets 1-5 of Add, Sub, Mul
// and Div also `consumed_inputs`.
Status check_binary_attributes(const PrepareContext& context, bool had_consumed_inputs) {
  AttributeReader attributes(context.node);
  const int64_t opset = context.node.opset;
  if (opset >= 7) return attributes.check_known({});
  if (opset < 6 && had_consumed_inputs) {
    return attributes.check_known({"axis", "broadcast", "consumed_inputs"});
  }
  return attributes.check_known({"axis", "broadcast"});
}

Status check_same_type(const OpInputs& in, const TensorType& a, const TensorType& b) {
  if (a.dtype == b.dtype) return Status::Ok();
  return in.error(
      StatusCode::kInvalidModel,
      fmt::format("inputs '{}' ({}) and '{}' ({}) must have the same type", in.node().inputs[kA],
                  dtype_name(a.dtype), in.node().inputs[kB], dtype_name(b.dtype)));
}

template <typename A, typename B, typename Out, typename Op>
KernelFn binary_kernel(const BinaryShapes& shapes, Op op) {
  const Shape operands[] = {shapes.a, shapes.b};
  return [loop = BroadcastLoop(shapes.out, operands), op](KernelArgs args) -> Status {
    binary_loop(loop, args.inputs[kA].data<A>(), args.inputs[kB].data<B>(),
                args.outputs[0].data<Out>(), op);
    return Status::Ok();
  };
}

// The two inputs of a binary op; `types` bounds A's type (the caller checks B's).
template <typename Types>
Result<std::pair<TensorType, TensorType>> binary_inputs(const OpInputs& in, Types types,
                                                        const char* a_name, const char* b_name) {
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_ASSIGN_OR_RETURN(TensorType a, required_input(in, kA, a_name, types));
  ORTL_ASSIGN_OR_RETURN(TensorType b, in.required(kB, b_name));
  return std::pair{a, b};
}

struct AddOp {
  static constexpr const char* kName = "add";
  static constexpr onednn::BinaryOp kOneDnn = onednn::BinaryOp::kAdd;
  template <typename T>
  T operator()(T a, T b) const {
    return wrapping_add(a, b);
  }
};
struct SubOp {
  static constexpr const char* kName = "sub";
  static constexpr onednn::BinaryOp kOneDnn = onednn::BinaryOp::kSub;
  template <typename T>
  T operator()(T a, T b) const {
    return wrapping_sub(a, b);
  }
};
struct MulOp {
  static constexpr const char* kName = "mul";
  static constexpr onednn::BinaryOp kOneDnn = onednn::BinaryOp::kMul;
  template <typename T>
  T operator()(T a, T b) const {
    return wrapping_mul(a, b);
  }
};
struct DivOp {
  static constexpr const char* kName = "div";
  static constexpr onednn::BinaryOp kOneDnn = onednn::BinaryOp::kDiv;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) return T{0};
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return wrapping_neg(a);
      }
    }
    return static_cast<T>(a / b);
  }
};

template <typename Op>
Result<PreparedOp> prepare_arithmetic(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_binary_attributes(context, /*had_consumed_inputs=*/true));
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(auto inputs, binary_inputs(in, NumericTypes{}, "A", "B"));
  const auto& [a, b] = inputs;
  ORTL_RETURN_IF_ERROR(check_same_type(in, a, b));
  ORTL_ASSIGN_OR_RETURN(BinaryShapes shapes, binary_shapes(in, a.shape, b.shape));
  // Float32 on oneDNN's binary primitive where it takes the shapes (the same IEEE results);
  // the reference backend keeps the loop.
  if (a.dtype == DType::kFloat32 && context.node.opset >= 7 &&
      context.options.backend != Backend::kReference) {
    const bool channels_last = context.inputs[kA].layout == Layout::kChannelsLast ||
                               context.inputs[kB].layout == Layout::kChannelsLast;
    std::unique_ptr<Kernel> onednn =
        onednn::make_binary_kernel(Op::kOneDnn, shapes.a, shapes.b, shapes.out,
                                   channels_last ? Layout::kChannelsLast : Layout::kPlain);
    if (onednn) {
      PreparedOp op;
      op.outputs = {{a.dtype, shapes.out}};
      op.kernel = std::move(onednn);
      return op;
    }
  }
  KernelFn kernel = visit_types(NumericTypes{}, a.dtype, [&](auto tag) {
    using T = decltype(tag);
    return binary_kernel<T, T, T>(shapes, Op{});
  });
  return make_prepared({{a.dtype, shapes.out}}, Op::kName, std::move(kernel));
}

// Non-negative integer powers by squaring, wrapping like Mul.
template <typename T, typename E>
T integer_power(T base, E exponent) {
  if (exponent < 0) {
    if (base == 1) return T{1};
    if constexpr (std::is_signed_v<T>) {
      if (base == -1) return exponent % 2 == 0 ? T{1} : T{-1};
    }
    return T{0};
  }
  T result{1};
  for (auto e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
    if (e & 1) result = wrapping_mul(result, base);
    base = wrapping_mul(base, base);
  }
  return result;
}

struct PowOp {
  template <typename T, typename E>
  T operator()(T base, E exponent) const {
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
    } else if constexpr (std::is_integral_v<E>) {
      return integer_power(base, exponent);
    } else {
      return convert_element<T>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
    }
  }
};

}  // namespace

Result<PreparedOp> prepare_add(const PrepareContext& context) {
  return prepare_arithmetic<AddOp>(context);
}
Result<PreparedOp> prepare_sub(const PrepareContext& context) {
  return prepare_arithmetic<SubOp>(context);
}
Result<PreparedOp> prepare_mul(const PrepareContext& context) {
  return prepare_arithmetic<MulOp>(context);
}
Result<PreparedOp> prepare_div(const PrepareContext& context) {
  return prepare_arithmetic<DivOp>(context);
}

Result<PreparedOp> prepare_pow(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_binary_attributes(context, /*had_consumed_inputs=*/false));
  using BaseTypes = TypeList<float, double, int32_t, int64_t>;
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(auto inputs, binary_inputs(in, BaseTypes{}, "X", "Y"));
  // Named references, not a structured binding: clang 14 cannot capture those in lambdas.
  const TensorType& x = inputs.first;
  const TensorType& y = inputs.second;
  ORTL_RETURN_IF_ERROR(required_input(in, kB, "Y", NumericTypes{}).status());
  ORTL_ASSIGN_OR_RETURN(BinaryShapes shapes, binary_shapes(in, x.shape, y.shape));
  KernelFn kernel = visit_types(BaseTypes{}, x.dtype, [&](auto base) {
    return visit_types(NumericTypes{}, y.dtype, [&](auto exponent) {
      using T = decltype(base);
      return binary_kernel<T, decltype(exponent), T>(shapes, PowOp{});
    });
  });
  return make_prepared({{x.dtype, shapes.out}}, "pow", std::move(kernel));
}

Result<PreparedOp> prepare_equal(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_binary_attributes(context, /*had_consumed_inputs=*/false));
  using Types = TypeList<float, double, int8_t, uint8_t, int32_t, int64_t, bool>;
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(auto inputs, binary_inputs(in, Types{}, "A", "B"));
  const auto& [a, b] = inputs;
  ORTL_RETURN_IF_ERROR(check_same_type(in, a, b));
  ORTL_ASSIGN_OR_RETURN(BinaryShapes shapes, binary_shapes(in, a.shape, b.shape));
  KernelFn kernel = visit_types(Types{}, a.dtype, [&](auto tag) {
    using T = decltype(tag);
    return binary_kernel<T, T, bool>(shapes, [](T l, T r) { return l == r; });
  });
  return make_prepared({{DType::kBool, shapes.out}}, "equal", std::move(kernel));
}

Result<PreparedOp> prepare_prelu(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {"consumed_inputs"}));
  using Types = TypeList<float, double, int32_t, int64_t>;
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(auto inputs, binary_inputs(in, Types{}, "X", "slope"));
  const auto& [x, slope] = inputs;
  ORTL_RETURN_IF_ERROR(check_same_type(in, x, slope));
  Shape slope_shape = slope.shape;
  const bool channel_slope = slope.shape.size() == 1 && x.shape.size() >= 2 &&
                             slope.shape[0] == x.shape[1] && slope.shape[0] != 1;
  if (context.node.opset < 7 && channel_slope) {
    slope_shape.resize(x.shape.size() - 1, 1);  // (C) -> (C, 1, ..., 1), aligned at axis 1
  }
  const Shape shapes[] = {x.shape, slope_shape};
  Result<Shape> out = broadcast_shapes(shapes);
  if (!out.ok() || *out != x.shape) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("slope {} does not broadcast to X {} (X's shape must not change)",
                                shape_to_string(slope.shape), shape_to_string(x.shape)));
  }
  const BinaryShapes walk{x.shape, x.shape, slope_shape};
  KernelFn kernel = visit_types(Types{}, x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return binary_kernel<T, T, T>(walk, [](T v, T s) { return v < T{0} ? wrapping_mul(v, s) : v; });
  });
  return make_prepared({x}, "prelu", std::move(kernel));
}

}  // namespace ort_lite::elementwise

// Cast: output = input converted to the element type `to`; same shape.
// CastLike: the same, with the type of a second input `target_type` instead of `to`.
//
//   Cast opset 1-5: `to` is a type name ("FLOAT"); 6-22: a TensorProto.DataType code;
//   19-22 also `saturate`, which only concerns float8 targets (refused), so it is checked and
//   otherwise ignored. CastLike: opset 15-22 (`saturate` from 19).
//   Types: every ort-lite DType (float32, float64, float16, int8, uint8, int32, int64, bool) to
//   every other; string, bfloat16, float8, int4, int16 and the unsigned 16/32/64-bit types are
//   refused as unsupported.
//
// Conversions (ONNX leaves the out-of-range ones undefined; see convert_element()):
//   float -> integer truncates toward zero; NaN gives 0; out-of-range values and infinities
//   saturate to the target's limits. integer -> narrower integer keeps the low bits.
//   x -> bool is x != 0 (NaN -> true); bool -> x is 0 or 1. float16 goes through float32
//   (float64 -> float16 thus rounds twice: within half an ulp of float16 either way).
#include <fmt/format.h>

#include "elementwise/element_types.h"
#include "elementwise/elementwise_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

namespace {

// The element types of onnx.TensorProto.DataType, and the DType of those ort-lite holds.
struct OnnxType {
  int64_t code;
  const char* name;
  std::optional<DType> dtype;
};
constexpr OnnxType kOnnxTypes[] = {
    {1, "FLOAT", DType::kFloat32},      {2, "UINT8", DType::kUInt8},
    {3, "INT8", DType::kInt8},          {4, "UINT16", std::nullopt},
    {5, "INT16", std::nullopt},         {6, "INT32", DType::kInt32},
    {7, "INT64", DType::kInt64},        {8, "STRING", std::nullopt},
    {9, "BOOL", DType::kBool},          {10, "FLOAT16", DType::kFloat16},
    {11, "DOUBLE", DType::kFloat64},    {12, "UINT32", std::nullopt},
    {13, "UINT64", std::nullopt},       {14, "COMPLEX64", std::nullopt},
    {15, "COMPLEX128", std::nullopt},   {16, "BFLOAT16", std::nullopt},
    {17, "FLOAT8E4M3FN", std::nullopt}, {18, "FLOAT8E4M3FNUZ", std::nullopt},
    {19, "FLOAT8E5M2", std::nullopt},   {20, "FLOAT8E5M2FNUZ", std::nullopt},
    {21, "UINT4", std::nullopt},        {22, "INT4", std::nullopt},
    {23, "FLOAT4E2M1", std::nullopt},
};

// The type `to` names: an int code, or (opset 1-5) a name.
Result<DType> target_type(const PrepareContext& context) {
  AttributeReader attributes(context.node);
  if (!attributes.has("to")) {
    return attributes.error(StatusCode::kInvalidModel, "to", "is required");
  }
  const OnnxType* type = nullptr;
  std::string text;
  if (context.node.opset < 6) {
    ORTL_ASSIGN_OR_RETURN(text, attributes.get_string("to", ""));
    for (const OnnxType& t : kOnnxTypes) {
      if (text == t.name) type = &t;
    }
    text = fmt::format("'{}'", text);
  } else {
    ORTL_ASSIGN_OR_RETURN(int64_t code, attributes.get_int("to", 0));
    for (const OnnxType& t : kOnnxTypes) {
      if (code == t.code) type = &t;
    }
    text = type ? fmt::format("{} ({})", code, type->name) : std::to_string(code);
  }
  if (!type) {
    return attributes.error(StatusCode::kInvalidModel, "to",
                            fmt::format("{} is not an ONNX element type", text));
  }
  if (!type->dtype) {
    return attributes.error(StatusCode::kUnsupported, "to",
                            fmt::format("{}: ort-lite holds only float32, float64, float16, "
                                        "int8, uint8, int32, int64 and bool",
                                        text));
  }
  return *type->dtype;
}

// `saturate` (opset 19+) is 0 or 1 and matters only for float8 targets.
Status check_saturate(const PrepareContext& context) {
  AttributeReader attributes(context.node);
  ORTL_ASSIGN_OR_RETURN(int64_t saturate, attributes.get_int("saturate", 1));
  if (saturate != 0 && saturate != 1) {
    return attributes.error(StatusCode::kInvalidModel, "saturate",
                            fmt::format("{} must be 0 or 1", saturate));
  }
  return Status::Ok();
}

// float16 in a cast: stored as its uint16_t bits, converted through float32.
struct Half {};
template <typename T>
struct Storage {
  using type = T;
};
template <>
struct Storage<Half> {
  using type = uint16_t;
};

template <typename To, typename From>
typename Storage<To>::type cast_element(typename Storage<From>::type value) {
  if constexpr (std::is_same_v<From, Half>) {
    return cast_element<To, float>(half_to_float(value));
  } else if constexpr (std::is_same_v<To, Half>) {
    return float_to_half(convert_element<float>(value));
  } else {
    return convert_element<To>(value);
  }
}

// Calls fn(T{}) with T the C++ type of `dtype`, Half for float16 (visit_dtype gives its bits).
template <typename Fn>
auto visit_cast_type(DType dtype, Fn&& fn) {
  return visit_dtype(dtype, [&](auto tag) {
    if constexpr (std::is_same_v<decltype(tag), uint16_t>) {
      return fn(Half{});
    } else {
      return fn(tag);
    }
  });
}

PreparedOp prepare_conversion(const TensorType& input, DType to) {
  KernelFn kernel = visit_cast_type(input.dtype, [&](auto from) {
    return visit_cast_type(to, [&](auto target) -> KernelFn {
      using From = decltype(from);
      using To = decltype(target);
      return [](KernelArgs args) -> Status {
        const auto* x = static_cast<const typename Storage<From>::type*>(args.inputs[0].raw_data());
        auto* y = static_cast<typename Storage<To>::type*>(args.outputs[0].raw_data());
        const int64_t n = args.outputs[0].element_count();
        for (int64_t i = 0; i < n; ++i) y[i] = cast_element<To, From>(x[i]);
        return Status::Ok();
      };
    });
  });
  return make_prepared({{to, input.shape}},
                       fmt::format("cast {} -> {}", dtype_name(input.dtype), dtype_name(to)),
                       std::move(kernel));
}

}  // namespace

Result<PreparedOp> prepare_cast(const PrepareContext& context) {
  AttributeReader attributes(context.node);
  if (context.node.opset >= 19) {
    ORTL_RETURN_IF_ERROR(attributes.check_known({"saturate", "to"}));
    ORTL_RETURN_IF_ERROR(check_saturate(context));
  } else {
    ORTL_RETURN_IF_ERROR(attributes.check_known({"to"}));
  }
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType input, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(DType to, target_type(context));
  return prepare_conversion(input, to);
}

Result<PreparedOp> prepare_cast_like(const PrepareContext& context) {
  AttributeReader attributes(context.node);
  if (context.node.opset >= 19) {
    ORTL_RETURN_IF_ERROR(attributes.check_known({"saturate"}));
    ORTL_RETURN_IF_ERROR(check_saturate(context));
  } else {
    ORTL_RETURN_IF_ERROR(attributes.check_known({}));
  }
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_ASSIGN_OR_RETURN(TensorType input, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(TensorType target, in.required(1, "target_type"));
  return prepare_conversion(input, target.dtype);
}

}  // namespace ort_lite::elementwise

// Element-type helpers shared by the elementwise ops: compile-time type lists for dispatch,
// integer arithmetic that wraps instead of overflowing, and the one element conversion rule
// (used by Cast, and by Pow when an integer base meets a float exponent).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

// A compile-time list of element types: what an op accepts, and what gets instantiated.
template <typename... Ts>
struct TypeList {};
// Sets of DTypes. float16 is in none: the runtime widens it to float32 before ops see it.
using FloatTypes = TypeList<float, double>;
using NumericTypes = TypeList<float, double, int8_t, uint8_t, int32_t, int64_t>;
using SignedTypes = TypeList<float, double, int8_t, int32_t, int64_t>;

// Calls fn(T{}) for the T of the list whose DType is `dtype` and returns its result; a
// default-constructed result when none matches (prepare checked the dtype against the same
// list, so that does not happen). Only the listed types are instantiated.
template <typename... Ts, typename Fn>
auto visit_types(TypeList<Ts...>, DType dtype, Fn&& fn) {
  using R = decltype(fn(std::declval<std::tuple_element_t<0, std::tuple<Ts...>>>()));
  R result{};
  (void)((dtype == *dtype_of<Ts>() ? (result = fn(Ts{}), true) : false) || ...);
  return result;
}

// The type of input i, which must be one of the list's.
template <typename... Ts>
Result<TensorType> required_input(const OpInputs& in, size_t i, const char* name, TypeList<Ts...>) {
  return in.required(i, name, {*dtype_of<Ts>()...});
}

// Integer arithmetic in the unsigned type of the same width: overflow wraps around (two's
// complement) as numpy and ONNX Runtime give, instead of being undefined behaviour.
template <typename T, bool = std::is_integral_v<T>>
struct WrapTypeOf {
  using type = T;
};
template <typename T>
struct WrapTypeOf<T, true> {
  using type = std::make_unsigned_t<T>;
};
template <typename T>
using WrapType = typename WrapTypeOf<T>::type;

template <typename T>
T wrapping_add(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) + static_cast<WrapType<T>>(b));
}
template <typename T>
T wrapping_sub(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) - static_cast<WrapType<T>>(b));
}
template <typename T>
T wrapping_mul(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) * static_cast<WrapType<T>>(b));
}
template <typename T>
T wrapping_neg(T a) {
  return static_cast<T>(WrapType<T>{0} - static_cast<WrapType<T>>(a));
}

// One element converted to To, as Cast defines it:
// - float -> integer truncates toward zero; NaN gives 0, and values beyond the target's range
//   (infinities included) saturate to its limits. ONNX leaves both undefined; saturation keeps
//   results deterministic and matches what float -> uint8 image pipelines expect.
// - integer -> narrower integer keeps the low bits (two's complement), as numpy and C++20 do.
// - anything -> bool is `value != 0` (NaN gives true, as numpy); bool -> anything is 0 or 1.
template <typename To, typename From>
To convert_element(From value) {
  if constexpr (std::is_same_v<To, bool>) {
    return value != From{0};
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    // The limits as From: lowest() is a power of two (exact); max() may round up to the next
    // power of two, which is then itself out of range, hence >=.
    constexpr From kLowest = static_cast<From>(std::numeric_limits<To>::lowest());
    constexpr From kMax = static_cast<From>(std::numeric_limits<To>::max());
    if (std::isnan(value)) return To{0};
    if (value <= kLowest) return std::numeric_limits<To>::lowest();
    if (value >= kMax) return std::numeric_limits<To>::max();
    return static_cast<To>(value);
  } else {
    return static_cast<To>(value);
  }
}

}  // namespace ort_lite::elementwise

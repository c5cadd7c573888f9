// Small numeric helpers shared by the ops of ops/nn/.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

namespace ort_lite::nn_ops {

// The identity of max: -inf for floating types, the lowest value otherwise (false for bool).
template <typename T>
constexpr T max_identity() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  return std::numeric_limits<T>::lowest();
}

// Whether `candidate` replaces `current` as the maximum. NaN wins and then stays (numpy and
// PyTorch propagate NaN through max); among equal values the first one seen stays.
template <typename T>
inline bool replaces_max(T candidate, T current) {
  // Once `current` is NaN no comparison is true, so it stays.
  if constexpr (std::is_floating_point_v<T>) return candidate > current || std::isnan(candidate);
  return candidate > current;
}

}  // namespace ort_lite::nn_ops

// Inputs made up from a model's declared types and shapes, for running a model without files:
// float32 uniform in [-1, 1) from a seed, other types zero (indices and masks: 0 is valid).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ort_lite/graph.h"
#include "ort_lite/session.h"

namespace ort_lite::tools {

// The shape is the declared one, or overrides[name] (needed for symbolic or unknown dims).
Result<NamedTensor> random_input(const ValueInfo& input,
                                 const std::map<std::string, Shape>& overrides, uint32_t seed);
Tensor random_tensor(DType dtype, const Shape& shape, uint32_t seed);
// "random float32 [1, 3, 8, 8] (uniform in [-1, 1), seed 7)" / "zeros int64 [2]"
std::string describe_random(const Tensor& tensor, uint32_t seed);

}  // namespace ort_lite::tools

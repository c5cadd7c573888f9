#include "common/random_inputs.h"

#include <random>

#include <fmt/format.h>

namespace ort_lite::tools {

Tensor random_tensor(DType dtype, const Shape& shape, uint32_t seed) {
  Tensor t(dtype, shape);
  std::mt19937 rng(seed);
  if (dtype == DType::kFloat32) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : t.mutable_values<float>()) v = dist(rng);
  }
  return t;  // other types stay zero
}

Result<NamedTensor> random_input(const ValueInfo& input,
                                 const std::map<std::string, Shape>& overrides, uint32_t seed) {
  Shape shape;
  if (auto it = overrides.find(input.name); it != overrides.end()) {
    shape = it->second;
  } else {
    if (!input.shape) {
      return invalid_argument(
          fmt::format("input '{}' has no declared shape: give a file or --input-shape {}=DIMS",
                      input.name, input.name));
    }
    for (const Dim& d : *input.shape) {
      if (!d.is_fixed()) {
        return invalid_argument(fmt::format(
            "input '{}' has the symbolic dim '{}': give a file or --input-shape {}=DIMS",
            input.name, d.to_string(), input.name));
      }
      shape.push_back(d.value);
    }
  }
  if (!input.dtype) {
    return unsupported(fmt::format("input '{}' has the type '{}', which ort-lite cannot make up",
                                   input.name, input.dtype_text));
  }
  ORTL_RETURN_IF_ERROR(check_tensor_fits(*input.dtype, shape));
  return NamedTensor{input.name, random_tensor(*input.dtype, shape, seed)};
}

std::string describe_random(const Tensor& tensor, uint32_t seed) {
  if (tensor.dtype() == DType::kFloat32) {
    return fmt::format("random float32 {} (uniform in [-1, 1), seed {})",
                       shape_to_string(tensor.shape()), seed);
  }
  return fmt::format("zeros {} {}", dtype_name(tensor.dtype()), shape_to_string(tensor.shape()));
}

}  // namespace ort_lite::tools

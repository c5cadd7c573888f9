#include "ort_lite/ops/op_support.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ort_lite {

PreparedOp make_prepared(std::vector<TensorType> outputs, std::string implementation, KernelFn fn) {
  PreparedOp op;
  op.outputs = std::move(outputs);
  op.kernel = std::make_unique<FunctionKernel>(std::move(implementation), std::move(fn));
  return op;
}

Status OpInputs::error(StatusCode code, const std::string& message) const {
  return Status(code, fmt::format("{}: {}", context_.node.label(), message));
}

Status OpInputs::expect_count(size_t min, size_t max) const {
  const size_t n = count();
  if (n < min || n > max) {
    const std::string expected =
        min == max ? std::to_string(min) : fmt::format("{} to {}", min, max);
    return error(StatusCode::kInvalidModel, fmt::format("takes {} inputs, got {}", expected, n));
  }
  return Status::Ok();
}

Status OpInputs::check_type(size_t i, const char* name, DType dtype,
                            std::initializer_list<DType> allowed) const {
  if (allowed.size() == 0 || std::find(allowed.begin(), allowed.end(), dtype) != allowed.end()) {
    return Status::Ok();
  }
  std::vector<std::string_view> names;
  for (DType d : allowed) names.push_back(dtype_name(d));
  return error(StatusCode::kUnsupported,
               fmt::format("input {} ('{}', {}) is {}; supported: {}", i, context_.node.inputs[i],
                           name, dtype_name(dtype), fmt::join(names, ", ")));
}

Result<TensorType> OpInputs::required(size_t i, const char* name,
                                      std::initializer_list<DType> allowed) const {
  if (!present(i)) {
    return error(StatusCode::kInvalidModel,
                 fmt::format("required input {} ({}) is missing", i, name));
  }
  const TensorType& type = context_.inputs[i].type;
  ORTL_RETURN_IF_ERROR(check_type(i, name, type.dtype, allowed));
  return type;
}

Result<std::optional<TensorType>> OpInputs::optional(size_t i, const char* name,
                                                     std::initializer_list<DType> allowed) const {
  if (!present(i)) return std::optional<TensorType>();
  const TensorType& type = context_.inputs[i].type;
  ORTL_RETURN_IF_ERROR(check_type(i, name, type.dtype, allowed));
  return std::optional<TensorType>(type);
}

Result<const Tensor*> OpInputs::constant(size_t i, const char* name) const {
  if (!present(i)) {
    return error(StatusCode::kInvalidModel, fmt::format("input {} ({}) is missing", i, name));
  }
  const Tensor* value = context_.inputs[i].constant;
  if (!value) {
    if (context_.needed_unknown_value) *context_.needed_unknown_value = true;
    return error(StatusCode::kUnsupported,
                 fmt::format("input {} ('{}', {}) must be known when the model is prepared (an "
                             "initializer, a Constant, or computed from input shapes), because "
                             "the output shape depends on its value",
                             i, context_.node.inputs[i], name));
  }
  return value;
}

Result<std::vector<int64_t>> OpInputs::constant_ints(size_t i, const char* name) const {
  ORTL_ASSIGN_OR_RETURN(const Tensor* t, constant(i, name));
  if (t->dtype() == DType::kInt64) {
    auto v = t->values<int64_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  if (t->dtype() == DType::kInt32) {
    auto v = t->values<int32_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  return error(
      StatusCode::kInvalidModel,
      fmt::format("input {} ({}) must be int64 or int32, got {}", i, name, dtype_name(t->dtype())));
}

Result<std::vector<float>> OpInputs::constant_floats(size_t i, const char* name) const {
  ORTL_ASSIGN_OR_RETURN(const Tensor* t, constant(i, name));
  std::vector<float> out;
  switch (t->dtype()) {
    case DType::kFloat32:
      for (float v : t->values<float>()) out.push_back(v);
      return out;
    case DType::kFloat64:
      for (double v : t->values<double>()) out.push_back(static_cast<float>(v));
      return out;
    case DType::kFloat16:
      for (uint16_t v : std::span(static_cast<const uint16_t*>(t->raw_data()),
                                  static_cast<size_t>(t->element_count()))) {
        out.push_back(half_to_float(v));
      }
      return out;
    default:
      return error(StatusCode::kInvalidModel,
                   fmt::format("input {} ({}) must be a float tensor, got {}", i, name,
                               dtype_name(t->dtype())));
  }
}

Result<int64_t> normalize_axis(int64_t axis, int64_t rank, const char* what, bool inclusive) {
  const int64_t hi = inclusive ? rank + 1 : rank;
  if (axis < -hi || axis >= hi) {
    return invalid_model(fmt::format("{} = {} is out of range for rank {} (allowed [{}, {}])", what,
                                     axis, rank, -hi, hi - 1));
  }
  return axis < 0 ? axis + hi : axis;
}

Result<Shape> broadcast_shapes(std::span<const Shape> shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes) {
    const size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      const int64_t d = s[i];
      int64_t& o = out[offset + i];
      if (d == o || d == 1) continue;
      if (o == 1) {
        o = d;
        continue;
      }
      std::vector<std::string> texts;
      for (const Shape& t : shapes) texts.push_back(shape_to_string(t));
      return invalid_argument(
          fmt::format("shapes {} cannot be broadcast together", fmt::join(texts, ", ")));
    }
  }
  return out;
}

std::vector<int64_t> contiguous_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    // Only an empty tensor's outer strides can overflow (a tensor that exists fits in memory);
    // no element is ever addressed through them, so they saturate at 0.
    if (__builtin_mul_overflow(stride, shape[i], &stride)) stride = 0;
  }
  return strides;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  const std::vector<int64_t> own = contiguous_strides(in);
  const size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    strides[offset + i] = in[i] == 1 ? 0 : own[i];
  }
  return strides;
}

bool output_wanted(const Node& node, size_t i) {
  return i < node.outputs.size() && !node.outputs[i].empty();
}

int64_t saturating_mul(int64_t a, int64_t b) {
  int64_t r;
  if (!__builtin_mul_overflow(a, b, &r)) return r;
  return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min()
                            : std::numeric_limits<int64_t>::max();
}

int64_t element_count(std::span<const int64_t> shape) {
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;  // however large the rest
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace ort_lite

// Tensor: a dense, C-ordered (row-major) array with an element type and a shape.
//
// This is the type users pass in and get back. Storage is 64-byte aligned and reference
// counted: copying a Tensor shares its buffer (use clone() for a deep copy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ort_lite/status.h"

namespace ort_lite {

enum class DType : uint8_t {
  kFloat32,
  kFloat64,
  kFloat16,
  kInt8,
  kUInt8,
  kInt32,
  kInt64,
  kBool,
};

size_t dtype_size(DType dtype);
// "float32", "float64", "float16", "int8", "uint8", "int32", "int64", "bool".
std::string_view dtype_name(DType dtype);
std::optional<DType> dtype_from_name(std::string_view name);

template <typename T>
constexpr std::optional<DType> dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::kFloat32;
  if constexpr (std::is_same_v<T, double>) return DType::kFloat64;
  if constexpr (std::is_same_v<T, int8_t>) return DType::kInt8;
  if constexpr (std::is_same_v<T, uint8_t>) return DType::kUInt8;
  if constexpr (std::is_same_v<T, int32_t>) return DType::kInt32;
  if constexpr (std::is_same_v<T, int64_t>) return DType::kInt64;
  if constexpr (std::is_same_v<T, bool>) return DType::kBool;
  return std::nullopt;
}

using Shape = std::vector<int64_t>;

// Number of elements of `shape` (1 for a scalar), or an error if a dim is negative or the
// product overflows int64.
Result<int64_t> checked_element_count(std::span<const int64_t> shape);
// "[1, 3, 224, 224]"
std::string shape_to_string(std::span<const int64_t> shape);
// An error if a tensor of this type and shape cannot exist here: a negative or overflowing
// shape, or more bytes than the machine's physical memory.
Status check_tensor_fits(DType dtype, std::span<const int64_t> shape);

class Tensor {
 public:
  Tensor() = default;
  // A zero-filled tensor. The shape must be valid (see checked_element_count); use create()
  // where the shape comes from untrusted input.
  Tensor(DType dtype, Shape shape);
  static Result<Tensor> create(DType dtype, Shape shape);
  // A float32 tensor holding `values` (which must have the shape's element count).
  static Tensor from_floats(Shape shape, std::span<const float> values);
  // A tensor over existing bytes, shared with `storage` (at least byte_size() of them, 64-byte
  // aligned for the kernels' sake): the plan's arena, or memory a caller owns.
  static Tensor wrap(DType dtype, Shape shape, std::shared_ptr<std::byte> storage);
  // A tensor whose bytes are not zeroed (for outputs every element of which is written).
  static Result<Tensor> create_uninitialized(DType dtype, Shape shape);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t element_count() const { return element_count_; }
  size_t byte_size() const { return static_cast<size_t>(element_count_) * dtype_size(dtype_); }
  bool empty() const { return storage_ == nullptr; }

  void* raw_data() { return storage_.get(); }
  const void* raw_data() const { return storage_.get(); }

  // Typed access; asserts that T matches the dtype.
  template <typename T>
  T* data() {
    check_type(dtype_of<T>());
    return static_cast<T*>(raw_data());
  }
  template <typename T>
  const T* data() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(raw_data());
  }
  template <typename T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<size_t>(element_count_)};
  }
  template <typename T>
  std::span<T> mutable_values() {
    return {data<T>(), static_cast<size_t>(element_count_)};
  }

  Tensor clone() const;
  // The same buffer seen with another shape of the same element count.
  Result<Tensor> reshaped(Shape shape) const;

 private:
  void check_type(std::optional<DType> requested) const;

  DType dtype_ = DType::kFloat32;
  Shape shape_;
  int64_t element_count_ = 0;
  std::shared_ptr<std::byte> storage_;
};

// float16 <-> float32 conversion (IEEE 754 binary16, round to nearest even).
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

}  // namespace ort_lite

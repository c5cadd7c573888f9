// Shared building blocks for writing ops: input access with clear errors, constant inputs,
// axes, numpy broadcasting, element-type dispatch, and a kernel made from a function.
//
// The pattern of an op (see ops/tensor/identity.cc for the smallest one):
//
//   Result<PreparedOp> prepare_relu(const PrepareContext& ctx) {
//     OpInputs in(ctx);
//     ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
//     ORTL_ASSIGN_OR_RETURN(const TensorType& x, in.required(0, "X", {DType::kFloat32}));
//     return make_prepared({x}, "relu", [](KernelArgs args) -> Status { ...; return {}; });
//   }
//
// Everything that can be checked from shapes and attributes is checked in prepare; run only
// computes. Errors name the node (OpInputs::error does it).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/attributes.h"

// Hot loops of ours are compiled for AVX-512, AVX2 and baseline x86-64; the loader picks the
// best the CPU has (GCC/Clang function multi-versioning). Put it on plain functions.
#define ORTL_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace ort_lite {

// What a FunctionKernel's function receives.
struct KernelArgs {
  std::span<const Tensor> inputs;  // empty() Tensor for an omitted optional input
  std::span<Tensor> outputs;       // allocated with the prepared types
};
using KernelFn = std::function<Status(KernelArgs)>;

// A Kernel whose run() is a function (usually a lambda capturing what prepare resolved).
class FunctionKernel final : public Kernel {
 public:
  FunctionKernel(std::string implementation, KernelFn fn)
      : implementation_(std::move(implementation)), fn_(std::move(fn)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    return fn_(KernelArgs{inputs, outputs});
  }
  std::string implementation() const override { return implementation_; }

 private:
  std::string implementation_;
  KernelFn fn_;
};

PreparedOp make_prepared(std::vector<TensorType> outputs, std::string implementation, KernelFn fn);

// Access to a node's inputs during prepare, with errors that name the node.
class OpInputs {
 public:
  explicit OpInputs(const PrepareContext& context) : context_(context) {}

  const Node& node() const { return context_.node; }
  const PrepareContext& context() const { return context_; }
  AttributeReader attributes() const { return AttributeReader(context_.node); }
  size_t count() const { return context_.inputs.size(); }
  bool present(size_t i) const { return i < count() && context_.inputs[i].present; }

  // Checks min <= number of inputs (trailing omitted ones included) <= max.
  Status expect_count(size_t min, size_t max) const;
  // The type of a required input, checked against `allowed` (empty: any type).
  Result<TensorType> required(size_t i, const char* name,
                              std::initializer_list<DType> allowed = {}) const;
  // nullopt when the input is omitted; otherwise as required().
  Result<std::optional<TensorType>> optional(size_t i, const char* name,
                                             std::initializer_list<DType> allowed = {}) const;
  // The value of an input that must be known at prepare time (an initializer, a Constant, or
  // computed from shapes), because the output shape depends on it.
  Result<const Tensor*> constant(size_t i, const char* name) const;
  // An int32/int64 constant input read as int64 values.
  Result<std::vector<int64_t>> constant_ints(size_t i, const char* name) const;
  // A float constant input (float32/float64/float16) read as floats.
  Result<std::vector<float>> constant_floats(size_t i, const char* name) const;

  // "<node label>: <message>" with the given code.
  Status error(StatusCode code, const std::string& message) const;

 private:
  Status check_type(size_t i, const char* name, DType dtype,
                    std::initializer_list<DType> allowed) const;
  const PrepareContext& context_;
};

// ONNX axis in [-rank, rank) (or [-rank-1, rank] with `inclusive`), made non-negative.
Result<int64_t> normalize_axis(int64_t axis, int64_t rank, const char* what,
                               bool inclusive = false);

// numpy broadcasting of any number of shapes; errors name the shapes.
Result<Shape> broadcast_shapes(std::span<const Shape> shapes);

// For an input of shape `in` broadcast to `out` (in right-aligned), the element strides to use
// when walking `out` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);

// Row-major strides of a shape.
std::vector<int64_t> contiguous_strides(const Shape& shape);

int64_t element_count(std::span<const int64_t> shape);

// Whether the node's output `i` is wanted (present and named).
bool output_wanted(const Node& node, size_t i);

// a * b, clamped to the int64 range instead of overflowing. For sizes worked out at prepare
// for outputs that may yet be refused as too large (the plan checks every output after its
// op's prepare): they must not be undefined behaviour, and are never used.
int64_t saturating_mul(int64_t a, int64_t b);

// Calls fn(T{}) with T the C++ type of `dtype` (float16 as uint16_t bits, bool as bool).
template <typename Fn>
auto visit_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kFloat32:
      return fn(float{});
    case DType::kFloat64:
      return fn(double{});
    case DType::kFloat16:
      return fn(uint16_t{});
    case DType::kInt8:
      return fn(int8_t{});
    case DType::kUInt8:
      return fn(uint8_t{});
    case DType::kInt32:
      return fn(int32_t{});
    case DType::kInt64:
      return fn(int64_t{});
    case DType::kBool:
      return fn(bool{});
  }
  return fn(float{});
}

// The element-type sets ops usually accept.
inline constexpr std::initializer_list<DType> kFloatTypes = {DType::kFloat32};
inline constexpr std::initializer_list<DType> kNumericTypes = {
    DType::kFloat32, DType::kFloat64, DType::kInt8, DType::kUInt8, DType::kInt32, DType::kInt64};
inline constexpr std::initializer_list<DType> kIndexTypes = {DType::kInt32, DType::kInt64};

}  // namespace ort_lite

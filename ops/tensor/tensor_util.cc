#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "tensor/tensor_ops.h"

#include "elementwise/element_types.h"

namespace ort_lite::tensor_ops {

Result<int64_t> resolve_axis(const OpInputs& in, int64_t axis, int64_t rank,
                             const std::string& what, StatusCode code) {
  auto normalized = normalize_axis(axis, rank, what.c_str());
  if (!normalized.ok()) return in.error(code, normalized.status().message());
  return *normalized;
}

Result<std::vector<int64_t>> resolve_axes(const OpInputs& in, std::span<const int64_t> axes,
                                          int64_t rank, const std::string& what, StatusCode code) {
  std::vector<int64_t> out;
  for (int64_t axis : axes) {
    ORTL_ASSIGN_OR_RETURN(int64_t a, resolve_axis(in, axis, rank, what, code));
    if (std::find(out.begin(), out.end(), a) != out.end()) {
      return in.error(code, fmt::format("{} names axis {} twice", what, a));
    }
    out.push_back(a);
  }
  return out;
}

Tensor int64_tensor(const Shape& shape, std::span<const int64_t> values) {
  Tensor t(DType::kInt64, shape);
  std::copy(values.begin(), values.end(), t.mutable_values<int64_t>().begin());
  return t;
}

PreparedOp make_view_op(const TensorType& x, Shape shape, const char* implementation) {
  PreparedOp op =
      make_prepared({{x.dtype, shape}}, implementation, [shape](KernelArgs args) -> Status {
        ORTL_ASSIGN_OR_RETURN(args.outputs[0], args.inputs[0].reshaped(shape));
        return Status::Ok();
      });
  op.kernel_sets_outputs = true;
  return op;
}

PreparedOp make_copy_op(const TensorType& output, std::string implementation, StridedCopy copy,
                        int64_t src_offset) {
  const int64_t offset_bytes =
      saturating_mul(src_offset, static_cast<int64_t>(dtype_size(output.dtype)));
  return make_prepared({output}, std::move(implementation),
                       [copy = std::move(copy), offset_bytes](KernelArgs args) -> Status {
                         const auto* src = static_cast<const std::byte*>(args.inputs[0].raw_data());
                         copy.run(src + offset_bytes,
                                  static_cast<std::byte*>(args.outputs[0].raw_data()));
                         return Status::Ok();
                       });
}

std::array<std::byte, 8> element_bytes(DType dtype, double value) {
  std::array<std::byte, 8> bytes{};
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    T v;
    if constexpr (std::is_same_v<T, uint16_t>) {
      v = float_to_half(static_cast<float>(value));  // float16 bits
    } else {
      // As Cast converts: an integer tensor padded with Pad-2's float `value` of 1e26 gets the
      // type's limit, not undefined behaviour.
      v = elementwise::convert_element<T>(value);
    }
    std::memcpy(bytes.data(), &v, sizeof(T));
  });
  return bytes;
}

}  // namespace ort_lite::tensor_ops

// Gather (opset 1-22): picks slices of `data` along `axis` (default 0, in [-r, r)) by
//   `indices` (int32 or int64, any rank):
//     Y[i_0..i_{a-1}, j_0..j_{q-1}, i_{a+1}..] = data[i_0..i_{a-1}, indices[j], i_{a+1}..]
//   shape(Y) = shape(data)[:axis] + shape(indices) + shape(data)[axis+1:].
//   An index k in [-d, d) (d = data's size on axis) picks k, or k + d when negative. Indices
//   out of range are an error: at prepare time when indices is a constant, else at run time,
//   before anything is written.
// Deliberate divergence: negative indices are accepted in every opset (ONNX from 11).
#include <cstring>

#include <fmt/format.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

template <typename I>
Status check_indices(std::span<const I> indices, int64_t d, int64_t axis) {
  for (size_t k = 0; k < indices.size(); ++k) {
    const auto i = static_cast<int64_t>(indices[k]);
    if (i < -d || i >= d) {
      return invalid_argument(
          fmt::format("indices[{}] = {} is out of range for axis {} of size {} (allowed [{}, {}])",
                      k, i, axis, d, -d, d - 1));
    }
  }
  return Status::Ok();
}

Status check_indices(const Tensor& indices, int64_t d, int64_t axis) {
  if (indices.dtype() == DType::kInt32) return check_indices(indices.values<int32_t>(), d, axis);
  return check_indices(indices.values<int64_t>(), d, axis);
}

struct GatherPlan {
  int64_t outer = 0;  // prod(shape(data)[:axis])
  int64_t d = 0;      // shape(data)[axis]
  int64_t axis = 0;
  size_t slice_bytes = 0;  // prod(shape(data)[axis+1:]) elements
  bool check = true;       // false when prepare already checked constant indices

  template <typename I>
  void run(const std::byte* src, std::span<const I> indices, std::byte* dst) const {
    for (int64_t o = 0; o < outer; ++o) {
      for (I index : indices) {
        const int64_t i = index < 0 ? index + d : index;
        std::memcpy(dst, src + static_cast<size_t>(o * d + i) * slice_bytes, slice_bytes);
        dst += slice_bytes;
      }
    }
  }
};

}  // namespace

Result<PreparedOp> prepare_gather(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis"}));
  ORTL_ASSIGN_OR_RETURN(TensorType data, in.required(0, "data"));
  ORTL_ASSIGN_OR_RETURN(TensorType indices, in.required(1, "indices", kIndexTypes));
  ORTL_ASSIGN_OR_RETURN(int64_t axis, in.attributes().get_int("axis", 0));
  const auto rank = static_cast<int64_t>(data.shape.size());
  ORTL_ASSIGN_OR_RETURN(
      axis, resolve_axis(in, axis, rank, "attribute 'axis'", StatusCode::kInvalidModel));
  const auto a = static_cast<size_t>(axis);

  GatherPlan plan;
  plan.outer = element_count(std::span(data.shape).first(a));
  plan.d = data.shape[a];
  plan.axis = axis;
  plan.slice_bytes = static_cast<size_t>(element_count(std::span(data.shape).subspan(a + 1))) *
                     dtype_size(data.dtype);
  if (const Tensor* constant = context.inputs[1].constant) {
    ORTL_RETURN_IF_ERROR(check_indices(*constant, plan.d, axis).with_context(context.node.label()));
    plan.check = false;
  }
  TensorType y{data.dtype, {}};
  y.shape.insert(y.shape.end(), data.shape.begin(), data.shape.begin() + axis);
  y.shape.insert(y.shape.end(), indices.shape.begin(), indices.shape.end());
  y.shape.insert(y.shape.end(), data.shape.begin() + axis + 1, data.shape.end());
  ORTL_RETURN_IF_ERROR(checked_element_count(y.shape).status().with_context(context.node.label()));

  return make_prepared({y}, "gather", [plan](KernelArgs args) -> Status {
    const Tensor& indices_value = args.inputs[1];
    if (plan.check) ORTL_RETURN_IF_ERROR(check_indices(indices_value, plan.d, plan.axis));
    const auto* src = static_cast<const std::byte*>(args.inputs[0].raw_data());
    auto* dst = static_cast<std::byte*>(args.outputs[0].raw_data());
    if (indices_value.dtype() == DType::kInt32) {
      plan.run(src, indices_value.values<int32_t>(), dst);
    } else {
      plan.run(src, indices_value.values<int64_t>(), dst);
    }
    return Status::Ok();
  });
}

}  // namespace ort_lite::tensor_ops

// Expand (opset 8-22): Y = X broadcast (numpy rules, both ways) with the 1-D int `shape`
//   input: shape(Y) = broadcast(shape(X), shape), so a 1 in `shape` keeps X's dim.
// Tile (opset 6-22): Y = X repeated repeats[i] times along each axis i; `repeats` is a 1-D int
//   input with one value >= 0 per axis. shape(Y)[i] = shape(X)[i] * repeats[i].
//   Opset 1-5 (inputs `tiles` and `axis`) is not registered.
// Both inputs must be known at prepare time. Both are one strided copy reading X with stride 0
// on broadcast dims: Tile walks the output as (r0, d0, r1, d1, ...), which is its memory order.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

Result<PreparedOp> prepare_expand(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> shape, in.constant_ints(1, "shape"));
  for (int64_t d : shape) {
    if (d < 0) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("shape [{}] has a negative dim", fmt::join(shape, ", ")));
    }
  }
  const Shape shapes[] = {x.shape, shape};
  auto out = broadcast_shapes(shapes);
  if (!out.ok()) return out.status().with_context(context.node.label());
  const TensorType y{x.dtype, std::move(out).value()};
  ORTL_RETURN_IF_ERROR(checked_element_count(y.shape).status().with_context(context.node.label()));
  StridedCopy copy(dtype_size(x.dtype), y.shape, broadcast_strides(x.shape, y.shape),
                   contiguous_strides(y.shape));
  return make_copy_op(y, "expand", std::move(copy));
}

Result<PreparedOp> prepare_tile(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, in.constant_ints(1, "repeats"));
  bool valid = repeats.size() == x.shape.size();
  for (int64_t r : repeats) valid = valid && r >= 0;
  if (!valid) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("repeats [{}] must hold one value >= 0 per axis of the input "
                                "(shape {})",
                                fmt::join(repeats, ", "), shape_to_string(x.shape)));
  }
  const std::vector<int64_t> in_strides = contiguous_strides(x.shape);
  Shape walk;
  std::vector<int64_t> src_strides;
  TensorType y{x.dtype, {}};
  for (size_t i = 0; i < x.shape.size(); ++i) {
    walk.insert(walk.end(), {repeats[i], x.shape[i]});
    src_strides.insert(src_strides.end(), {0, in_strides[i]});
  }
  for (size_t i = 0; i < x.shape.size(); ++i) {
    // Each output dim on its own too: a 0 elsewhere would hide its overflow in the total.
    const int64_t pair[] = {repeats[i], x.shape[i]};
    auto dim = checked_element_count(pair);
    if (!dim.ok()) return dim.status().with_context(context.node.label());
    y.shape.push_back(*dim);
  }
  ORTL_RETURN_IF_ERROR(checked_element_count(walk).status().with_context(context.node.label()));
  StridedCopy copy(dtype_size(x.dtype), walk, src_strides, contiguous_strides(walk));
  return make_copy_op(y, "tile", std::move(copy));
}

}  // namespace ort_lite::tensor_ops

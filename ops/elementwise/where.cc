// Where: output = condition ? X : Y, elementwise, with numpy broadcasting of all three.
//
//   condition  bool
//   X, Y       the same type, any (the op only moves elements, so it copies them by size)
//   opset 9-22 (16 only added types)
#include <fmt/format.h>

#include "elementwise/broadcast_loop.h"
#include "elementwise/elementwise_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::elementwise {

namespace {

constexpr size_t kCondition = 0, kX = 1, kY = 2;

template <typename T>
void select(const BroadcastLoop& loop, const bool* c, const T* x, const T* y, T* out) {
  const int64_t sc = loop.row_stride(0), sx = loop.row_stride(1), sy = loop.row_stride(2);
  loop.for_each_row([&](int64_t o, const BroadcastLoop::Offsets& offsets, int64_t n) {
    const bool* pc = c + offsets[0];
    const T* px = x + offsets[1];
    const T* py = y + offsets[2];
    T* po = out + o;
    for (int64_t i = 0; i < n; ++i) po[i] = pc[i * sc] ? px[i * sx] : py[i * sy];
  });
}

}  // namespace

Result<PreparedOp> prepare_where(const PrepareContext& context) {
  ORTL_RETURN_IF_ERROR(check_attributes(context, {}, {}));
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(3, 3));
  ORTL_ASSIGN_OR_RETURN(TensorType condition, in.required(kCondition, "condition", {DType::kBool}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(kX, "X"));
  ORTL_ASSIGN_OR_RETURN(TensorType y, in.required(kY, "Y"));
  if (x.dtype != y.dtype) {
    return in.error(StatusCode::kInvalidModel,
                    fmt::format("inputs X ('{}', {}) and Y ('{}', {}) must have the same type",
                                context.node.inputs[kX], dtype_name(x.dtype),
                                context.node.inputs[kY], dtype_name(y.dtype)));
  }
  const Shape shapes[] = {condition.shape, x.shape, y.shape};
  Result<Shape> out = broadcast_shapes(shapes);
  if (!out.ok()) return out.status().with_context(context.node.label());
  if (Status s = checked_element_count(*out).status(); !s.ok()) {
    return s.with_context(context.node.label());
  }
  // Elements are copied, never interpreted: one instantiation per element size.
  auto make_kernel = [&](auto tag) -> KernelFn {
    using T = decltype(tag);
    return [loop = BroadcastLoop(*out, shapes)](KernelArgs args) -> Status {
      select(loop, args.inputs[kCondition].data<bool>(),
             static_cast<const T*>(args.inputs[kX].raw_data()),
             static_cast<const T*>(args.inputs[kY].raw_data()),
             static_cast<T*>(args.outputs[0].raw_data()));
      return Status::Ok();
    };
  };
  KernelFn kernel;
  switch (dtype_size(x.dtype)) {
    case 1:
      kernel = make_kernel(uint8_t{});
      break;
    case 2:
      kernel = make_kernel(uint16_t{});
      break;
    case 4:
      kernel = make_kernel(uint32_t{});
      break;
    default:
      kernel = make_kernel(uint64_t{});
      break;
  }
  return make_prepared({{x.dtype, *out}}, "where", std::move(kernel));
}

}  // namespace ort_lite::elementwise

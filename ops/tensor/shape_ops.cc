// Ops whose outputs follow from shapes and constants, so they fold at prepare time.
//
// Shape (opset 1-22): the 1-D int64 tensor of X's dims [start, end). Opset 15+ attributes
//   start (default 0) and end (default r): negative values add r, then both clamp to [0, r];
//   start >= end gives an empty tensor. Returned as known_outputs.
// Size (opset 1-22): the int64 scalar element count of X. Returned as known_outputs.
// ConstantOfShape (opset 9-22): a tensor of shape `input` (1-D int64, each >= 0, known at
//   prepare time; an empty shape gives a scalar) filled with the one element of the `value`
//   attribute tensor (default float32 0); the output has value's type.
// Range (opset 11-22): start, limit, delta: scalars (one element) of one type (float32,
//   float64, int32, int64), all known at prepare time, delta != 0.
//   Y[i] = start + i * delta for i < max(ceil((limit - start) / delta), 0).
//   Integers are computed exactly; floats in double, then rounded to the type once (ONNX
//   Runtime adds delta repeatedly in the type, which can differ in the last bits).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

// A prepared op whose outputs prepare already computed: the runtime folds it; the kernel
// writes the same values should it ever run.
PreparedOp make_known(Tensor value, const char* implementation) {
  PreparedOp op = make_prepared(
      {{value.dtype(), value.shape()}}, implementation, [value](KernelArgs args) -> Status {
        std::memcpy(args.outputs[0].raw_data(), value.raw_data(), value.byte_size());
        return Status::Ok();
      });
  op.known_outputs.push_back(std::move(value));
  return op;
}

}  // namespace

Result<PreparedOp> prepare_shape(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  if (context.node.opset < 15) {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  } else {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"start", "end"}));
  }
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  const auto rank = static_cast<int64_t>(x.shape.size());
  auto clamp_end = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  ORTL_ASSIGN_OR_RETURN(int64_t start, in.attributes().get_int("start", 0));
  ORTL_ASSIGN_OR_RETURN(int64_t end, in.attributes().get_int("end", rank));
  start = clamp_end(start);
  end = std::max(start, clamp_end(end));
  const std::span<const int64_t> dims =
      std::span(x.shape).subspan(static_cast<size_t>(start), static_cast<size_t>(end - start));
  return make_known(int64_tensor({end - start}, dims), "shape");
}

Result<PreparedOp> prepare_size(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  const int64_t count = element_count(x.shape);
  return make_known(int64_tensor({}, std::span(&count, 1)), "size");
}

Result<PreparedOp> prepare_constant_of_shape(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"value"}));
  ORTL_RETURN_IF_ERROR(in.required(0, "input", {DType::kInt64}).status());
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> shape, in.constant_ints(0, "input"));
  Tensor value(DType::kFloat32, {1});
  if (auto it = context.node.attributes.find("value"); it != context.node.attributes.end()) {
    const Tensor* t = std::get_if<Tensor>(&it->second);
    if (!t || t->element_count() != 1) {
      return in.attributes().error(StatusCode::kInvalidModel, "value",
                                   "must be a tensor of one element");
    }
    value = *t;
  }
  if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input shape [{}] has a negative dim", fmt::join(shape, ", ")));
  }
  ORTL_RETURN_IF_ERROR(checked_element_count(shape).status().with_context(context.node.label()));
  return make_prepared({{value.dtype(), shape}}, "constant of shape",
                       [value](KernelArgs args) -> Status {
                         Tensor& y = args.outputs[0];
                         const size_t size = dtype_size(y.dtype());
                         auto* dst = static_cast<std::byte*>(y.raw_data());
                         for (int64_t i = 0; i < y.element_count(); ++i, dst += size) {
                           std::memcpy(dst, value.raw_data(), size);
                         }
                         return Status::Ok();
                       });
}

namespace {

constexpr const char* kRangeNames[] = {"start", "limit", "delta"};

// The length of Range's output from its three values.
Result<int64_t> range_length(const OpInputs& in, const std::array<const Tensor*, 3>& v) {
  auto fail = [&](const std::string& why) { return in.error(StatusCode::kInvalidArgument, why); };
  if (v[0]->dtype() == DType::kInt32 || v[0]->dtype() == DType::kInt64) {
    std::array<int64_t, 3> x{};
    for (size_t i = 0; i < 3; ++i) {
      x[i] =
          v[i]->dtype() == DType::kInt32 ? v[i]->values<int32_t>()[0] : v[i]->values<int64_t>()[0];
    }
    const auto [start, limit, delta] = x;
    if (delta == 0) return fail("delta must not be 0");
    if (delta > 0 ? limit <= start : limit >= start) return int64_t{0};
    // Unsigned: limit - start may not fit in int64.
    const uint64_t distance = delta > 0
                                  ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                                  : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit);
    const uint64_t step =
        delta > 0 ? static_cast<uint64_t>(delta) : 0 - static_cast<uint64_t>(delta);
    const uint64_t n = (distance - 1) / step + 1;
    if (n > static_cast<uint64_t>(INT64_MAX)) return fail("the output would be too long");
    return static_cast<int64_t>(n);
  }
  std::array<double, 3> x{};
  for (size_t i = 0; i < 3; ++i) {
    x[i] = v[i]->dtype() == DType::kFloat32 ? v[i]->values<float>()[0] : v[i]->values<double>()[0];
  }
  const auto [start, limit, delta] = x;
  if (delta == 0) return fail("delta must not be 0");
  const double n = std::ceil((limit - start) / delta);
  if (std::isnan(n) || n > 0x1p62) {
    return fail(fmt::format("start {}, limit {}, delta {} do not give a finite length", start,
                            limit, delta));
  }
  return static_cast<int64_t>(std::max(n, 0.0));
}

}  // namespace

Result<PreparedOp> prepare_range(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(3, 3));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  std::array<const Tensor*, 3> values{};
  DType dtype = DType::kFloat32;
  for (size_t i = 0; i < 3; ++i) {
    ORTL_ASSIGN_OR_RETURN(TensorType t, in.required(i, kRangeNames[i],
                                                    {DType::kFloat32, DType::kFloat64,
                                                     DType::kInt32, DType::kInt64}));
    if (i == 0) dtype = t.dtype;
    if (t.dtype != dtype || element_count(t.shape) != 1) {
      return in.error(
          StatusCode::kInvalidModel,
          fmt::format("{} must be a scalar of start's type {}, got {} {}", kRangeNames[i],
                      dtype_name(dtype), dtype_name(t.dtype), shape_to_string(t.shape)));
    }
    ORTL_ASSIGN_OR_RETURN(values[i], in.constant(i, kRangeNames[i]));
  }
  ORTL_ASSIGN_OR_RETURN(int64_t length, range_length(in, values));
  return make_prepared({{dtype, {length}}}, "range", [](KernelArgs args) -> Status {
    Tensor& y = args.outputs[0];
    visit_dtype(y.dtype(), [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        const double start = args.inputs[0].values<T>()[0], delta = args.inputs[2].values<T>()[0];
        std::span<T> out = y.mutable_values<T>();
        for (size_t i = 0; i < out.size(); ++i) {
          out[i] = static_cast<T>(start + static_cast<double>(i) * delta);
        }
      } else if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
        // Modular arithmetic: i * delta alone may overflow, start + i * delta never does.
        const auto start = static_cast<uint64_t>(args.inputs[0].values<T>()[0]);
        const auto delta = static_cast<uint64_t>(args.inputs[2].values<T>()[0]);
        std::span<T> out = y.mutable_values<T>();
        for (size_t i = 0; i < out.size(); ++i) {
          out[i] = static_cast<T>(static_cast<int64_t>(start + i * delta));
        }
      }
    });
    return Status::Ok();
  });
}

}  // namespace ort_lite::tensor_ops

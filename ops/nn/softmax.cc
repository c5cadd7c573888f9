// Softmax and LogSoftmax.
//
//   Softmax:    y = exp(x - m) / sum(exp(x - m))
//   LogSoftmax: y = (x - m) - log(sum(exp(x - m)))
//   where m is the maximum of the normalized group (subtracting it keeps exp finite).
//
// Attribute axis (int):
//   opset 1-12: default 1. x is seen as 2-D (prod(shape[:axis]), prod(shape[axis:])) and each
//     row of that matrix is normalized: the whole trailing block, not one axis.
//   opset 13-22: default -1. Each 1-D slice along `axis` is normalized.
//   axis in [-r, r-1] in both (opset 1 allowed only non-negative values; accepting negative
//   ones there is harmless).
// Types: float32. Layout: any rank >= 1; the output has the input's shape.
#include <cmath>

#include <fmt/format.h>

#include "nn/nn_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

namespace {

// The input as (outer, length, inner): normalize over `length`, whose elements are `inner`
// apart.
struct SoftmaxLayout {
  int64_t outer = 1;
  int64_t length = 1;
  int64_t inner = 1;
};

template <bool kLog>
void softmax(const SoftmaxLayout& l, const float* x, float* y) {
  for (int64_t o = 0; o < l.outer; ++o) {
    for (int64_t i = 0; i < l.inner; ++i) {
      const int64_t base = o * l.length * l.inner + i;
      const float* xs = x + base;
      float* ys = y + base;
      float max = -INFINITY;
      for (int64_t k = 0; k < l.length; ++k) max = std::fmax(max, xs[k * l.inner]);
      // A row of -inf (or all +inf) has no finite maximum: x - max is NaN, as in numpy.
      double sum = 0;
      for (int64_t k = 0; k < l.length; ++k) {
        const float e = std::exp(xs[k * l.inner] - max);
        if constexpr (!kLog) ys[k * l.inner] = e;
        sum += e;
      }
      if constexpr (kLog) {
        const float log_sum = static_cast<float>(std::log(sum));
        for (int64_t k = 0; k < l.length; ++k) {
          ys[k * l.inner] = xs[k * l.inner] - max - log_sum;
        }
      } else {
        const float scale = static_cast<float>(1.0 / sum);
        for (int64_t k = 0; k < l.length; ++k) ys[k * l.inner] *= scale;
      }
    }
  }
}

template <bool kLog>
Result<PreparedOp> prepare(const PrepareContext& context) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  ORTL_RETURN_IF_ERROR(attrs.check_known({"axis"}));
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input", kFloatTypes));
  const bool single_axis = context.node.opset >= 13;
  ORTL_ASSIGN_OR_RETURN(int64_t axis_value, attrs.get_int("axis", single_axis ? -1 : 1));
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  auto axis = normalize_axis(axis_value, rank, "axis");
  if (!axis.ok()) {
    return attrs.error(StatusCode::kInvalidModel, "axis", axis.status().message());
  }
  SoftmaxLayout layout;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t size = x.shape[static_cast<size_t>(d)];
    if (d < *axis) {
      layout.outer *= size;
    } else if (d == *axis || !single_axis) {
      layout.length *= size;
    } else {
      layout.inner *= size;
    }
  }
  return make_prepared({x}, kLog ? "log softmax" : "softmax", [layout](KernelArgs args) {
    softmax<kLog>(layout, args.inputs[0].data<float>(), args.outputs[0].data<float>());
    return Status::Ok();
  });
}

}  // namespace

Result<PreparedOp> prepare_softmax(const PrepareContext& context) {
  return prepare<false>(context);
}
Result<PreparedOp> prepare_log_softmax(const PrepareContext& context) {
  return prepare<true>(context);
}

}  // namespace ort_lite::nn_ops

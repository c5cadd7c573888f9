// LayerNormalization (opset 17-22): normalizes X over its axes [axis, r):
//   Mean = mean(X), InvStdDev = 1 / sqrt(mean((X - Mean)^2) + epsilon)   (over those axes)
//   Y = (X - Mean) * InvStdDev * Scale + B
// Attributes: axis (int, default -1, in [-r, r)), epsilon (float, 1e-5), stash_type (int, 1:
//   float32 statistics; the only type ort-lite computes them in).
// Inputs: X (float32), Scale and optional B, each of X's normalized shape (X.shape[axis:]).
// Outputs: Y (X's shape); optional Mean and InvStdDev, shape X.shape[:axis] + [1] * (r - axis).
// Y alone runs on oneDNN's layer normalization; with the statistics wanted, on our parallel
// two-pass loop (mean, then the variance of the centred values).
#include <cmath>

#include <fmt/format.h>

#include "nn/nn_ops.h"
#include "onednn/layer_norm_kernel.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

Result<PreparedOp> prepare_layer_normalization(const PrepareContext& context) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  const Node& node = context.node;
  ORTL_RETURN_IF_ERROR(attrs.check_known({"axis", "epsilon", "stash_type"}));
  ORTL_ASSIGN_OR_RETURN(int64_t axis, attrs.get_int("axis", -1));
  ORTL_ASSIGN_OR_RETURN(float epsilon, attrs.get_float("epsilon", 1e-5f));
  ORTL_ASSIGN_OR_RETURN(int64_t stash_type, attrs.get_int("stash_type", 1));
  if (!(epsilon >= 0)) {
    return attrs.error(StatusCode::kInvalidModel, "epsilon",
                       fmt::format("{} must be >= 0", epsilon));
  }
  if (stash_type != 1) {
    return attrs.error(
        StatusCode::kUnsupported, "stash_type",
        fmt::format("{}: ort-lite computes the statistics in float32 (1) only", stash_type));
  }
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 3));
  if (node.outputs.empty() || node.outputs.size() > 3) {
    return in.error(
        StatusCode::kInvalidModel,
        fmt::format("has {} outputs; expected 1 to 3 (Y, Mean, InvStdDev)", node.outputs.size()));
  }
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "X", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType scale, in.required(1, "Scale", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(std::optional<TensorType> bias, in.optional(2, "B", kFloatTypes));
  const auto rank = static_cast<int64_t>(x.shape.size());
  ORTL_ASSIGN_OR_RETURN(const int64_t a, normalize_axis(axis, rank, "attribute 'axis'"));
  const Shape normalized(x.shape.begin() + a, x.shape.end());
  for (const auto& [name, t] :
       {std::pair{"Scale", std::optional<TensorType>(scale)}, std::pair{"B", bias}}) {
    if (t && t->shape != normalized) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("{} has shape {}; expected X's normalized shape {} (X {}, "
                                  "axis {})",
                                  name, shape_to_string(t->shape), shape_to_string(normalized),
                                  shape_to_string(x.shape), axis));
    }
  }
  const int64_t cols = element_count(normalized);
  const int64_t rows = cols == 0 ? 0 : element_count(x.shape) / cols;
  Shape stats(x.shape.begin(), x.shape.begin() + a);
  stats.resize(x.shape.size(), 1);
  std::vector<TensorType> outputs{x};
  for (size_t i = 1; i < node.outputs.size(); ++i) outputs.push_back({DType::kFloat32, stats});
  const bool want_stats = output_wanted(node, 1) || output_wanted(node, 2);

  if (!want_stats && rows > 0 && cols > 0) {
    if (auto kernel = onednn::make_layer_norm_kernel(rows, cols, epsilon, bias.has_value())) {
      PreparedOp op;
      op.outputs = outputs;
      op.kernel = std::move(kernel);
      return op;
    }
  }
  const bool has_bias = bias.has_value();
  return make_prepared(outputs, "layer normalization", [=](KernelArgs args) {
    const float* xs = args.inputs[0].data<float>();
    const float* w = args.inputs[1].data<float>();
    const float* b = has_bias ? args.inputs[2].data<float>() : nullptr;
    float* ys = args.outputs[0].data<float>();
    float* means = args.outputs.size() > 1 ? args.outputs[1].data<float>() : nullptr;
    float* inv_std = args.outputs.size() > 2 ? args.outputs[2].data<float>() : nullptr;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = xs + r * cols;
      double sum = 0;
      for (int64_t c = 0; c < cols; ++c) sum += row[c];
      const double mean = sum / static_cast<double>(cols);
      double squares = 0;
      for (int64_t c = 0; c < cols; ++c) squares += (row[c] - mean) * (row[c] - mean);
      const double inv = 1.0 / std::sqrt(squares / static_cast<double>(cols) + epsilon);
      for (int64_t c = 0; c < cols; ++c) {
        ys[r * cols + c] = static_cast<float>((row[c] - mean) * inv * w[c] + (b ? b[c] : 0.0f));
      }
      if (means) means[r] = static_cast<float>(mean);
      if (inv_std) inv_std[r] = static_cast<float>(inv);
    }
    return Status::Ok();
  });
}

}  // namespace ort_lite::nn_ops

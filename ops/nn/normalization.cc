// BatchNormalization (inference) and InstanceNormalization.
//
// BatchNormalization, opset 1-22, inference only:
//   y = (x - mean[c]) * scale[c] / sqrt(var[c] + epsilon) + B[c]
//   Inputs X (N, C, d1..dn) with rank >= 2; scale, B, mean, var of shape (C).
//   epsilon (float, 1e-5); momentum (float, 0.9): accepted, used only in training.
//   Opset 1-5 consumed_inputs (ints, legacy): accepted, ignored.
//   Opset 1-6 is_test (int, default 0): 0 means training, refused as unsupported.
//   Opset 1-8 spatial (int, default 1): 0 normalizes each activation on its own: scale, B,
//     mean and var then have shape (C, d1..dn).
//   Opset 14-22 training_mode (int, default 0): 1 is refused as unsupported.
//   Extra outputs (running or saved statistics) exist only in training: naming one is refused
//     (unsupported before opset 14, where asking for them selected training; invalid from 14,
//     where the spec forbids them with training_mode = 0).
//   Domain ai.ort_lite (opsets 7-22, from the fuse_batch_norm_relu rewrite): the same, with
//     attribute activation = "Relu": y = max(y, 0) in the same pass (NaN stays NaN).
// InstanceNormalization, opset 1-22:
//   y = (x - mean) * scale[c] / sqrt(variance + epsilon) + B[c], with the mean and the
//   (biased) variance taken over the spatial dims of each (n, c).
//   Inputs X (N, C, d1..dn) with rank >= 3; scale, B of shape (C). epsilon (float, 1e-5);
//   opset 1-5 consumed_inputs (legacy): accepted, ignored.
//   Statistics are computed in double, in two passes.
// Types: float32.
#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "nn/nn_ops.h"
#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

namespace {

// y[i] = x[i] * factor[i] + shift[i]
ORTL_SIMD_CLONES void multiply_add(float* y, const float* x, const float* factor,
                                   const float* shift, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * factor[i] + shift[i];
}

// ... then Relu (v < 0 ? 0 : v keeps NaN, as ONNX's Relu does).
ORTL_SIMD_CLONES void multiply_add_relu(float* y, const float* x, const float* factor,
                                        const float* shift, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i] * factor[i] + shift[i];
    y[i] = v < 0.0f ? 0.0f : v;
  }
}

// Per channel: factor = scale / sqrt(var + epsilon), shift = B - mean * factor.
struct ChannelAffine {
  std::vector<float> factor, shift;
};
ChannelAffine channel_affine(const float* scale, const float* bias, const float* mean,
                             const float* var, int64_t channels, float epsilon) {
  ChannelAffine a{std::vector<float>(static_cast<size_t>(channels)),
                  std::vector<float>(static_cast<size_t>(channels))};
  for (size_t c = 0; c < a.factor.size(); ++c) {
    const double f = scale[c] / std::sqrt(static_cast<double>(var[c]) + epsilon);
    a.factor[c] = static_cast<float>(f);
    a.shift[c] = static_cast<float>(bias[c] - mean[c] * f);
  }
  return a;
}

// Checks that each named per-channel input has exactly `shape`.
Status check_channel_inputs(const OpInputs& in, const std::vector<TensorType>& types,
                            std::initializer_list<const char*> names, const Shape& shape,
                            const TensorType& x, const char* rule) {
  size_t i = 1;
  for (const char* name : names) {
    const TensorType& t = types[i - 1];
    if (t.shape != shape) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("input {} ({}) has shape {}; expected {} ({}) for X {}", i, name,
                                  shape_to_string(t.shape), shape_to_string(shape), rule,
                                  shape_to_string(x.shape)));
    }
    ++i;
  }
  return Status::Ok();
}

Result<float> read_epsilon(const AttributeReader& attrs) {
  ORTL_ASSIGN_OR_RETURN(float epsilon, attrs.get_float("epsilon", 1e-5f));
  if (!(epsilon >= 0)) {
    return attrs.error(StatusCode::kInvalidModel, "epsilon",
                       fmt::format("{} must be >= 0", epsilon));
  }
  return epsilon;
}

}  // namespace

Result<PreparedOp> prepare_batch_normalization(const PrepareContext& context) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  const Node& node = context.node;
  const int64_t opset = node.opset;
  // The fused form (domain ai.ort_lite) adds `activation`.
  const bool fused_relu = node.domain == conv::kOrtLiteDomain;
  std::vector<std::string_view> known;
  if (opset < 6) {
    known = {"consumed_inputs", "epsilon", "is_test", "momentum", "spatial"};
  } else if (opset == 6) {
    known = {"epsilon", "is_test", "momentum", "spatial"};
  } else if (opset < 9) {
    known = {"epsilon", "momentum", "spatial"};
  } else if (opset < 14) {
    known = {"epsilon", "momentum"};
  } else {
    known = {"epsilon", "momentum", "training_mode"};
  }
  if (fused_relu) known.push_back("activation");
  ORTL_RETURN_IF_ERROR(attrs.check_known(std::span<const std::string_view>(known)));
  if (fused_relu) {
    ORTL_ASSIGN_OR_RETURN(std::string activation, attrs.get_string("activation", ""));
    if (activation != "Relu") {
      return attrs.error(StatusCode::kInvalidModel, "activation",
                         fmt::format("'{}': the fused form takes Relu only", activation));
    }
  }
  ORTL_ASSIGN_OR_RETURN(float epsilon, read_epsilon(attrs));
  ORTL_RETURN_IF_ERROR(attrs.get_float("momentum", 0.9f).status());
  ORTL_RETURN_IF_ERROR(attrs.get_ints("consumed_inputs").status());
  ORTL_ASSIGN_OR_RETURN(int64_t is_test, attrs.get_int("is_test", 0));
  ORTL_ASSIGN_OR_RETURN(int64_t spatial, attrs.get_int("spatial", 1));
  ORTL_ASSIGN_OR_RETURN(int64_t training_mode, attrs.get_int("training_mode", 0));
  if (opset <= 6 && is_test != 1) {
    return attrs.error(StatusCode::kUnsupported, "is_test",
                       fmt::format("{} selects training (statistics of the batch); only "
                                   "inference (is_test = 1) is supported",
                                   is_test));
  }
  if (training_mode != 0) {
    return attrs.error(StatusCode::kUnsupported, "training_mode",
                       fmt::format("{} selects training (statistics of the batch); only "
                                   "inference (training_mode = 0) is supported",
                                   training_mode));
  }
  if (spatial != 0 && spatial != 1) {
    return attrs.error(StatusCode::kInvalidModel, "spatial",
                       fmt::format("{} must be 0 or 1", spatial));
  }
  for (size_t i = 1; i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty()) continue;
    return in.error(opset >= 14 ? StatusCode::kInvalidModel : StatusCode::kUnsupported,
                    fmt::format("output {} ('{}') holds statistics computed only in training; "
                                "ort-lite runs BatchNormalization for inference (output Y only)",
                                i, node.outputs[i]));
  }

  ORTL_RETURN_IF_ERROR(in.expect_count(5, 5));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "X", kFloatTypes));
  std::vector<TensorType> params;
  const char* names[] = {"scale", "B", "input_mean", "input_var"};
  for (size_t i = 0; i < 4; ++i) {
    ORTL_ASSIGN_OR_RETURN(TensorType t, in.required(i + 1, names[i], kFloatTypes));
    params.push_back(t);
  }
  if (x.shape.size() < 2) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input X has shape {}; expected (N, C, d1, ..., dn), rank >= 2",
                                shape_to_string(x.shape)));
  }
  // spatial = 0: every activation is its own channel.
  const Shape channel_shape =
      spatial == 1 ? Shape{x.shape[1]} : Shape(x.shape.begin() + 1, x.shape.end());
  ORTL_RETURN_IF_ERROR(check_channel_inputs(in, params, {"scale", "B", "input_mean", "input_var"},
                                            channel_shape, x,
                                            spatial == 1 ? "C" : "C, d1..dn (spatial = 0)"));
  const int64_t batch = x.shape[0];
  const int64_t channels = element_count(channel_shape);
  const int64_t inner = spatial == 1 ? element_count(std::span(x.shape).subspan(2)) : int64_t{1};

  std::vector<TensorType> outputs(node.outputs.size(), TensorType{DType::kFloat32, {0}});
  outputs[0] = x;
  // With constant parameters (always, in exported models) factor and shift are computed once.
  std::optional<ChannelAffine> constant_affine;
  if (spatial == 1 && std::all_of(context.inputs.begin() + 1, context.inputs.end(),
                                  [](const PrepareInput& p) { return p.constant != nullptr; })) {
    const auto param = [&](size_t i) { return context.inputs[i].constant->data<float>(); };
    if (x.dtype == DType::kFloat32 && params[0].dtype == DType::kFloat32) {
      constant_affine = channel_affine(param(1), param(2), param(3), param(4), channels, epsilon);
    }
  }
  const std::string relu_suffix = fused_relu ? " + Relu" : "";
  if (context.inputs[0].layout == Layout::kChannelsLast) {
    // (N, spatial.., C): one per-channel multiply-add per cell (batch_norm_layout_class keeps
    // spatial = 0 plain).
    const int64_t cells = batch * inner;
    PreparedOp op = make_prepared(
        outputs, "batch normalization (inference, channels-last)" + relu_suffix,
        [=](KernelArgs args) {
          // Parameters known at prepare: no work (and no allocation) here.
          ChannelAffine computed;
          if (!constant_affine) {
            computed = channel_affine(args.inputs[1].data<float>(), args.inputs[2].data<float>(),
                                      args.inputs[3].data<float>(), args.inputs[4].data<float>(),
                                      channels, epsilon);
          }
          const ChannelAffine& a = constant_affine ? *constant_affine : computed;
          const float* xs = args.inputs[0].data<float>();
          float* ys = args.outputs[0].data<float>();
#pragma omp parallel for schedule(static)
          for (int64_t cell = 0; cell < cells; ++cell) {
            (fused_relu ? multiply_add_relu : multiply_add)(ys + cell * channels,
                                                            xs + cell * channels, a.factor.data(),
                                                            a.shift.data(), channels);
          }
          return Status::Ok();
        });
    op.output_layouts = {Layout::kChannelsLast};
    return op;
  }
  return make_prepared(
      outputs, "batch normalization (inference)" + relu_suffix, [=](KernelArgs args) {
        const float* xs = args.inputs[0].data<float>();
        const float* scale = args.inputs[1].data<float>();
        const float* bias = args.inputs[2].data<float>();
        const float* mean = args.inputs[3].data<float>();
        const float* var = args.inputs[4].data<float>();
        float* ys = args.outputs[0].data<float>();
#pragma omp parallel for collapse(2) schedule(static)
        for (int64_t n = 0; n < batch; ++n) {
          for (int64_t c = 0; c < channels; ++c) {
            const float factor =
                static_cast<float>(scale[c] / std::sqrt(static_cast<double>(var[c]) + epsilon));
            const float m = mean[c], b = bias[c];
            const int64_t base = (n * channels + c) * inner;
            for (int64_t i = 0; i < inner; ++i) {
              const float v = (xs[base + i] - m) * factor + b;
              ys[base + i] = fused_relu && v < 0.0f ? 0.0f : v;
            }
          }
        }
        return Status::Ok();
      });
}

LayoutClass batch_norm_layout_class(const Node& node) {
  auto it = node.attributes.find("spatial");
  const bool per_activation = it != node.attributes.end() &&
                              std::holds_alternative<int64_t>(it->second) &&
                              std::get<int64_t>(it->second) == 0;
  return per_activation ? LayoutClass::kPlain : LayoutClass::kNative;
}

Result<PreparedOp> prepare_instance_normalization(const PrepareContext& context) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  if (context.node.opset < 6) {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"consumed_inputs", "epsilon"}));
    ORTL_RETURN_IF_ERROR(attrs.get_ints("consumed_inputs").status());
  } else {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"epsilon"}));
  }
  ORTL_ASSIGN_OR_RETURN(float epsilon, read_epsilon(attrs));
  ORTL_RETURN_IF_ERROR(in.expect_count(3, 3));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType scale, in.required(1, "scale", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType bias, in.required(2, "B", kFloatTypes));
  if (x.shape.size() < 3) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input has shape {}; expected (N, C, d1, ..., dn) with at least "
                                "one spatial dim",
                                shape_to_string(x.shape)));
  }
  ORTL_RETURN_IF_ERROR(
      check_channel_inputs(in, {scale, bias}, {"scale", "B"}, Shape{x.shape[1]}, x, "C"));
  const int64_t planes = x.shape[0] * x.shape[1];
  const int64_t channels = x.shape[1];
  const int64_t inner = element_count(x.shape) / std::max<int64_t>(planes, 1);
  return make_prepared({x}, "instance normalization", [=](KernelArgs args) {
    const float* xs = args.inputs[0].data<float>();
    const float* scales = args.inputs[1].data<float>();
    const float* biases = args.inputs[2].data<float>();
    float* ys = args.outputs[0].data<float>();
    for (int64_t p = 0; p < planes; ++p) {
      const float* xp = xs + p * inner;
      float* yp = ys + p * inner;
      double sum = 0;
      for (int64_t i = 0; i < inner; ++i) sum += xp[i];
      const double mean = sum / static_cast<double>(inner);
      double squares = 0;
      for (int64_t i = 0; i < inner; ++i) squares += (xp[i] - mean) * (xp[i] - mean);
      const double variance = squares / static_cast<double>(inner);
      const int64_t c = p % channels;
      const double factor = scales[c] / std::sqrt(variance + epsilon);
      const double b = biases[c];
      for (int64_t i = 0; i < inner; ++i) {
        yp[i] = static_cast<float>((xp[i] - mean) * factor + b);
      }
    }
    return Status::Ok();
  });
}

}  // namespace ort_lite::nn_ops

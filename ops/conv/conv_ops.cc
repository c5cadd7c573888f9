#include "conv/conv_ops.h"

#include "builtin_ops.h"

#include <fmt/format.h>

#include "onednn/onednn_conv.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/ops/conv_reference.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::conv {

namespace {

// Input positions, as the ONNX spec names them.
constexpr size_t kX = 0, kW = 1, kB = 2;

// The checks and geometry both implementations share.
Result<ConvProblem> resolve(const PrepareContext& context) {
  const Node& node = context.node;
  const auto& in = context.inputs;
  if (in.size() < 2 || in.size() > 3 || !in[kX].present || !in[kW].present) {
    return invalid_model(fmt::format("{}: takes inputs X, W and optionally B; got {} inputs",
                                     node.label(), node.inputs.size()));
  }
  const char* names[] = {"X", "W", "B"};
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].present && in[i].type.dtype != DType::kFloat32) {
      return unsupported(fmt::format("{}: input {} ('{}') is {}; only float32 is supported",
                                     node.label(), names[i], node.inputs[i],
                                     dtype_name(in[i].type.dtype)));
    }
  }
  ORTL_ASSIGN_OR_RETURN(ConvAttributes attributes, parse_conv_attributes(node));
  std::optional<Shape> bias;
  if (in.size() > kB && in[kB].present) bias = in[kB].type.shape;
  const auto policy = context.options.legacy_output_shape_padding ? OutputShapePadding::kLegacy
                                                                  : OutputShapePadding::kSpec;
  ORTL_ASSIGN_OR_RETURN(
      ConvProblem problem,
      resolve_conv_problem(node, attributes, in[kX].type.shape, in[kW].type.shape, bias, policy));
  // Before any kernel sees the sizes: a hostile model must not reach oneDNN with them.
  if (Status fits = check_output_fits({DType::kFloat32, problem.output_shape()}, context.options);
      !fits.ok()) {
    return fits.with_context(fmt::format("{}: output '{}'", node.label(), node.outputs[0]));
  }
  return problem;
}

PreparedOp prepared(const ConvProblem& problem, std::unique_ptr<Kernel> kernel) {
  PreparedOp op;
  op.outputs.push_back({DType::kFloat32, problem.output_shape()});
  op.kernel = std::move(kernel);
  return op;
}

class ReferenceConvKernel final : public Kernel {
 public:
  ReferenceConvKernel(ConvProblem problem, Tensor canonical_weights,
                      std::string implementation = "reference")
      : problem_(std::move(problem)),
        weights_(std::move(canonical_weights)),
        implementation_(std::move(implementation)) {}

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    // Weights that are run-time inputs are brought into canonical form on every run.
    const Tensor weights = weights_.empty() ? canonical_weights(problem_, inputs[kW]) : weights_;
    const float* bias = problem_.has_bias ? inputs[kB].data<float>() : nullptr;
    conv_reference(problem_, inputs[kX].data<float>(), weights.data<float>(), bias,
                   outputs[0].data<float>());
    return Status::Ok();
  }
  std::string implementation() const override { return implementation_; }

 private:
  ConvProblem problem_;
  Tensor weights_;  // canonical (g, M/g, C/g, k..) when W is a constant
  std::string implementation_;
};

// (N, C, S) <-> (N, S, C) for float32, S the spatial cells.
void transpose_channels(const float* src, float* dst, int64_t batch, int64_t channels,
                        int64_t spatial, bool to_channels_last) {
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t s = 0; s < spatial; ++s) {
        const int64_t plain = (n * channels + c) * spatial + s;
        const int64_t last = (n * spatial + s) * channels + c;
        dst[to_channels_last ? last : plain] = src[to_channels_last ? plain : last];
      }
    }
  }
}

// Runs a plain-tensor kernel (the reference) between channels-last tensors of a plan: only for
// the rare problems oneDNN cannot take, so plain loops and allocations per run are fine.
class ChannelsLastAdapter final : public Kernel {
 public:
  ChannelsLastAdapter(std::unique_ptr<Kernel> inner, ConvProblem problem)
      : inner_(std::move(inner)), problem_(std::move(problem)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    const Shape in = problem_.input_shape(), out = problem_.output_shape();
    std::vector<Tensor> plain_inputs(inputs.begin(), inputs.end());
    plain_inputs[kX] = Tensor(DType::kFloat32, in);
    transpose_channels(inputs[kX].data<float>(), plain_inputs[kX].data<float>(), in[0], in[1],
                       element_count(in) / (in[0] * in[1]), false);
    Tensor plain_output(DType::kFloat32, out);
    ORTL_RETURN_IF_ERROR(inner_->run(plain_inputs, std::span<Tensor>(&plain_output, 1), scratch));
    transpose_channels(plain_output.data<float>(), outputs[0].data<float>(), out[0], out[1],
                       element_count(out) / (out[0] * out[1]), true);
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return inner_->scratch_bytes(); }
  std::string implementation() const override { return inner_->implementation(); }

 private:
  std::unique_ptr<Kernel> inner_;
  ConvProblem problem_;
};

std::unique_ptr<Kernel> reference_kernel(const ConvProblem& problem, const Tensor* weights,
                                         std::string implementation = "reference") {
  return std::make_unique<ReferenceConvKernel>(
      problem, weights ? canonical_weights(problem, *weights) : Tensor(),
      std::move(implementation));
}

}  // namespace

Result<PreparedOp> prepare_conv_reference(const PrepareContext& context) {
  ORTL_ASSIGN_OR_RETURN(ConvProblem problem, resolve(context));
  return prepared(problem, reference_kernel(problem, context.inputs[kW].constant));
}

Result<PreparedOp> prepare_conv_onednn(const PrepareContext& context) {
  ORTL_ASSIGN_OR_RETURN(ConvProblem problem, resolve(context));
  const Tensor* weights = context.inputs[kW].constant;
  auto kernel = onednn::make_conv_kernel(problem, weights, context.options.deconv_algorithm,
                                         context.inputs[kX].layout);
  if (kernel.ok()) {
    PreparedOp op = prepared(problem, std::move(kernel).value());
    op.output_layouts = {Layout::kChannelsLast};
    return op;
  }
  // A valid problem the primitive cannot take (extreme strides or pads) is never refused: the
  // reference computes it, and the report says why.
  if (kernel.status().code() != StatusCode::kUnsupported) {
    return kernel.status().with_context(context.node.label());
  }
  PreparedOp op = prepared(
      problem, reference_kernel(problem, weights, "reference (" + kernel.status().message() + ")"));
  if (context.inputs[kX].layout == Layout::kChannelsLast) {
    op.kernel = std::make_unique<ChannelsLastAdapter>(std::move(op.kernel), problem);
    op.output_layouts = {Layout::kChannelsLast};
  }
  return op;
}

}  // namespace ort_lite::conv

namespace ort_lite {

void register_conv_ops(OpRegistry& registry) {
  // Conv and ConvTranspose mean the same in every opset from 1 to 22 (later opsets only widened
  // the types, and opset 11 made kernel_shape inferable, which we always allow).
  for (const char* op : {"Conv", "ConvTranspose"}) {
    registry.add(op, 1, 22, conv::prepare_conv_onednn, conv::prepare_conv_reference);
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kChannelsLastData; });
  }
}

}  // namespace ort_lite

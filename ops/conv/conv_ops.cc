#include "conv/conv_ops.h"

#include "builtin_ops.h"

#include <fmt/format.h>

#include "elementwise/elementwise_ops.h"
#include "elementwise/fused_activation.h"
#include "onednn/onednn_conv.h"
#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/ops/conv_reference.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::conv {

namespace {

// Input positions, as the ONNX spec names them; a fused node (conv_fusion.h) adds the residual.
constexpr size_t kX = 0, kW = 1, kB = 2, kResidual = 3;

struct Resolved {
  ConvProblem problem;
  ConvFusion fusion;
  TensorType residual;  // when fusion.residual
};

// The checks and geometry both implementations share.
Result<Resolved> resolve(const PrepareContext& context) {
  const Node& node = context.node;
  const auto& in = context.inputs;
  ORTL_ASSIGN_OR_RETURN(ConvFusion fusion, parse_conv_fusion(node));
  const size_t max_inputs = fusion.residual ? 4 : 3;
  if (in.size() < 2 || in.size() > max_inputs || !in[kX].present || !in[kW].present ||
      (fusion.residual && (in.size() < 4 || !in[kResidual].present))) {
    return invalid_model(fmt::format("{}: takes inputs X, W and optionally B{}; got {} inputs",
                                     node.label(), fusion.residual ? ", then the residual" : "",
                                     node.inputs.size()));
  }
  const char* names[] = {"X", "W", "B", "residual"};
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
  Resolved r;
  ORTL_ASSIGN_OR_RETURN(r.problem, resolve_conv_problem(node, attributes, in[kX].type.shape,
                                                        in[kW].type.shape, bias, policy));
  // Before any kernel sees the sizes: a hostile model must not reach oneDNN with them.
  if (Status fits = check_output_fits({DType::kFloat32, r.problem.output_shape()}, context.options);
      !fits.ok()) {
    return fits.with_context(
        fmt::format("{}: output '{}'", node.label(), node.outputs.empty() ? "" : node.outputs[0]));
  }
  r.fusion = fusion;
  if (fusion.residual) r.residual = in[kResidual].type;
  return r;
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

// Y = activation(conv(X) + residual) as the unfused ops compute it: the conv kernel, then the
// Add and the activation ops' own kernels (ops/elementwise). The oracle's way, and the fast
// path's for a residual that broadcasts (the fused passes take equal shapes only).
class CompositeFusionKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(std::unique_ptr<Kernel> conv, const Resolved& r,
                                                const PrepareContext& context, Layout layout);
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    Tensor y = outputs[0];
    if (add_ || activation_) y = Tensor(y.dtype(), y.shape());  // the conv's own result
    ORTL_RETURN_IF_ERROR(conv_->run(inputs.first(3), std::span<Tensor>(&y, 1), scratch));
    if (add_) {
      Tensor sum = activation_ ? Tensor(y.dtype(), y.shape()) : outputs[0];
      const Tensor operands[] = {y, inputs[kResidual]};
      ORTL_RETURN_IF_ERROR(add_->run(operands, std::span<Tensor>(&sum, 1), {}));
      y = sum;
    }
    if (!prelu_slope_.empty()) {
      const Tensor operands[] = {y, prelu_slope_};
      return activation_->run(operands, outputs.first(1), {});
    }
    if (activation_) ORTL_RETURN_IF_ERROR(activation_->run({&y, 1}, outputs.first(1), {}));
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return conv_->scratch_bytes(); }
  std::string implementation() const override { return implementation_; }

 private:
  std::unique_ptr<Kernel> conv_, add_, activation_;
  Tensor prelu_slope_;  // PRelu's second input
  std::string implementation_;
};

Result<std::unique_ptr<Kernel>> CompositeFusionKernel::create(std::unique_ptr<Kernel> conv,
                                                              const Resolved& r,
                                                              const PrepareContext& context,
                                                              Layout layout) {
  auto kernel = std::make_unique<CompositeFusionKernel>();
  kernel->implementation_ = conv->implementation();
  kernel->conv_ = std::move(conv);
  // The elementwise kernels see the tensors as they are: physical shapes in `layout`.
  const TensorType y{DType::kFloat32, physical_shape(r.problem.output_shape(), layout)};
  TensorType sum = y;
  if (r.fusion.residual) {
    Node add;
    add.name = "fused Add";
    add.op_type = "Add";
    add.opset = 17;
    add.inputs = {"a", "b"};
    add.outputs = {"y"};
    PrepareInput a{true, y, nullptr, layout},
        b{true, context.inputs[kResidual].type, nullptr, layout};
    if (layout == Layout::kChannelsLast) {
      b.type.shape = physical_shape(b.type.shape, layout);
    }
    PrepareContext add_context{add, {a, b}, context.options, nullptr};
    ORTL_ASSIGN_OR_RETURN(PreparedOp prepared, elementwise::prepare_add(add_context));
    if (prepared.outputs[0] != y) {
      return invalid_argument(
          fmt::format("{}: the residual {} does not broadcast to the output {} without growing it",
                      context.node.label(), shape_to_string(r.residual.shape),
                      shape_to_string(r.problem.output_shape())));
    }
    kernel->add_ = std::move(prepared.kernel);
    kernel->implementation_ += " + residual add";
  }
  if (r.fusion.prelu()) {
    // The slope as PRelu's second input, shaped to broadcast along the channels as the tensors
    // lie: (M) channels-last, (M, 1, ..) plain, (1) for one value.
    const std::vector<float>& slope = r.fusion.activation->slope;
    Shape slope_shape{static_cast<int64_t>(slope.size())};
    if (slope.size() > 1 && layout == Layout::kPlain) slope_shape.resize(sum.shape.size() - 1, 1);
    kernel->prelu_slope_ = Tensor::from_floats(slope_shape, slope);
    ORTL_ASSIGN_OR_RETURN(
        kernel->activation_,
        elementwise::make_prelu_kernel(sum, kernel->prelu_slope_, layout, context.options));
  } else if (r.fusion.activation) {
    ORTL_ASSIGN_OR_RETURN(
        kernel->activation_,
        elementwise::make_activation_kernel(*r.fusion.activation, sum, layout, context.options));
  }
  if (r.fusion.activation) kernel->implementation_ += " + " + r.fusion.activation->op_type;
  return std::unique_ptr<Kernel>(std::move(kernel));
}

// The node's prepared op around a conv kernel computing `layout` tensors: adds the fusion
// through the composite when the kernel itself does not compute it.
Result<PreparedOp> finish(const Resolved& r, const PrepareContext& context,
                          std::unique_ptr<Kernel> conv, bool conv_fuses, Layout layout) {
  PreparedOp op = prepared(r.problem, std::move(conv));
  if (r.fusion.any() && !conv_fuses) {
    ORTL_ASSIGN_OR_RETURN(op.kernel,
                          CompositeFusionKernel::create(std::move(op.kernel), r, context, layout));
  }
  op.output_layouts = {layout};
  // Every conv kernel (oneDNN's algorithms and the reference) keeps its own copy of constant
  // weights, packed or canonical.
  if (context.inputs[kW].constant) op.inputs_taken_at_prepare = {kW};
  return op;
}

}  // namespace

Result<PreparedOp> prepare_conv_reference(const PrepareContext& context) {
  ORTL_ASSIGN_OR_RETURN(Resolved r, resolve(context));
  return finish(r, context, reference_kernel(r.problem, context.inputs[kW].constant), false,
                Layout::kPlain);
}

Result<PreparedOp> prepare_conv_onednn(const PrepareContext& context) {
  ORTL_ASSIGN_OR_RETURN(Resolved r, resolve(context));
  const Tensor* weights = context.inputs[kW].constant;
  const Layout layout = context.inputs[kX].layout;
  // The fused passes take a residual of the output's own shape; one that broadcasts goes
  // through the composite.
  const bool fuses = !r.fusion.residual || r.residual.shape == r.problem.output_shape();
  auto kernel = onednn::make_conv_kernel(r.problem, weights, context.options.deconv_algorithm,
                                         layout, fuses ? r.fusion : ConvFusion{});
  if (kernel.ok()) return finish(r, context, std::move(kernel).value(), fuses, layout);
  // A valid problem the primitive cannot take (extreme strides or pads) is never refused: the
  // reference computes it, and the report says why.
  if (kernel.status().code() != StatusCode::kUnsupported) {
    return kernel.status().with_context(context.node.label());
  }
  std::unique_ptr<Kernel> reference =
      reference_kernel(r.problem, weights, "reference (" + kernel.status().message() + ")");
  if (layout == Layout::kChannelsLast) {
    reference = std::make_unique<ChannelsLastAdapter>(std::move(reference), r.problem);
  }
  return finish(r, context, std::move(reference), false, layout);
}

}  // namespace ort_lite::conv

namespace ort_lite {

void register_conv_ops(OpRegistry& registry) {
  // Conv and ConvTranspose mean the same in every opset from 1 to 22 (later opsets only widened
  // the types, and opset 11 made kernel_shape inferable, which we always allow).
  for (const char* op : {"Conv", "ConvTranspose"}) {
    registry.add(op, 1, 22, conv::prepare_conv_onednn, conv::prepare_conv_reference);
    // Fused nodes of ort-lite's rewrites (conv_fusion.h): the conv plus residual / activation.
    registry.add(OpDefinition{conv::kOrtLiteDomain, op, 1, 1, conv::prepare_conv_onednn,
                              conv::prepare_conv_reference});
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kChannelsLastData; });
  }
}

}  // namespace ort_lite

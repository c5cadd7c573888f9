#include "elementwise/fused_activation.h"

#include <map>

#include <fmt/format.h>

#include "elementwise/elementwise_ops.h"

namespace ort_lite::elementwise {

namespace {

// The activation as the ONNX node it was folded from.
Node activation_node(const conv::Activation& a) {
  Node node;
  node.name = "fused " + a.op_type;
  node.op_type = a.op_type;
  node.opset = a.op_type == "Gelu" ? 20 : a.op_type == "HardSwish" ? 14 : 17;
  if (a.op_type == "Clip") {
    node.opset = 6;  // the attribute form
    node.attributes["min"] = a.alpha;
    node.attributes["max"] = a.beta;
  } else if (a.op_type == "LeakyRelu" || a.op_type == "Elu") {
    node.attributes["alpha"] = a.alpha;
  } else if (a.op_type == "Selu") {
    node.attributes["alpha"] = a.alpha;
    node.attributes["gamma"] = a.beta;
  } else if (a.op_type == "HardSigmoid") {
    node.attributes["alpha"] = a.alpha;
    node.attributes["beta"] = a.beta;
  } else if (a.op_type == "Gelu") {
    node.attributes["approximate"] = a.approximate;
  }
  node.inputs = {"x"};
  node.outputs = {"y"};
  return node;
}

PrepareFn activation_prepare(const std::string& op_type) {
  static const std::map<std::string, PrepareFn> kPrepare = {{"Relu", prepare_relu},
                                                            {"LeakyRelu", prepare_leaky_relu},
                                                            {"Elu", prepare_elu},
                                                            {"Selu", prepare_selu},
                                                            {"Sigmoid", prepare_sigmoid},
                                                            {"HardSigmoid", prepare_hard_sigmoid},
                                                            {"HardSwish", prepare_hard_swish},
                                                            {"Tanh", prepare_tanh},
                                                            {"Softplus", prepare_softplus},
                                                            {"Gelu", prepare_gelu},
                                                            {"Clip", prepare_clip_attributes}};
  auto it = kPrepare.find(op_type);
  return it == kPrepare.end() ? nullptr : it->second;
}

// SiLU: y * Sigmoid(y), as the two nodes it was folded from.
class SiluKernel final : public Kernel {
 public:
  SiluKernel(std::unique_ptr<Kernel> sigmoid, std::unique_ptr<Kernel> multiply)
      : sigmoid_(std::move(sigmoid)), multiply_(std::move(multiply)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    Tensor sigmoid(inputs[0].dtype(), inputs[0].shape());
    ORTL_RETURN_IF_ERROR(sigmoid_->run(inputs.first(1), std::span<Tensor>(&sigmoid, 1), {}));
    const Tensor operands[] = {inputs[0], sigmoid};
    return multiply_->run(operands, outputs.first(1), {});
  }
  std::string implementation() const override { return "Sigmoid + Mul"; }

 private:
  std::unique_ptr<Kernel> sigmoid_, multiply_;
};

}  // namespace

Result<std::unique_ptr<Kernel>> make_activation_kernel(const conv::Activation& activation,
                                                       const TensorType& type, Layout layout,
                                                       const SessionOptions& options) {
  const PrepareInput x{true, type, nullptr, layout};
  if (activation.op_type == "SiLU") {
    const Node sigmoid = activation_node({"Sigmoid", 0, 0, ""});
    ORTL_ASSIGN_OR_RETURN(PreparedOp s, prepare_sigmoid({sigmoid, {x}, options, nullptr}));
    Node mul = activation_node({"Mul", 0, 0, ""});
    mul.inputs = {"a", "b"};
    ORTL_ASSIGN_OR_RETURN(PreparedOp m, prepare_mul({mul, {x, x}, options, nullptr}));
    return std::unique_ptr<Kernel>(
        std::make_unique<SiluKernel>(std::move(s.kernel), std::move(m.kernel)));
  }
  const Node node = activation_node(activation);
  PrepareFn prepare = activation_prepare(node.op_type);
  if (!prepare) {
    return internal_error(fmt::format("no single-input kernel for fused {}", node.op_type));
  }
  ORTL_ASSIGN_OR_RETURN(PreparedOp prepared, prepare({node, {x}, options, nullptr}));
  return std::move(prepared.kernel);
}

Result<std::unique_ptr<Kernel>> make_prelu_kernel(const TensorType& type, const Tensor& slope,
                                                  Layout layout, const SessionOptions& options) {
  Node prelu = activation_node({"PRelu", 0, 0, ""});
  prelu.inputs = {"x", "slope"};
  const PrepareInput x{true, type, nullptr, layout},
      s{true, {DType::kFloat32, slope.shape()}, &slope, Layout::kPlain};
  ORTL_ASSIGN_OR_RETURN(PreparedOp prepared, prepare_prelu({prelu, {x, s}, options, nullptr}));
  return std::move(prepared.kernel);
}

}  // namespace ort_lite::elementwise

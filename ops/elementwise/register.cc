#include "builtin_ops.h"
#include "elementwise/elementwise_ops.h"

namespace ort_lite {

void register_elementwise_ops(OpRegistry& registry) {
  using namespace elementwise;
  // Each op means the same from its first opset to 22 (later versions only added element
  // types) unless listed twice; legacy attributes of opsets 1-6 are handled by the prepare
  // functions, which branch on the node's opset.
  registry.add("Relu", 1, 22, prepare_relu);
  registry.add("LeakyRelu", 1, 22, prepare_leaky_relu);
  registry.add("PRelu", 1, 22, prepare_prelu);
  registry.add("Elu", 1, 22, prepare_elu);
  registry.add("Selu", 1, 22, prepare_selu);
  registry.add("Sigmoid", 1, 22, prepare_sigmoid);
  registry.add("HardSigmoid", 1, 22, prepare_hard_sigmoid);
  registry.add("HardSwish", 14, 22, prepare_hard_swish);
  registry.add("Tanh", 1, 22, prepare_tanh);
  registry.add("Softplus", 1, 22, prepare_softplus);
  registry.add("Erf", 9, 22, prepare_erf);
  registry.add("Sqrt", 1, 22, prepare_sqrt);
  registry.add("Neg", 1, 22, prepare_neg);
  registry.add("Abs", 1, 22, prepare_abs);
  registry.add("Exp", 1, 22, prepare_exp);
  registry.add("Log", 1, 22, prepare_log);
  registry.add("Gelu", 20, 22, prepare_gelu);
  // Opset 11 turned min and max from attributes into inputs.
  registry.add("Clip", 1, 10, prepare_clip_attributes);
  registry.add("Clip", 11, 22, prepare_clip_inputs);
  registry.add("Add", 1, 22, prepare_add);
  registry.add("Sub", 1, 22, prepare_sub);
  registry.add("Mul", 1, 22, prepare_mul);
  registry.add("Div", 1, 22, prepare_div);
  registry.add("Pow", 1, 22, prepare_pow);
  registry.add("Equal", 1, 22, prepare_equal);
  registry.add("Where", 9, 22, prepare_where);
  registry.add("Cast", 1, 22, prepare_cast);
  registry.add("CastLike", 15, 22, prepare_cast_like);

  // Layout-blind: they compute on physical shapes, so channels-last values stay so (numpy
  // broadcasting is the same after the same permutation of every operand). Not the opset 1-6
  // binary ops and PRelu, whose `axis`/`broadcast` and channel-slope rules name logical axes.
  auto any_layout = [](const Node&) { return LayoutClass::kElementwise; };
  auto from_opset_7 = [](const Node& node) {
    return node.opset >= 7 ? LayoutClass::kElementwise : LayoutClass::kPlain;
  };
  for (const char* op :
       {"Relu", "LeakyRelu", "Elu",  "Selu",  "Sigmoid", "HardSigmoid", "HardSwish",
        "Tanh", "Softplus",  "Erf",  "Sqrt",  "Neg",     "Abs",         "Exp",
        "Log",  "Gelu",      "Clip", "Where", "Cast",    "CastLike"}) {
    registry.set_layout_class(op, any_layout);
  }
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "PRelu"}) {
    registry.set_layout_class(op, from_opset_7);
  }
}

}  // namespace ort_lite

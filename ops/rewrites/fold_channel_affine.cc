// fold_channel_affine: Conv -> Mul / Div by a per-channel (or scalar) constant scales the
// weights and bias; Conv -> Add / Sub of one shifts the bias. (For Sub and Div only when the
// conv output is the first operand.) The result is an ordinary ONNX Conv.
#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

int fold_channel_affine(Graph& graph) {
  int folded = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& op = graph.nodes[j];
      const bool scale = op.op_type == "Mul" || op.op_type == "Div";
      const bool shift = op.op_type == "Add" || op.op_type == "Sub";
      // Opsets 1-6 broadcast by `axis`/`broadcast` attributes: left alone.
      if (!op.domain.empty() || op.opset < 7 || (!scale && !shift) || op.inputs.size() != 2 ||
          op.outputs.size() != 1) {
        continue;
      }
      for (size_t side = 0; side < 2 && !changed; ++side) {
        const bool commutes = op.op_type == "Mul" || op.op_type == "Add";
        if (side == 1 && !commutes) break;
        const std::string& value = op.inputs[side];
        const Tensor* constant = initializer(graph, op.inputs[1 - side]);
        const auto i = index.producer(value);
        if (!constant || !i || !index.foldable(value)) continue;
        const Node& conv = graph.nodes[*i];
        if (!is_conv(conv) || fusion_of(conv).any()) continue;
        const Tensor* weights = initializer(graph, conv.inputs[1]);
        if (!weights || weights->dtype() != DType::kFloat32 || weights->rank() < 3) continue;
        const int64_t channels = output_channels(conv, *weights);
        const Tensor* bias = conv.inputs.size() > 2 && !conv.inputs[2].empty()
                                 ? initializer(graph, conv.inputs[2])
                                 : nullptr;
        if (conv.inputs.size() > 2 && !conv.inputs[2].empty() &&
            (!bias || bias->shape() != Shape{channels})) {
          continue;
        }
        auto values = per_channel_values(*constant, static_cast<size_t>(weights->rank()), channels);
        if (!values) continue;
        if (op.op_type == "Div") {
          for (double& v : *values) v = 1.0 / v;
        } else if (op.op_type == "Sub") {
          for (double& v : *values) v = -v;
        }
        Node fused = conv;
        Tensor new_bias(DType::kFloat32, {channels});
        for (int64_t m = 0; m < channels; ++m) {
          const double b = bias ? bias->data<float>()[m] : 0.0;
          const double v = (*values)[static_cast<size_t>(m)];
          new_bias.data<float>()[m] = static_cast<float>(scale ? b * v : b + v);
        }
        if (scale) {
          const std::string w_name = fresh_name(graph, conv.name + "/scaled_weight");
          graph.initializers[w_name] = scale_output_channels(conv, *weights, *values);
          fused.inputs[1] = w_name;
        }
        const std::string b_name = fresh_name(graph, conv.name + "/shifted_bias");
        graph.initializers[b_name] = new_bias;
        fused.inputs.resize(std::max<size_t>(fused.inputs.size(), 3));
        fused.inputs[2] = b_name;
        fused.name += " + " + op.op_type;
        replace_pair(graph, *i, j, std::move(fused));
        ++folded;
        changed = true;
      }
    }
  }
  return folded;
}

}  // namespace ort_lite::rewrites

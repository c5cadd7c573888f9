// fold_batch_norm: Conv -> BatchNormalization (inference) becomes one Conv.
//   factor[m] = scale[m] / sqrt(var[m] + epsilon)
//   W'[.. m ..] = W[.. m ..] * factor[m]   (Conv: weight axis 0; ConvTranspose: axis 1, per group)
//   B'[m] = (B[m] - mean[m]) * factor[m] + bias[m]
// in double, then rounded to float32 once. The result is an ordinary ONNX Conv.
#include <cmath>

#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

namespace {

// The BatchNormalization's per-channel vectors when it is an inference one with constant
// parameters for M channels, else nullopt.
struct BatchNormParameters {
  std::vector<double> scale, bias, mean, var;
  double epsilon = 1e-5;
};

std::optional<BatchNormParameters> parameters(const Graph& graph, const GraphIndex& index,
                                              const Node& bn, int64_t channels) {
  if (!bn.domain.empty() || bn.op_type != "BatchNormalization" || bn.inputs.size() != 5) {
    return std::nullopt;
  }
  // Only Y may be read: the opset < 9 mean/var outputs and training outputs must be unused.
  for (size_t i = 1; i < bn.outputs.size(); ++i) {
    if (!index.unused(bn.outputs[i])) return std::nullopt;
  }
  BatchNormParameters p;
  for (const auto& [name, value] : bn.attributes) {
    if (name == "epsilon") {
      const auto* e = std::get_if<float>(&value);
      if (!e) return std::nullopt;
      p.epsilon = *e;
    } else if (name == "momentum" || name == "consumed_inputs" || name == "is_test") {
      continue;  // no effect on inference
    } else if (name == "spatial" || name == "training_mode") {
      const auto* v = std::get_if<int64_t>(&value);
      if (!v || *v != (name == "spatial" ? 1 : 0)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  std::vector<double>* targets[] = {&p.scale, &p.bias, &p.mean, &p.var};
  for (size_t i = 0; i < 4; ++i) {
    const Tensor* t = initializer(graph, bn.inputs[i + 1]);
    if (!t || t->dtype() != DType::kFloat32 || t->shape() != Shape{channels}) return std::nullopt;
    for (float v : t->values<float>()) targets[i]->push_back(v);
  }
  return p;
}

}  // namespace

int fold_batch_norm(Graph& graph) {
  int folded = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& bn = graph.nodes[j];
      if (!bn.domain.empty() || bn.op_type != "BatchNormalization" || bn.inputs.empty()) continue;
      const auto i = index.producer(bn.inputs[0]);
      if (!i || !index.foldable(bn.inputs[0])) continue;
      const Node& conv = graph.nodes[*i];
      // Not through an activation or residual already fused into the conv.
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
      const auto p = parameters(graph, index, bn, channels);
      if (!p) continue;

      std::vector<double> factor(static_cast<size_t>(channels));
      Tensor new_bias(DType::kFloat32, {channels});
      for (size_t m = 0; m < factor.size(); ++m) {
        factor[m] = p->scale[m] / std::sqrt(p->var[m] + p->epsilon);
        const double b = bias ? bias->data<float>()[m] : 0.0;
        new_bias.data<float>()[m] = static_cast<float>((b - p->mean[m]) * factor[m] + p->bias[m]);
      }
      Node fused = conv;
      const std::string w_name = fresh_name(graph, conv.name + "/folded_weight");
      graph.initializers[w_name] = scale_output_channels(conv, *weights, factor);
      const std::string b_name = fresh_name(graph, conv.name + "/folded_bias");
      graph.initializers[b_name] = new_bias;
      fused.inputs.resize(std::max<size_t>(fused.inputs.size(), 3));
      fused.inputs[1] = w_name;
      fused.inputs[2] = b_name;
      fused.name += " + BatchNormalization";
      replace_pair(graph, *i, j, std::move(fused));
      ++folded;
      changed = true;
    }
  }
  return folded;
}

}  // namespace ort_lite::rewrites

// fuse_activation: Conv (plain, folded or with a fused residual) -> one activation becomes a
// fused node computing it after the convolution (and the residual); likewise after a fused
// MatMul + bias (fuse_matmul_bias). Clip from opset 11 takes
// its bounds as inputs: fused when they are constants (or omitted); PRelu its slope: fused when
// it is a constant of one value or one per output channel.
#include <limits>

#include <set>

#include "ort_lite/ops/attributes.h"
#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

namespace {

// Clip 11+ with constant (or omitted) min and max inputs.
std::optional<conv::Activation> clip_with_constant_bounds(const Graph& graph, const Node& node) {
  if (!node.domain.empty() || node.op_type != "Clip" || node.opset < 11 ||
      !node.attributes.empty() || node.inputs.empty() || node.inputs.size() > 3) {
    return std::nullopt;
  }
  conv::Activation a{"Clip", -std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                     ""};
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (node.inputs[i].empty()) continue;
    const Tensor* bound = initializer(graph, node.inputs[i]);
    if (!bound || bound->dtype() != DType::kFloat32 || bound->element_count() != 1) {
      return std::nullopt;
    }
    (i == 1 ? a.alpha : a.beta) = bound->data<float>()[0];
  }
  return a;
}

// PRelu (opset 7+) after a conv, with a float32 constant slope of one value or one per output
// channel: a shape that broadcasts to the conv's output (N, M, spatial..) only along axis 1,
// as PyTorch exports nn.PReLU ([M, 1, 1] or [1]). The conv's output channels come from its
// constant weight (Conv: W[0]; ConvTranspose: W[1] * group).
std::optional<conv::Activation> prelu_with_constant_slope(const Graph& graph, const Node& prelu,
                                                          const Node& conv) {
  if (!prelu.domain.empty() || prelu.op_type != "PRelu" || prelu.opset < 7 ||
      prelu.inputs.size() != 2 || prelu.outputs.size() != 1 || !prelu.attributes.empty()) {
    return std::nullopt;
  }
  const Tensor* slope = initializer(graph, prelu.inputs[1]);
  const Tensor* w = conv.inputs.size() > 1 ? initializer(graph, conv.inputs[1]) : nullptr;
  if (!slope || !w || slope->dtype() != DType::kFloat32 || w->shape().size() < 3) {
    return std::nullopt;
  }
  const Shape& s = slope->shape();
  const size_t rank = w->shape().size();  // the conv output's rank
  auto group = AttributeReader(conv).get_int("group", 1);
  if (!group.ok() || s.size() > rank) return std::nullopt;
  const int64_t channels = conv.op_type == "Conv" ? w->shape()[0] : w->shape()[1] * *group;
  for (size_t j = 0; j < s.size(); ++j) {
    const size_t axis = rank - s.size() + j;
    if (s[j] != 1 && !(axis == 1 && s[j] == channels)) return std::nullopt;
  }
  const auto values = slope->values<float>();
  return conv::Activation{"PRelu", 0, 0, "", {values.begin(), values.end()}};
}

// SiLU written out, as PyTorch exports nn.SiLU and EfficientNet's swish: Mul(a, Sigmoid(a)).
// Returns the index of the Sigmoid when node `j` is that Mul.
std::optional<size_t> silu_sigmoid(const Graph& graph, const GraphIndex& index, const Node& mul) {
  if (!mul.domain.empty() || mul.op_type != "Mul" || mul.opset < 7 || mul.inputs.size() != 2 ||
      mul.outputs.size() != 1) {
    return std::nullopt;
  }
  for (size_t side = 0; side < 2; ++side) {
    const auto s = index.producer(mul.inputs[1 - side]);
    if (!s) continue;
    const Node& sigmoid = graph.nodes[*s];
    if (sigmoid.op_type == "Sigmoid" && sigmoid.domain.empty() && sigmoid.opset >= 6 &&
        sigmoid.inputs.size() == 1 && sigmoid.inputs[0] == mul.inputs[side] &&
        sigmoid.attributes.empty() && index.foldable(sigmoid.outputs[0])) {
      return s;
    }
  }
  return std::nullopt;
}

// The nodes an activation joins: a conv, or a fused MatMul + bias (whose oneDNN matmul carries
// it as a post-op; PRelu's slope is per conv channel, so not after a MatMul).
bool takes_activation(const Node& node) { return is_conv(node) || is_fused_matmul(node); }

}  // namespace

int fuse_activation(Graph& graph) {
  int fused_count = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& node = graph.nodes[j];
      std::optional<conv::Activation> activation = conv::fusable_activation(node);
      if (!activation) activation = clip_with_constant_bounds(graph, node);
      if (const auto sigmoid = silu_sigmoid(graph, index, node)) {
        // The conv's output feeds the Sigmoid and the Mul, and nothing else.
        const std::string& value = graph.nodes[*sigmoid].inputs[0];
        const auto i = index.producer(value);
        if (!i || index.readers(value) != 2 || index.is_graph_output(value)) continue;
        const Node& conv = graph.nodes[*i];
        if (!takes_activation(conv) || fusion_of(conv).activation) continue;
        Node fused = conv;
        make_fused(fused, "Sigmoid + Mul", graph);
        conv::write_activation({"SiLU", 1, 0, ""}, fused);
        replace_pair(graph, *i, j, std::move(fused));
        graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(*sigmoid - 1));
        ++fused_count;
        changed = true;
        continue;
      }
      if (!activation && node.op_type != "PRelu") continue;
      if (node.inputs.empty()) continue;
      const auto i = index.producer(node.inputs[0]);
      if (!i || !index.foldable(node.inputs[0])) continue;
      const Node& conv = graph.nodes[*i];
      if (!takes_activation(conv) || fusion_of(conv).activation) continue;
      if (!activation && is_conv(conv)) activation = prelu_with_constant_slope(graph, node, conv);
      if (!activation) continue;
      Node fused = conv;
      make_fused(fused, node.op_type, graph);
      conv::write_activation(*activation, fused);
      replace_pair(graph, *i, j, std::move(fused));
      ++fused_count;
      changed = true;
    }
  }
  return fused_count;
}

RewriteCounts rewrite_graph(Graph& graph, const Optimizations& optimizations) {
  RewriteCounts counts;
  counts.identities_forwarded = forward_constant_identities(graph);
  if (optimizations.fold_batch_norm) counts.batch_norms_folded = fold_batch_norm(graph);
  if (optimizations.fold_channel_affine) counts.channel_affines_folded = fold_channel_affine(graph);
  if (optimizations.fuse_residual_add) counts.residual_adds_fused = fuse_residual_add(graph);
  if (optimizations.fuse_matmul_bias) counts.matmul_biases_fused = fuse_matmul_bias(graph);
  if (optimizations.fuse_gelu) counts.gelus_fused = fuse_gelu(graph);
  if (optimizations.fuse_activation) counts.activations_fused = fuse_activation(graph);
  if (optimizations.fuse_channel_shuffle) {
    counts.channel_shuffles_fused = fuse_channel_shuffle(graph);
  }
  // After the folds and the conv fusions: what is left is a BatchNormalization no conv took.
  if (optimizations.fuse_batch_norm_relu) {
    counts.batch_norm_relus_fused = fuse_batch_norm_relu(graph);
  }
  // The folds leave the original weights, biases and BatchNormalization parameters behind:
  // drop every initializer nothing reads any more (a model's worth of memory for ResNets).
  std::set<std::string> read;
  for (const Node& node : graph.nodes) read.insert(node.inputs.begin(), node.inputs.end());
  for (const ValueInfo& output : graph.outputs) read.insert(output.name);
  std::erase_if(graph.initializers, [&](const auto& entry) {
    const bool unused = read.count(entry.first) == 0;
    counts.initializers_dropped += unused;
    return unused;
  });
  return counts;
}

}  // namespace ort_lite::rewrites

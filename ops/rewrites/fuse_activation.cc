// fuse_activation: Conv (plain, folded or with a fused residual) -> one activation becomes a
// fused node computing it after the convolution (and the residual). Clip from opset 11 takes
// its bounds as inputs: fused when they are constants (or omitted).
#include <limits>

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
      if (!activation) continue;
      const auto i = index.producer(node.inputs[0]);
      if (!i || !index.foldable(node.inputs[0])) continue;
      const Node& conv = graph.nodes[*i];
      if (!is_conv(conv) || fusion_of(conv).activation) continue;
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
  if (optimizations.fold_batch_norm) counts.batch_norms_folded = fold_batch_norm(graph);
  if (optimizations.fold_channel_affine) counts.channel_affines_folded = fold_channel_affine(graph);
  if (optimizations.fuse_residual_add) counts.residual_adds_fused = fuse_residual_add(graph);
  if (optimizations.fuse_activation) counts.activations_fused = fuse_activation(graph);
  return counts;
}

}  // namespace ort_lite::rewrites

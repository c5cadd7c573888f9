// fuse_residual_add: Conv -> Add(conv output, other) becomes a fused node that adds `other`
// (its 4th input) to the convolution's result. `other` must not be a constant (that is
// fold_channel_affine's case). A shape that broadcasts is computed unfused by the kernel
// (ops/conv/conv_ops.cc).
#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

int fuse_residual_add(Graph& graph) {
  int fused_count = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& add = graph.nodes[j];
      if (!add.domain.empty() || add.op_type != "Add" || add.opset < 7 || add.inputs.size() != 2 ||
          add.outputs.size() != 1) {
        continue;
      }
      for (size_t side = 0; side < 2 && !changed; ++side) {
        const std::string& value = add.inputs[side];
        const std::string& other = add.inputs[1 - side];
        const auto i = index.producer(value);
        if (!i || !index.foldable(value) || initializer(graph, other) || other == value) {
          continue;
        }
        const Node& conv = graph.nodes[*i];
        // The sum comes before any activation: not after one already fused.
        if (!is_conv(conv) || fusion_of(conv).any()) continue;
        Node fused = conv;
        make_fused(fused, "Add", graph);
        fused.inputs.resize(3);  // an omitted bias stays ""
        fused.inputs.push_back(other);
        fused.attributes["residual"] = int64_t{1};
        replace_pair(graph, *i, j, std::move(fused));
        ++fused_count;
        changed = true;
      }
    }
  }
  return fused_count;
}

}  // namespace ort_lite::rewrites

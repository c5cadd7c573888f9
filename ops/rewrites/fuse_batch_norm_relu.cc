// fuse_batch_norm_relu: BatchNormalization -> Relu where the BatchNormalization could not be
// folded into a convolution (pre-activation blocks, DenseNet's BN -> Relu -> Conv): one pass
// over the tensor instead of two. The node becomes BatchNormalization in domain ai.ort_lite
// with activation = "Relu" (ops/nn/normalization.cc), keeping its opset (7 and later: the
// forms without legacy attributes).
#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

int fuse_batch_norm_relu(Graph& graph) {
  int count = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& relu = graph.nodes[j];
      if (!relu.domain.empty() || relu.op_type != "Relu" || relu.opset < 6 ||
          relu.inputs.size() != 1 || relu.outputs.size() != 1) {
        continue;
      }
      const auto b = index.producer(relu.inputs[0]);
      if (!b || !index.foldable(relu.inputs[0])) continue;
      const Node& bn = graph.nodes[*b];
      if (!bn.domain.empty() || bn.op_type != "BatchNormalization" || bn.opset < 7 ||
          bn.outputs.empty() || bn.outputs[0] != relu.inputs[0]) {
        continue;
      }
      // Training outputs stay the op's to refuse.
      bool extra_outputs = false;
      for (size_t i = 1; i < bn.outputs.size(); ++i) extra_outputs |= !bn.outputs[i].empty();
      if (extra_outputs) continue;
      Node fused = bn;
      fused.domain = conv::kOrtLiteDomain;
      fused.name += " + Relu";
      fused.attributes["activation"] = std::string("Relu");
      graph.opsets[conv::kOrtLiteDomain] = 1;
      replace_pair(graph, *b, j, std::move(fused));
      ++count;
      changed = true;
    }
  }
  return count;
}

}  // namespace ort_lite::rewrites

// fuse_matmul_bias: MatMul(A, B) -> Add(bias), with B a float32 constant matrix (K, N) and the
// bias a float32 constant vector (N) (a Linear layer as PyTorch exports it over [N, H, W, C]
// activations: ConvNeXt, transformers' MLPs), becomes one node of ort-lite's domain:
//   domain ai.ort_lite, op MatMul, inputs A, B, bias; optional activation attributes
//   (conv_fusion.h) written by fuse_activation afterwards.
// oneDNN's matmul adds the bias (and applies the activation) while its result is in registers,
// instead of two more passes over the output. A (N) vector broadcast against (..., M, N) keeps
// the output's shape, so the fused node's output is the Add's.
#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

namespace {

const Tensor* float_constant(const Graph& graph, const std::string& name) {
  const Tensor* t = initializer(graph, name);
  return t && t->dtype() == DType::kFloat32 ? t : nullptr;
}

}  // namespace

int fuse_matmul_bias(Graph& graph) {
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
        const Tensor* bias = float_constant(graph, add.inputs[1 - side]);
        const auto i = index.producer(value);
        if (!bias || !i || !index.foldable(value)) continue;
        const Node& matmul = graph.nodes[*i];
        if (!matmul.domain.empty() || matmul.op_type != "MatMul" || matmul.inputs.size() != 2 ||
            matmul.outputs.size() != 1) {
          continue;
        }
        const Tensor* b = float_constant(graph, matmul.inputs[1]);
        // An empty B (K or N of 0) stays unfused: there is nothing for a matmul to compute.
        if (!b || b->shape().size() != 2 || b->element_count() == 0) continue;
        if (bias->shape() != Shape{b->shape()[1]}) continue;
        Node fused = matmul;
        make_fused(fused, "Add", graph);
        fused.inputs.push_back(add.inputs[1 - side]);
        replace_pair(graph, *i, j, std::move(fused));
        ++fused_count;
        changed = true;
      }
    }
  }
  return fused_count;
}

}  // namespace ort_lite::rewrites

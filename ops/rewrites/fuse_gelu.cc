// fuse_gelu: GELU as PyTorch (and tf2onnx) export it before ONNX had Gelu,
//   y = Mul(Mul(x, Add(Erf(Div(x, sqrt(2))), 1)), 0.5)     (either operand order of each op)
// becomes one Gelu node (opset 20's, approximate 'none'), which a convolution before it can
// then absorb (fuse_activation) and which runs on oneDNN's gelu_erf otherwise.
#include <algorithm>
#include <cmath>

#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

namespace {

// The one-element float32 constant among a binary node's inputs, and the other input.
std::optional<std::pair<float, std::string>> constant_operand(const Graph& graph,
                                                              const Node& node) {
  if (!node.domain.empty() || node.inputs.size() != 2 || node.outputs.size() != 1 ||
      node.opset < 7) {
    return std::nullopt;
  }
  for (size_t side = 0; side < 2; ++side) {
    const Tensor* c = initializer(graph, node.inputs[side]);
    if (c && c->dtype() == DType::kFloat32 && c->element_count() == 1) {
      return std::pair{c->data<float>()[0], node.inputs[1 - side]};
    }
  }
  return std::nullopt;
}

bool near(float value, double expected) { return std::abs(value - expected) < 1e-4 * expected; }

// The node producing `value` if it has op_type and `value` has no other reader.
const Node* sole(const Graph& graph, const GraphIndex& index, const std::string& value,
                 const char* op_type, size_t* position = nullptr) {
  const auto i = index.producer(value);
  if (!i || !index.foldable(value) || graph.nodes[*i].op_type != op_type) return nullptr;
  if (position) *position = *i;
  return &graph.nodes[*i];
}

}  // namespace

int fuse_gelu(Graph& graph) {
  int fused = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      // y = Mul(m, 0.5)
      const Node& half = graph.nodes[j];
      if (half.op_type != "Mul") continue;
      const auto half_c = constant_operand(graph, half);
      if (!half_c || !near(half_c->first, 0.5)) continue;
      size_t mul_at = 0, add_at = 0, erf_at = 0, div_at = 0;
      const Node* mul = sole(graph, index, half_c->second, "Mul", &mul_at);
      if (!mul || mul->inputs.size() != 2) continue;
      // m = Mul(x, a) with a = Add(Erf(Div(x, sqrt 2)), 1): try both operands as `a`.
      for (size_t side = 0; side < 2 && !changed; ++side) {
        const std::string& x = mul->inputs[1 - side];
        const Node* add = sole(graph, index, mul->inputs[side], "Add", &add_at);
        if (!add) continue;
        const auto one = constant_operand(graph, *add);
        if (!one || !near(one->first, 1.0)) continue;
        const Node* erf = sole(graph, index, one->second, "Erf", &erf_at);
        if (!erf || erf->inputs.size() != 1) continue;
        const Node* div = sole(graph, index, erf->inputs[0], "Div", &div_at);
        if (!div) continue;
        const auto root2 = constant_operand(graph, *div);
        if (!root2 || div->inputs[0] != x || !near(root2->first, std::sqrt(2.0))) continue;
        Node gelu;
        gelu.name = half.name + " (Gelu)";
        gelu.op_type = "Gelu";
        gelu.opset = 20;
        gelu.inputs = {x};
        gelu.outputs = half.outputs;
        gelu.attributes["approximate"] = std::string("none");
        graph.nodes[j] = std::move(gelu);
        // Erase the four absorbed nodes, last first so the earlier indices stay valid.
        std::vector<size_t> absorbed{mul_at, add_at, erf_at, div_at};
        std::sort(absorbed.rbegin(), absorbed.rend());
        for (size_t at : absorbed)
          graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(at));
        ++fused;
        changed = true;
      }
    }
  }
  return fused;
}

}  // namespace ort_lite::rewrites

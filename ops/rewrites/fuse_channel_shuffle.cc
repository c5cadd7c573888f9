// fuse_channel_shuffle: ShuffleNet's channel shuffle as PyTorch exports it,
//   Reshape(X, [N, g, C/g, spatial..]) -> Transpose(perm [0, 2, 1, 3..]) -> Reshape([N, C, ..])
// (the second shape may say -1 for C), becomes one ChannelShuffle node (domain ai.ort_lite,
// ops/tensor/channel_shuffle.cc). The three nodes need plain bytes in between, so on their own
// they force a reorder out of and back into channels-last around every shuffle; the fused op
// permutes channels-last channels where they lie. Both shapes must be constants with no 0 or
// -1 in the first (so the rewrite knows g and C/g without knowing X's shape).
#include <algorithm>

#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

namespace {

// A Reshape (opset 5+: the shape as an input) whose shape is a constant, and that shape.
std::optional<std::vector<int64_t>> constant_reshape(const Graph& graph, const Node& node) {
  if (!node.domain.empty() || node.op_type != "Reshape" || node.opset < 5 ||
      node.inputs.size() != 2 || node.outputs.size() != 1) {
    return std::nullopt;
  }
  const Tensor* shape = initializer(graph, node.inputs[1]);
  if (!shape || shape->dtype() != DType::kInt64 || shape->shape().size() != 1) return std::nullopt;
  const auto values = shape->values<int64_t>();
  return std::vector<int64_t>(values.begin(), values.end());
}

bool swaps_axes_1_and_2(const Node& transpose, size_t rank) {
  if (!transpose.domain.empty() || transpose.op_type != "Transpose" ||
      transpose.outputs.size() != 1) {
    return false;
  }
  auto it = transpose.attributes.find("perm");
  if (it == transpose.attributes.end()) return false;
  const auto* perm = std::get_if<std::vector<int64_t>>(&it->second);
  std::vector<int64_t> expected{0, 2, 1};
  for (size_t a = 3; a < rank; ++a) expected.push_back(static_cast<int64_t>(a));
  return perm && *perm == expected;
}

// The shuffle's output shape when `split` = [N, g, C/g, s..] and `joined` = [N, C or -1, s..].
std::optional<std::vector<int64_t>> shuffle_shape(const std::vector<int64_t>& split,
                                                  const std::vector<int64_t>& joined) {
  if (split.size() < 4 || joined.size() + 1 != split.size()) return std::nullopt;
  if (std::any_of(split.begin(), split.end(), [](int64_t d) { return d <= 0; })) {
    return std::nullopt;
  }
  int64_t channels = 0;
  if (__builtin_mul_overflow(split[1], split[2], &channels)) return std::nullopt;
  std::vector<int64_t> shape{split[0], channels};
  shape.insert(shape.end(), split.begin() + 3, split.end());
  for (size_t a = 0; a < shape.size(); ++a) {
    if (joined[a] != shape[a] && !(a == 1 && joined[a] == -1)) return std::nullopt;
  }
  return shape;
}

}  // namespace

int fuse_channel_shuffle(Graph& graph) {
  int fused = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t j = 0; j < graph.nodes.size() && !changed; ++j) {
      const Node& join = graph.nodes[j];
      const auto joined = constant_reshape(graph, join);
      if (!joined) continue;
      const auto t = index.producer(join.inputs[0]);
      if (!t || !index.foldable(join.inputs[0])) continue;
      const Node& transpose = graph.nodes[*t];
      if (transpose.inputs.size() != 1) continue;
      const auto s = index.producer(transpose.inputs[0]);
      if (!s || !index.foldable(transpose.inputs[0])) continue;
      const Node& split_node = graph.nodes[*s];
      const auto split = constant_reshape(graph, split_node);
      if (!split || !swaps_axes_1_and_2(transpose, split->size())) continue;
      const auto shape = shuffle_shape(*split, *joined);
      if (!shape) continue;
      Node shuffle;
      shuffle.name = join.name + " (channel shuffle)";
      shuffle.op_type = "ChannelShuffle";
      shuffle.domain = conv::kOrtLiteDomain;
      shuffle.opset = 1;
      shuffle.inputs = {split_node.inputs[0]};
      shuffle.outputs = join.outputs;
      shuffle.attributes["groups"] = (*split)[1];
      shuffle.attributes["shape"] = *shape;
      graph.opsets[conv::kOrtLiteDomain] = 1;
      graph.nodes[j] = std::move(shuffle);
      // The Transpose and the first Reshape, later one first (indices stay valid).
      for (size_t at : {std::max(*s, *t), std::min(*s, *t)}) {
        graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(at));
      }
      ++fused;
      changed = true;
    }
  }
  return fused;
}

}  // namespace ort_lite::rewrites

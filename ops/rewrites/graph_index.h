// Who produces and who reads each value of a graph, for the rewrites.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/ops/conv_fusion.h"

namespace ort_lite::rewrites {

class GraphIndex {
 public:
  explicit GraphIndex(const Graph& graph);
  // The index of the node producing `value`, if a node does.
  std::optional<size_t> producer(const std::string& value) const;
  int readers(const std::string& value) const;
  bool is_graph_output(const std::string& value) const { return graph_outputs_.count(value) > 0; }
  // A value a rewrite may fold away: one reader, and not a graph output.
  bool foldable(const std::string& value) const;
  // An output nobody sees: no reader, not a graph output.
  bool unused(const std::string& value) const {
    return value.empty() || (readers(value) == 0 && !is_graph_output(value));
  }

 private:
  std::map<std::string, size_t> producer_;
  std::map<std::string, int> readers_;
  std::set<std::string> graph_outputs_;
};

// A Conv / ConvTranspose node (ONNX's or an ort-lite fused one) with constant weights.
bool is_conv(const Node& node);
// MatMul + bias of ort-lite's domain, made by fuse_matmul_bias.
bool is_fused_matmul(const Node& node);
const Tensor* initializer(const Graph& graph, const std::string& name);
conv::ConvFusion fusion_of(const Node& node);

// The node as ort-lite's fused form (domain ai.ort_lite), named after what it absorbed.
void make_fused(Node& conv, const std::string& absorbed_op, Graph& graph);

// A new initializer name derived from `base` that the graph does not use yet.
std::string fresh_name(const Graph& graph, const std::string& base);

// Puts `fused` in the place of node `absorbed`, taking its (first) output, and erases the
// conv's old position `conv` (< absorbed); later nodes shift by one.
void replace_pair(Graph& graph, size_t conv, size_t absorbed, Node fused);

// The per-output-channel factors of a constant broadcast against a conv output of rank `rank`
// with M channels: a scalar, or a tensor whose only non-1 dim is the channel axis. nullopt
// when the constant is not of that form (or not float32).
std::optional<std::vector<double>> per_channel_values(const Tensor& constant, size_t rank,
                                                      int64_t channels);

// Scales the weights of `conv` per output channel (ConvTranspose: weight axis 1, group-aware)
// and returns the new weight tensor.
Tensor scale_output_channels(const Node& conv, const Tensor& weights,
                             const std::vector<double>& factors);
// The conv's output channels M from its weights.
int64_t output_channels(const Node& conv, const Tensor& weights);

}  // namespace ort_lite::rewrites

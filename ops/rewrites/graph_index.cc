#include "rewrites/graph_index.h"

#include <algorithm>

namespace ort_lite::rewrites {

GraphIndex::GraphIndex(const Graph& graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& out : graph.nodes[i].outputs) {
      if (!out.empty()) producer_[out] = i;
    }
    for (const std::string& in : graph.nodes[i].inputs) {
      if (!in.empty()) ++readers_[in];
    }
  }
  for (const ValueInfo& output : graph.outputs) graph_outputs_.insert(output.name);
}

std::optional<size_t> GraphIndex::producer(const std::string& value) const {
  auto it = producer_.find(value);
  if (it == producer_.end()) return std::nullopt;
  return it->second;
}

int GraphIndex::readers(const std::string& value) const {
  auto it = readers_.find(value);
  return it == readers_.end() ? 0 : it->second;
}

bool GraphIndex::foldable(const std::string& value) const {
  return readers(value) == 1 && graph_outputs_.count(value) == 0;
}

bool is_conv(const Node& node) {
  return (node.op_type == "Conv" || node.op_type == "ConvTranspose") &&
         (node.domain.empty() || node.domain == conv::kOrtLiteDomain) && node.outputs.size() == 1 &&
         node.inputs.size() >= 2;
}

bool is_fused_matmul(const Node& node) {
  return node.op_type == "MatMul" && node.domain == conv::kOrtLiteDomain &&
         node.inputs.size() == 3 && node.outputs.size() == 1;
}

const Tensor* initializer(const Graph& graph, const std::string& name) {
  auto it = graph.initializers.find(name);
  return it == graph.initializers.end() ? nullptr : &it->second;
}

conv::ConvFusion fusion_of(const Node& node) {
  auto fusion = conv::parse_conv_fusion(node);
  return fusion.ok() ? *fusion : conv::ConvFusion{};
}

void make_fused(Node& conv, const std::string& absorbed_op, Graph& graph) {
  if (conv.domain != conv::kOrtLiteDomain) {
    conv.domain = conv::kOrtLiteDomain;
    conv.opset = 1;
    graph.opsets[conv::kOrtLiteDomain] = 1;
  }
  conv.name += " + " + absorbed_op;
}

std::string fresh_name(const Graph& graph, const std::string& base) {
  std::string name = base;
  for (int i = 2; graph.initializers.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

void replace_pair(Graph& graph, size_t conv, size_t absorbed, Node fused) {
  fused.outputs = {graph.nodes[absorbed].outputs[0]};
  graph.nodes[absorbed] = std::move(fused);
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(conv));
}

int64_t output_channels(const Node& conv, const Tensor& weights) {
  if (conv.op_type == "Conv") return weights.shape()[0];
  int64_t group = 1;
  if (auto it = conv.attributes.find("group"); it != conv.attributes.end()) {
    if (const auto* g = std::get_if<int64_t>(&it->second)) group = *g;
  }
  return weights.shape()[1] * group;
}

std::optional<std::vector<double>> per_channel_values(const Tensor& constant, size_t rank,
                                                      int64_t channels) {
  if (constant.dtype() != DType::kFloat32 || constant.rank() > static_cast<int64_t>(rank)) {
    return std::nullopt;
  }
  // Right-align against (N, M, spatial..): every dim 1 except, possibly, the one over M.
  const Shape& shape = constant.shape();
  const size_t offset = rank - shape.size();
  bool per_channel = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (offset + i != 1 || shape[i] != channels) return std::nullopt;
    per_channel = true;
  }
  std::vector<double> values(static_cast<size_t>(channels));
  const float* data = constant.data<float>();
  for (int64_t m = 0; m < channels; ++m) values[static_cast<size_t>(m)] = data[per_channel ? m : 0];
  return values;
}

Tensor scale_output_channels(const Node& conv, const Tensor& weights,
                             const std::vector<double>& factors) {
  Tensor scaled = weights.clone();
  float* w = scaled.data<float>();
  const Shape& shape = weights.shape();
  int64_t kernel = 1;
  for (size_t i = 2; i < shape.size(); ++i) kernel *= shape[i];
  if (conv.op_type == "Conv") {
    // (M, C/g, k..): output channel = axis 0.
    const int64_t per_channel = shape[1] * kernel;
    for (int64_t m = 0; m < shape[0]; ++m) {
      for (int64_t i = 0; i < per_channel; ++i) {
        float& v = w[m * per_channel + i];
        v = static_cast<float>(v * factors[static_cast<size_t>(m)]);
      }
    }
  } else {
    // (C, M/g, k..): input channel c belongs to group c / (C/g); output channel
    // m = group * M/g + axis-1 index.
    const int64_t c_total = shape[0], m_per_group = shape[1];
    const int64_t groups = static_cast<int64_t>(factors.size()) / m_per_group;
    const int64_t c_per_group = c_total / groups;
    for (int64_t c = 0; c < c_total; ++c) {
      for (int64_t mj = 0; mj < m_per_group; ++mj) {
        const double f = factors[static_cast<size_t>((c / c_per_group) * m_per_group + mj)];
        for (int64_t k = 0; k < kernel; ++k) {
          float& v = w[(c * m_per_group + mj) * kernel + k];
          v = static_cast<float>(v * f);
        }
      }
    }
  }
  return scaled;
}

}  // namespace ort_lite::rewrites

// Helpers for tests that build single Conv / ConvTranspose models in memory.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/graph.h"
#include "ort_lite/session.h"
#include "ort_lite/tensor.h"

namespace ort_lite::testing_util {

inline Tensor random_tensor(const Shape& shape, std::mt19937& rng) {
  Tensor t(DType::kFloat32, shape);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

inline ValueInfo float_value(const std::string& name, const Shape& shape) {
  std::vector<Dim> dims;
  for (int64_t d : shape) dims.push_back(Dim{d, ""});
  return ValueInfo{name, DType::kFloat32, "float", dims};
}

struct SingleConvModel {
  Node node;
  Shape x_shape;
  Tensor weights;
  std::optional<Tensor> bias;
  bool weights_as_input = false;  // W (and B) fed at run time instead of initializers
};

// A one-node graph: X (and W, B when weights_as_input) are graph inputs, Y the output.
inline Graph make_graph(const SingleConvModel& m) {
  Graph g;
  g.source = "in-memory test model";
  g.opsets[""] = 17;
  g.inputs.push_back(float_value("X", m.x_shape));
  Node node = m.node;
  node.domain = "";
  node.opset = 17;
  node.inputs = {"X", "W"};
  if (m.bias) node.inputs.push_back("B");
  node.outputs = {"Y"};
  if (m.weights_as_input) {
    g.inputs.push_back(float_value("W", m.weights.shape()));
    if (m.bias) g.inputs.push_back(float_value("B", m.bias->shape()));
  } else {
    g.initializers["W"] = m.weights;
    if (m.bias) g.initializers["B"] = *m.bias;
  }
  g.outputs.push_back(ValueInfo{"Y", DType::kFloat32, "float", std::nullopt});
  g.nodes.push_back(node);
  return g;
}

inline std::vector<NamedTensor> feeds(const SingleConvModel& m, const Tensor& x) {
  std::vector<NamedTensor> inputs{{"X", x}};
  if (m.weights_as_input) {
    inputs.push_back({"W", m.weights});
    if (m.bias) inputs.push_back({"B", *m.bias});
  }
  return inputs;
}

// The implementation the plan chose for the node labelled `label` ("Conv 'n'"); reports also
// list the layout reorders the plan added, so the node is not always first.
inline std::string implementation_of(const std::vector<NodeReport>& report,
                                     const std::string& label) {
  for (const NodeReport& node : report) {
    if (node.node == label) return node.implementation;
  }
  return "(no node " + label + " in the report)";
}

// Empty when every |a - e| <= atol + rtol * |e|; otherwise says where and by how much.
inline std::string compare(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.shape() != expected.shape()) {
    return fmt::format("shape {} != expected {}", shape_to_string(actual.shape()),
                       shape_to_string(expected.shape()));
  }
  auto a = actual.values<float>();
  auto e = expected.values<float>();
  double worst = 0;
  size_t worst_index = 0;
  size_t bad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double diff = std::abs(static_cast<double>(a[i]) - e[i]);
    if (!(diff <= atol + rtol * std::abs(e[i]))) {
      ++bad;
      if (!(diff <= worst)) {
        worst = diff;
        worst_index = i;
      }
    }
  }
  if (bad == 0) return {};
  return fmt::format("{} of {} values differ; worst at flat index {}: {} vs expected {} (diff {})",
                     bad, a.size(), worst_index, a[worst_index], e[worst_index], worst);
}

}  // namespace ort_lite::testing_util

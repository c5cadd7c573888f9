// One-node ONNX graphs built in memory, for tests of single ops through Session: each input is
// an initializer (known at prepare) or a graph input fed at run time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/graph.h"
#include "ort_lite/session.h"
#include "ort_lite/tensor.h"

namespace ort_lite::testing_util {

struct NodeInput {
  Tensor value;
  bool constant = false;  // an initializer; else a graph input fed at run time
};
inline NodeInput initializer(Tensor t) { return {std::move(t), true}; }
inline NodeInput fed(Tensor t) { return {std::move(t), false}; }

struct OneNode {
  std::string op_type;
  std::vector<std::optional<NodeInput>> inputs;  // nullopt: an omitted optional input
  std::map<std::string, AttributeValue> attributes = {};
  size_t outputs = 1;
  int64_t opset = 17;
};

// Inputs are named in0, in1..., outputs out0, out1...; the node is named "n".
inline Graph one_node_graph(const OneNode& op) {
  Graph g;
  g.source = "in-memory test model";
  g.opsets[""] = op.opset;
  Node node;
  node.name = "n";
  node.op_type = op.op_type;
  node.opset = op.opset;
  node.attributes = op.attributes;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (!op.inputs[i]) {
      node.inputs.push_back("");
      continue;
    }
    const std::string name = fmt::format("in{}", i);
    node.inputs.push_back(name);
    const Tensor& t = op.inputs[i]->value;
    if (op.inputs[i]->constant) {
      g.initializers[name] = t;
    } else {
      std::vector<Dim> dims;
      for (int64_t d : t.shape()) dims.push_back(Dim{d, ""});
      g.inputs.push_back(ValueInfo{name, t.dtype(), std::string(dtype_name(t.dtype())), dims});
    }
  }
  for (size_t i = 0; i < op.outputs; ++i) {
    node.outputs.push_back(fmt::format("out{}", i));
    g.outputs.push_back(ValueInfo{fmt::format("out{}", i), std::nullopt, "", std::nullopt});
  }
  g.nodes.push_back(node);
  return g;
}

// Loads the graph with `options` and runs it once on its fed inputs.
inline Result<std::vector<Tensor>> run_one_node(const OneNode& op, SessionOptions options = {}) {
  ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                        Session::create(one_node_graph(op), options));
  std::vector<NamedTensor> feeds;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (op.inputs[i] && !op.inputs[i]->constant) {
      feeds.push_back({fmt::format("in{}", i), op.inputs[i]->value});
    }
  }
  ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> outputs, session->run(feeds));
  std::vector<Tensor> tensors;
  for (NamedTensor& named : outputs) tensors.push_back(std::move(named.tensor));
  return tensors;
}

}  // namespace ort_lite::testing_util

// forward_constant_identities: an Identity of an initializer (torch.onnx writes one for each
// weight equal to an earlier one, e.g. every zero bias of a freshly initialized ConvNeXt) is
// replaced by the initializer itself in the nodes that read it, so that the folds and fusions
// after it see a constant where the model has one. Runs before every other rewrite; an Identity
// whose output is a graph output stays.
#include <map>

#include "rewrites/graph_index.h"
#include "rewrites/rewrites.h"

namespace ort_lite::rewrites {

int forward_constant_identities(Graph& graph) {
  const GraphIndex index(graph);
  std::map<std::string, std::string> forwarded;  // Identity output -> initializer
  std::erase_if(graph.nodes, [&](const Node& node) {
    if (!node.domain.empty() || node.op_type != "Identity" || node.inputs.size() != 1 ||
        node.outputs.size() != 1 || !initializer(graph, node.inputs[0]) ||
        index.is_graph_output(node.outputs[0])) {
      return false;
    }
    forwarded[node.outputs[0]] = node.inputs[0];
    return true;
  });
  for (Node& node : graph.nodes) {
    for (std::string& input : node.inputs) {
      if (auto it = forwarded.find(input); it != forwarded.end()) input = it->second;
    }
  }
  return static_cast<int>(forwarded.size());
}

}  // namespace ort_lite::rewrites

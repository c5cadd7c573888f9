// Edits of ONNX files that keep everything else in them: opsets, metadata, doc strings, value
// infos, other initializers (external data included) and nodes. Used by ort-lite-weights.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite {

// Rewrites `in_path` to `out_path` with the named initializers' values replaced (stored inline
// as raw_data). Every name must be an existing initializer of the main graph, and each new
// value must keep its dtype; shapes may change (resizing channels). Refused if the model has
// external data and `out_path` is in another folder (its relative locations would break).
Status write_with_initializers(const std::string& in_path,
                               const std::map<std::string, Tensor>& values,
                               const std::string& out_path);

// A model of one node, for tools: the node's inputs are graph inputs of the given float32
// shapes unless `initializers` holds them; its first output is the graph output. The opsets
// are the node's own (default domain) and, for custom domains, version 1.
struct SingleNodeModel {
  Node node;
  std::map<std::string, Shape> inputs;
  std::map<std::string, Tensor> initializers;
  Shape output_shape;
  std::string producer = "ort-lite";
};
Status write_single_node_model(const SingleNodeModel& model, const std::string& out_path);

}  // namespace ort_lite

// Graph: ort-lite's own, format-neutral model representation.
//
// Importers translate a file format (ONNX protobuf) into this; nothing past the importer sees
// protobuf. A Graph is plain data: op meaning lives in ops/, not here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ort_lite/tensor.h"

namespace ort_lite {

// One dim of a declared graph input/output shape: a fixed size, or a symbol ("batch"), or
// unknown (neither).
struct Dim {
  int64_t value = -1;  // >= 0 when fixed
  std::string symbol;  // non-empty when symbolic

  bool is_fixed() const { return value >= 0; }
  std::string to_string() const;
};

struct ValueInfo {
  std::string name;
  std::optional<DType> dtype;             // nullopt: not declared or a type ort-lite cannot hold
  std::string dtype_text;                 // the element type as the model names it, for messages
  std::optional<std::vector<Dim>> shape;  // nullopt: rank unknown
};

using AttributeValue = std::variant<int64_t, float, std::string, std::vector<int64_t>,
                                    std::vector<float>, std::vector<std::string>, Tensor>;

struct Node {
  std::string name;     // never empty: importers name anonymous nodes "<op_type>#<index>"
  std::string op_type;  // "Conv"
  std::string domain;   // "" for the default ONNX domain
  int64_t opset = 0;    // the model's opset version for this node's domain
  std::vector<std::string> inputs;   // "" marks an omitted optional input
  std::vector<std::string> outputs;  // "" marks an omitted optional output
  std::map<std::string, AttributeValue> attributes;

  // "Conv 'conv1'", the way every message names a node.
  std::string label() const { return op_type + " '" + name + "'"; }
};

struct Graph {
  std::string source;             // where it came from (file path), for messages
  std::vector<ValueInfo> inputs;  // run-time inputs only (initializers are not listed here)
  std::vector<ValueInfo> outputs;
  std::map<std::string, Tensor> initializers;  // constants: weights, Constant node values
  std::vector<Node> nodes;                     // in topological order
  std::map<std::string, int64_t> opsets;       // domain -> version
};

}  // namespace ort_lite

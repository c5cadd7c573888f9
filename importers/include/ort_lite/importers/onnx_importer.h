// ONNX protobuf -> ort_lite::Graph. The only place (with tensor_io) that sees protobuf.
#pragma once

#include <string>
#include <string_view>

#include "ort_lite/graph.h"
#include "ort_lite/status.h"

namespace ort_lite {

// Reads an .onnx file. External tensor data is resolved relative to the model's folder and
// refused if its path is absolute or leaves that folder. Returns a Graph whose nodes are in
// topological order, Constant nodes folded into initializers, and graph inputs that have an
// initializer dropped from Graph::inputs (they are constants). Errors name the file and node.
Result<Graph> import_onnx_file(const std::string& path);
// The same from bytes in memory (tests, fuzzing). `source` names the model in messages and
// Graph::source; external data is resolved relative to `base_dir`, or refused if it is empty.
Result<Graph> import_onnx_bytes(std::string_view bytes, const std::string& source,
                                const std::string& base_dir = "");

}  // namespace ort_lite

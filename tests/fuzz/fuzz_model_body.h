// What the model fuzzer does with one input; also replayed over tests/fuzz/regressions by
// fuzz_regression_test. Import, prepare a Session, and run it once on zero inputs when every
// input shape is fixed and small. Any crash, hang, sanitizer report or escaping exception is a
// bug; a non-OK Status is an expected outcome. Returns that Status for the regression test.
#pragma once

#include <string_view>

#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/session.h"

namespace ort_lite::fuzz {

inline Status load_and_run_model_bytes(std::string_view bytes) {
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_bytes(bytes, "fuzz.onnx"));
  // Legitimate but huge tensors would only measure the machine: keep them small.
  SessionOptions options;
  options.max_tensor_bytes = int64_t{256} << 20;
  // One thread: campaigns run one fuzzer process per core, and the parallel paths are the same
  // code as the serial ones (the test suites run them at several thread counts).
  options.threads = 1;
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(std::move(graph), options));
  std::vector<NamedTensor> inputs;
  for (const ValueInfo& input : session->inputs()) {
    if (!input.dtype || !input.shape) return Status::Ok();
    Shape shape;
    for (const Dim& dim : *input.shape) {
      if (!dim.is_fixed() || dim.value > 64) return Status::Ok();
      shape.push_back(dim.value);
    }
    ORTL_ASSIGN_OR_RETURN(Tensor tensor, Tensor::create(*input.dtype, shape));
    if (tensor.element_count() > (1 << 16)) return Status::Ok();
    inputs.push_back({input.name, std::move(tensor)});
  }
  return session->run(inputs).status();
}

}  // namespace ort_lite::fuzz

// libFuzzer target: arbitrary bytes as an ONNX model. Import, then prepare a Session and run it
// once on zero inputs when every input shape is fixed and small. Any crash, hang, sanitizer
// report or exception escaping is a bug; a non-OK Status is the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ort_lite;
  auto graph =
      import_onnx_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
  if (!graph.ok()) return 0;
  auto session = Session::create(std::move(graph).value(), {});
  if (!session.ok()) return 0;
  std::vector<NamedTensor> inputs;
  for (const ValueInfo& input : (*session)->inputs()) {
    if (!input.dtype || !input.shape) return 0;
    Shape shape;
    for (const Dim& dim : *input.shape) {
      if (!dim.is_fixed() || dim.value > 64) return 0;
      shape.push_back(dim.value);
    }
    auto tensor = Tensor::create(*input.dtype, shape);
    if (!tensor.ok() || tensor->element_count() > (1 << 16)) return 0;
    inputs.push_back({input.name, std::move(tensor).value()});
  }
  (void)(*session)->run(inputs);
  return 0;
}

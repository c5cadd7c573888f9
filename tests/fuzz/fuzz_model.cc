// libFuzzer target: arbitrary bytes as an ONNX model (see fuzz_model_body.h).
#include <cstddef>
#include <cstdint>

#include "fuzz_model_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ort_lite::fuzz::load_and_run_model_bytes(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

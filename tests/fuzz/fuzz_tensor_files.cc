// libFuzzer target: arbitrary bytes as a .npy file, a TensorProto .pb file and a .npz archive.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ort_lite/importers/tensor_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)ort_lite::parse_npy(bytes, "fuzz.npy");
  (void)ort_lite::parse_tensor_pb(bytes, "fuzz.pb");
  (void)ort_lite::parse_npz(bytes, "fuzz.npz");
  return 0;
}

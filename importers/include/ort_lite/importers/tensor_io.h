// Tensor files: NumPy .npy and ONNX TensorProto .pb (the ONNX backend test-data format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ort_lite/session.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite {

// .npy format versions 1.0, 2.0 and 3.0; little-endian (or byte-order-free) C-order arrays of
// float32, float64, float16, int8, uint8, int32, int64, bool. Anything else (Fortran order,
// big-endian, object arrays, other dtypes, truncated data) is an error naming the file and why.
Result<Tensor> read_npy(const std::string& path);
// Writes format 1.0 (2.0 if the header needs it).
Status write_npy(const std::string& path, const Tensor& tensor);
// The same in memory (tests, fuzzing); `source` names the bytes in messages.
Result<Tensor> parse_npy(std::string_view bytes, const std::string& source);
Result<std::string> encode_npy(const Tensor& tensor);

// A serialized onnx.TensorProto. The name is the proto's name field (may be empty).
Result<NamedTensor> read_tensor_pb(const std::string& path);
Status write_tensor_pb(const std::string& path, const NamedTensor& tensor);
// The same in memory; external data is resolved relative to `base_dir`, or refused if it is
// empty. read_tensor_pb uses the file's folder.
Result<NamedTensor> parse_tensor_pb(std::string_view bytes, const std::string& source,
                                    const std::string& base_dir = "");

// NumPy .npz archives (np.savez, np.savez_compressed): one .npy per array, named by its entry
// ("x.npy" holds "x"), in archive order. Entries that are not .npy files, names stored twice and
// sizes past the machine's memory are errors naming the archive and the entry.
Result<std::vector<NamedTensor>> read_npz(const std::string& path);
Result<std::vector<NamedTensor>> parse_npz(std::string_view bytes, const std::string& source);
// Each tensor as "<name>.npy", stored uncompressed as np.savez does; names must be distinct.
Status write_npz(const std::string& path, const std::vector<NamedTensor>& tensors);

// Dispatches on the extension: ".npy" or ".pb".
Result<Tensor> read_tensor_file(const std::string& path);

}  // namespace ort_lite

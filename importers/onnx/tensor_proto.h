// onnx.TensorProto <-> Tensor, shared by the ONNX importer (initializers, Constant values,
// TENSOR attributes) and the .pb tensor files. Internal to ort_lite_importers.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "onnx/onnx_pb.h"  // defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1)
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite::onnx_io {

// The ort-lite dtype for an onnx TensorProto.DataType value, or nullopt if ort-lite cannot hold
// it (string, bfloat16, complex, uint16, ...).
std::optional<DType> dtype_from_onnx(int elem_type);
onnx::TensorProto::DataType onnx_elem_type(DType dtype);
// The ONNX name in lower case ("float", "bfloat16"), or "type <n>" for values this ONNX
// version does not know.
std::string onnx_type_name(int elem_type);

// Converts every storage form (raw_data, the typed *_data fields, external data). External
// data is resolved against `base_dir`; nullopt refuses external data. Messages do not name the
// tensor: callers add that context ("initializer 'W': ...").
Result<Tensor> tensor_from_proto(const onnx::TensorProto& proto,
                                 const std::optional<std::filesystem::path>& base_dir);

// A proto holding `tensor` in raw_data (little-endian).
onnx::TensorProto tensor_to_proto(const Tensor& tensor, const std::string& name);

// base_dir / location, refused if `location` is absolute or, lexically or through symlinks,
// leads outside base_dir.
Result<std::filesystem::path> resolve_external_location(const std::filesystem::path& base_dir,
                                                        const std::string& location);

// Whole-file reads and writes for the importers' readers. Messages do not name the file (callers
// prefix it) and say why: "file not found", "is a directory", "Permission denied".
Result<std::string> read_file_bytes(const std::string& path);
Status write_file_bytes(const std::string& path, std::string_view bytes);
// The folder holding `path` ("." for a bare file name), where its external data lives.
std::string folder_of(const std::string& path);

}  // namespace ort_lite::onnx_io

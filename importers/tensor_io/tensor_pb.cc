// Serialized onnx.TensorProto files, the format of the ONNX backend test data
// (test_data_set_0/input_0.pb).
#include <climits>
#include <filesystem>
#include <new>

#include <fmt/format.h>

#include "onnx/tensor_proto.h"
#include "ort_lite/importers/tensor_io.h"

namespace ort_lite {
namespace {

// A bad .pb file is a malformed data file (kIoError), not a bad model.
Status as_file_error(const Status& status) {
  if (status.code() != StatusCode::kInvalidModel) return status;
  return io_error(status.message());
}

Result<NamedTensor> parse(std::string_view bytes, const std::string& base_dir) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return io_error("file is larger than protobuf's 2 GiB limit");
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return io_error("not a valid onnx.TensorProto (protobuf parse failed)");
  }
  std::optional<std::filesystem::path> base;
  if (!base_dir.empty()) base = base_dir;
  auto tensor = onnx_io::tensor_from_proto(proto, base);
  if (!tensor.ok()) {
    return as_file_error(tensor.status()).with_context(fmt::format("tensor '{}'", proto.name()));
  }
  return NamedTensor{proto.name(), std::move(tensor).value()};
}

}  // namespace

Result<NamedTensor> parse_tensor_pb(std::string_view bytes, const std::string& source,
                                    const std::string& base_dir) {
  try {
    auto tensor = parse(bytes, base_dir);
    if (!tensor.ok()) return tensor.status().with_context(source);
    return tensor;
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", source));
  }
}

Result<NamedTensor> read_tensor_pb(const std::string& path) {
  auto bytes = onnx_io::read_file_bytes(path);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return parse_tensor_pb(*bytes, path, onnx_io::folder_of(path));
}

Status write_tensor_pb(const std::string& path, const NamedTensor& tensor) {
  if (tensor.tensor.empty()) {
    return invalid_argument(
        fmt::format("{}: cannot write an empty (default-constructed) tensor", path));
  }
  try {
    std::string bytes;
    if (!onnx_io::tensor_to_proto(tensor.tensor, tensor.name).SerializeToString(&bytes)) {
      return internal_error(fmt::format("{}: protobuf serialization failed", path));
    }
    return onnx_io::write_file_bytes(path, bytes).with_context(path);
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", path));
  }
}

Result<Tensor> read_tensor_file(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".npy") return read_npy(path);
  if (extension == ".pb") {
    ORTL_ASSIGN_OR_RETURN(NamedTensor named, read_tensor_pb(path));
    return std::move(named.tensor);
  }
  return invalid_argument(fmt::format(
      "{}: unknown tensor file extension '{}' (expected .npy or .pb)", path, extension));
}

}  // namespace ort_lite

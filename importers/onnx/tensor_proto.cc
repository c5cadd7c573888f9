#include "onnx/tensor_proto.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <new>
#include <vector>

#include <fmt/format.h>

namespace ort_lite::onnx_io {

// raw_data and external data are little-endian by the ONNX spec; we copy them as they are.
static_assert(std::endian::native == std::endian::little, "ort-lite assumes a little-endian host");

namespace fs = std::filesystem;
using onnx::TensorProto;

std::optional<DType> dtype_from_onnx(int elem_type) {
  switch (elem_type) {
    case TensorProto::FLOAT:
      return DType::kFloat32;
    case TensorProto::DOUBLE:
      return DType::kFloat64;
    case TensorProto::FLOAT16:
      return DType::kFloat16;
    case TensorProto::INT8:
      return DType::kInt8;
    case TensorProto::UINT8:
      return DType::kUInt8;
    case TensorProto::INT32:
      return DType::kInt32;
    case TensorProto::INT64:
      return DType::kInt64;
    case TensorProto::BOOL:
      return DType::kBool;
    default:
      return std::nullopt;
  }
}

TensorProto::DataType onnx_elem_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return TensorProto::FLOAT;
    case DType::kFloat64:
      return TensorProto::DOUBLE;
    case DType::kFloat16:
      return TensorProto::FLOAT16;
    case DType::kInt8:
      return TensorProto::INT8;
    case DType::kUInt8:
      return TensorProto::UINT8;
    case DType::kInt32:
      return TensorProto::INT32;
    case DType::kInt64:
      return TensorProto::INT64;
    case DType::kBool:
      return TensorProto::BOOL;
  }
  return TensorProto::UNDEFINED;
}

std::string onnx_type_name(int elem_type) {
  if (!TensorProto::DataType_IsValid(elem_type)) return fmt::format("type {}", elem_type);
  std::string name = TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

Result<fs::path> resolve_external_location(const fs::path& base_dir, const std::string& location) {
  if (location.empty()) return invalid_model("external data has an empty location");
  if (location.find('\0') != std::string::npos) {
    return invalid_model("external data location contains a NUL character");
  }
  fs::path relative(location);
  if (relative.has_root_path()) {
    return invalid_model(fmt::format(
        "external data location '{}' is absolute; it must be relative to the model's folder",
        location));
  }
  relative = relative.lexically_normal();
  if (relative.empty() || relative == ".") {
    return invalid_model(fmt::format("external data location '{}' names no file", location));
  }
  if (*relative.begin() == "..") {
    return invalid_model(
        fmt::format("external data location '{}' leaves the model's folder", location));
  }
  // The lexical check above does not see symlinks; compare the resolved paths too.
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(base_dir.empty() ? fs::path(".") : base_dir, ec);
  if (ec)
    return io_error(fmt::format("cannot resolve folder '{}': {}", base_dir.string(), ec.message()));
  const fs::path full = fs::weakly_canonical(base / relative, ec);
  if (ec) {
    return io_error(
        fmt::format("cannot resolve external data location '{}': {}", location, ec.message()));
  }
  const fs::path inside = full.lexically_relative(base);
  if (inside.empty() || inside == "." || *inside.begin() == "..") {
    return invalid_model(fmt::format(
        "external data location '{}' resolves (through a symbolic link) outside the model's "
        "folder",
        location));
  }
  return full;
}

namespace {

Result<int64_t> parse_non_negative(const std::string& key, const std::string& text) {
  int64_t value = -1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0) {
    return invalid_model(
        fmt::format("external data {} '{}' is not a non-negative integer", key, text));
  }
  return value;
}

struct ExternalData {
  std::string location;
  int64_t offset = 0;
  std::optional<int64_t> length;
};

Result<ExternalData> parse_external_data(const TensorProto& proto) {
  ExternalData result;
  bool has_location = false;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") {
      result.location = entry.value();
      has_location = true;
    } else if (entry.key() == "offset") {
      ORTL_ASSIGN_OR_RETURN(result.offset, parse_non_negative("offset", entry.value()));
    } else if (entry.key() == "length") {
      ORTL_ASSIGN_OR_RETURN(result.length, parse_non_negative("length", entry.value()));
    }
    // "checksum" and unknown keys carry nothing we need.
  }
  if (!has_location) return invalid_model("external data has no 'location' entry");
  return result;
}

Status read_external(const ExternalData& external, const fs::path& file, int64_t bytes,
                     void* destination) {
  const std::string where = fmt::format("external data '{}' (offset {}, {} bytes)",
                                        external.location, external.offset, bytes);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return io_error(fmt::format("{}: not found or not a regular file", where));
  }
  const uintmax_t file_size = fs::file_size(file, ec);
  if (ec) return io_error(fmt::format("{}: {}", where, ec.message()));
  if (static_cast<uintmax_t>(external.offset) > file_size ||
      file_size - static_cast<uintmax_t>(external.offset) < static_cast<uintmax_t>(bytes)) {
    return io_error(fmt::format("{}: the file has only {} bytes", where, file_size));
  }
  if (bytes == 0) return Status::Ok();
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(external.offset));
  in.read(static_cast<char*>(destination), static_cast<std::streamsize>(bytes));
  if (!in) return io_error(fmt::format("{}: read failed", where));
  return Status::Ok();
}

// int32_data carries the narrow integer types, bool and float16 bit patterns, one per element.
template <typename T>
Status narrow_from_int32(const google::protobuf::RepeatedField<int32_t>& values, int64_t lowest,
                         int64_t highest, std::string_view type, T* destination) {
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] < lowest || values[i] > highest) {
      return invalid_model(
          fmt::format("int32_data[{}] = {} is out of range for {}", i, values[i], type));
    }
    destination[i] = static_cast<T>(values[i]);
  }
  return Status::Ok();
}

// The typed field that the ONNX spec uses for `dtype` (when raw_data is not used).
int typed_field_size(const TensorProto& proto, DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return proto.float_data_size();
    case DType::kFloat64:
      return proto.double_data_size();
    case DType::kInt64:
      return proto.int64_data_size();
    default:
      return proto.int32_data_size();
  }
}

const char* typed_field_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float_data";
    case DType::kFloat64:
      return "double_data";
    case DType::kInt64:
      return "int64_data";
    default:
      return "int32_data";
  }
}

Status copy_typed(const TensorProto& proto, Tensor& tensor) {
  switch (tensor.dtype()) {
    case DType::kFloat32:
      std::copy(proto.float_data().begin(), proto.float_data().end(), tensor.data<float>());
      return Status::Ok();
    case DType::kFloat64:
      std::copy(proto.double_data().begin(), proto.double_data().end(), tensor.data<double>());
      return Status::Ok();
    case DType::kInt64:
      std::copy(proto.int64_data().begin(), proto.int64_data().end(), tensor.data<int64_t>());
      return Status::Ok();
    case DType::kInt32:
      std::copy(proto.int32_data().begin(), proto.int32_data().end(), tensor.data<int32_t>());
      return Status::Ok();
    case DType::kInt8:
      return narrow_from_int32(proto.int32_data(), -128, 127, "int8", tensor.data<int8_t>());
    case DType::kUInt8:
      return narrow_from_int32(proto.int32_data(), 0, 255, "uint8", tensor.data<uint8_t>());
    case DType::kBool:
      return narrow_from_int32(proto.int32_data(), 0, 1, "bool",
                               static_cast<uint8_t*>(tensor.raw_data()));
    case DType::kFloat16:
      return narrow_from_int32(proto.int32_data(), 0, 65535, "float16 bits",
                               static_cast<uint16_t*>(tensor.raw_data()));
  }
  return internal_error("unhandled dtype");
}

// bool is one byte, but only 0 and 1 are valid bool objects.
void normalize_bools(Tensor& tensor) {
  if (tensor.dtype() != DType::kBool) return;
  auto* bytes = static_cast<uint8_t*>(tensor.raw_data());
  for (int64_t i = 0; i < tensor.element_count(); ++i) bytes[i] = bytes[i] != 0 ? 1 : 0;
}

Result<Tensor> convert(const TensorProto& proto, const std::optional<fs::path>& base_dir) {
  if (proto.data_type() == TensorProto::UNDEFINED) return invalid_model("data_type is not set");
  const std::optional<DType> dtype = dtype_from_onnx(proto.data_type());
  if (!dtype) {
    return unsupported(fmt::format("element type {} is not supported by ort-lite",
                                   onnx_type_name(proto.data_type())));
  }
  if (proto.has_segment()) return unsupported("segmented tensors are not supported");

  const Shape shape(proto.dims().begin(), proto.dims().end());
  const auto count = checked_element_count(shape);
  if (!count.ok()) return invalid_model(fmt::format("dims: {}", count.status().message()));
  const auto element_size = static_cast<int64_t>(dtype_size(*dtype));
  if (*count > std::numeric_limits<int64_t>::max() / element_size) {
    return invalid_model(fmt::format("dims {} are too large", shape_to_string(shape)));
  }
  const int64_t bytes = *count * element_size;

  // Check the stored size against the dims before allocating: dims are untrusted.
  const bool external = proto.data_location() == TensorProto::EXTERNAL;
  std::vector<std::string> forms;
  if (external) forms.push_back("external data");
  if (proto.has_raw_data()) forms.push_back("raw_data");
  if (proto.float_data_size() > 0) forms.push_back("float_data");
  if (proto.double_data_size() > 0) forms.push_back("double_data");
  if (proto.int32_data_size() > 0) forms.push_back("int32_data");
  if (proto.int64_data_size() > 0) forms.push_back("int64_data");
  if (proto.uint64_data_size() > 0) forms.push_back("uint64_data");
  if (proto.string_data_size() > 0) forms.push_back("string_data");
  if (forms.size() > 1) {
    return invalid_model(fmt::format("data is stored in both {} and {}", forms[0], forms[1]));
  }
  const std::string form = forms.empty() ? "" : forms[0];
  const std::string dims_text = fmt::format("dims {} ({} elements of {})", shape_to_string(shape),
                                            *count, onnx_type_name(proto.data_type()));

  std::optional<ExternalData> external_data;
  fs::path external_file;
  if (form.empty()) {
    if (*count != 0) return invalid_model(fmt::format("{} but no data", dims_text));
  } else if (form == "external data") {
    if (!base_dir) return invalid_model("external data is not allowed here");
    ORTL_ASSIGN_OR_RETURN(external_data, parse_external_data(proto));
    if (external_data->length && *external_data->length != bytes) {
      return invalid_model(fmt::format("{} but external data length is {} bytes", dims_text,
                                       *external_data->length));
    }
    ORTL_ASSIGN_OR_RETURN(external_file,
                          resolve_external_location(*base_dir, external_data->location));
  } else if (form == "raw_data") {
    if (static_cast<int64_t>(proto.raw_data().size()) != bytes) {
      return invalid_model(fmt::format("{} but raw_data has {} bytes (expected {})", dims_text,
                                       proto.raw_data().size(), bytes));
    }
  } else if (form == typed_field_name(*dtype)) {
    if (typed_field_size(proto, *dtype) != *count) {
      return invalid_model(
          fmt::format("{} but {} has {} values", dims_text, form, typed_field_size(proto, *dtype)));
    }
  } else {
    return invalid_model(
        fmt::format("{} data is stored in {}, which the ONNX spec does not use "
                    "for that type (expected raw_data or {})",
                    onnx_type_name(proto.data_type()), form, typed_field_name(*dtype)));
  }

  auto created = Tensor::create(*dtype, shape);
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kInvalidArgument) {
      return invalid_model(created.status().message());  // the dims, not the caller, are wrong
    }
    return created.status();
  }
  Tensor tensor = std::move(created).value();
  if (external_data) {
    ORTL_RETURN_IF_ERROR(read_external(*external_data, external_file, bytes, tensor.raw_data()));
    normalize_bools(tensor);
  } else if (form == "raw_data") {
    if (bytes > 0) std::memcpy(tensor.raw_data(), proto.raw_data().data(), bytes);
    normalize_bools(tensor);
  } else if (!form.empty()) {
    ORTL_RETURN_IF_ERROR(copy_typed(proto, tensor));
  }
  return tensor;
}

}  // namespace

Result<Tensor> tensor_from_proto(const TensorProto& proto,
                                 const std::optional<fs::path>& base_dir) {
  try {
    return convert(proto, base_dir);
  } catch (const std::bad_alloc&) {
    return internal_error("out of memory converting a tensor");
  } catch (const std::exception& e) {  // std::filesystem and iostream failures
    return io_error(fmt::format("converting a tensor: {}", e.what()));
  }
}

Result<std::string> read_file_bytes(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return io_error(ec.message());
  if (!fs::exists(status)) return io_error("file not found");
  if (fs::is_directory(status)) return io_error("is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(fmt::format("cannot open: {}", std::strerror(errno)));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  if (size < 0 || !in) return io_error("cannot determine the file size");
  try {
    std::string bytes(static_cast<size_t>(size), '\0');
    in.read(bytes.data(), size);
    if (in.gcount() != size) return io_error("read failed");
    return bytes;
  } catch (const std::bad_alloc&) {
    return io_error("file is too large to read into memory");
  }
}

Status write_file_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return io_error(fmt::format("cannot open for writing: {}", std::strerror(errno)));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return io_error("write failed");
  return Status::Ok();
}

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? fs::path(".").string() : parent.string();
}

TensorProto tensor_to_proto(const Tensor& tensor, const std::string& name) {
  TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(onnx_elem_type(tensor.dtype()));
  for (int64_t dim : tensor.shape()) proto.add_dims(dim);
  proto.set_raw_data(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
  return proto;
}

}  // namespace ort_lite::onnx_io

// NumPy .npz archives through libzip: a zip of .npy files (np.savez stores them,
// np.savez_compressed deflates them). Each entry's bytes are checked against the machine's memory
// before they are inflated, so a hostile archive cannot ask for more than a tensor could hold.
#include <zip.h>

#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "onnx/tensor_proto.h"
#include "ort_lite/importers/tensor_io.h"

namespace ort_lite {

namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

std::string zip_message(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

// The array name of an entry: "x.npy" -> "x" (np.savez's naming), other entries refused.
Result<std::string> array_name(const std::string& entry, const std::string& source) {
  if (entry.size() <= 4 || !entry.ends_with(".npy")) {
    return io_error(
        fmt::format("{}: entry '{}' is not a .npy array (a .npz holds only those)", source, entry));
  }
  return entry.substr(0, entry.size() - 4);
}

}  // namespace

Result<std::vector<NamedTensor>> parse_npz(std::string_view bytes, const std::string& source) {
  // libzip opens zero bytes as an archive with no entries; a zip has at least its end record.
  if (bytes.empty()) return io_error(fmt::format("{}: empty, not a .npz (zip) archive", source));
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!src) return io_error(fmt::format("{}: {}", source, zip_message(&error)));
  Archive archive(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(src);
    return io_error(
        fmt::format("{}: not a readable .npz (zip) archive: {}", source, zip_message(&error)));
  }
  zip_error_fini(&error);
  std::vector<NamedTensor> tensors;
  std::set<std::string> names;
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_NAME) || !(stat.valid & ZIP_STAT_SIZE)) {
      return io_error(fmt::format("{}: entry {}: {}", source, i, zip_strerror(archive.get())));
    }
    ORTL_ASSIGN_OR_RETURN(std::string name, array_name(stat.name, source));
    const std::string where = fmt::format("{} (entry '{}')", source, stat.name);
    if (!names.insert(name).second) {
      return io_error(fmt::format("{}: the array '{}' is stored twice", where, name));
    }
    // The inflated size as the archive states it, bounded before anything is allocated.
    if (stat.size > static_cast<zip_uint64_t>(INT64_MAX)) {
      return io_error(fmt::format("{}: states an impossible size", where));
    }
    const int64_t stated[] = {static_cast<int64_t>(stat.size)};
    ORTL_RETURN_IF_ERROR(check_tensor_fits(DType::kUInt8, stated).with_context(where));
    zip_file_t* file = zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (!file) return io_error(fmt::format("{}: {}", where, zip_strerror(archive.get())));
    std::string data;
    try {
      data.resize(static_cast<size_t>(stat.size));
    } catch (const std::bad_alloc&) {
      zip_fclose(file);
      return internal_error(fmt::format("{}: out of memory", where));
    }
    const zip_int64_t read = zip_fread(file, data.data(), data.size());
    // One more byte than stated must not be there either (a lying header).
    char extra;
    const zip_int64_t beyond =
        read == static_cast<zip_int64_t>(data.size()) ? zip_fread(file, &extra, 1) : 0;
    const std::string file_error = zip_file_strerror(file);
    zip_fclose(file);
    if (read != static_cast<zip_int64_t>(data.size()) || beyond != 0) {
      return io_error(fmt::format("{}: cannot be read as stated ({} bytes): {}", where, stat.size,
                                  read < 0 || beyond < 0 ? file_error : "the size differs"));
    }
    ORTL_ASSIGN_OR_RETURN(Tensor tensor, parse_npy(data, where));
    tensors.push_back({std::move(name), std::move(tensor)});
  }
  return tensors;
}

Result<std::vector<NamedTensor>> read_npz(const std::string& path) {
  auto bytes = onnx_io::read_file_bytes(path);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return parse_npz(*bytes, path);
}

Status write_npz(const std::string& path, const std::vector<NamedTensor>& tensors) {
  std::vector<std::string> encoded;
  std::set<std::string> names;
  for (const NamedTensor& t : tensors) {
    if (t.name.empty() || !names.insert(t.name).second) {
      return invalid_argument(
          fmt::format("{}: every array needs its own, non-empty name ('{}')", path, t.name));
    }
    ORTL_ASSIGN_OR_RETURN(std::string bytes, encode_npy(t.tensor));
    encoded.push_back(std::move(bytes));
  }
  int code = 0;
  Archive archive(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    return io_error(fmt::format("{}: cannot create the archive: {}", path, zip_message(&error)));
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    // The buffers outlive zip_close, which is when libzip reads them.
    zip_source_t* src = zip_source_buffer(archive.get(), encoded[i].data(), encoded[i].size(), 0);
    const std::string entry = tensors[i].name + ".npy";
    if (!src || zip_file_add(archive.get(), entry.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src) zip_source_free(src);
      return io_error(
          fmt::format("{}: cannot add '{}': {}", path, entry, zip_strerror(archive.get())));
    }
    // Stored, as np.savez writes (np.load reads either).
    zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(i), ZIP_CM_STORE, 0);
  }
  if (zip_close(archive.get()) != 0) {
    return io_error(
        fmt::format("{}: cannot write the archive: {}", path, zip_strerror(archive.get())));
  }
  archive.release();  // zip_close freed it
  return Status::Ok();
}

}  // namespace ort_lite

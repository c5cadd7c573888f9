// NumPy .npy files: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.0, uint32 LE for 2.0/3.0),
// then a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded
// with spaces and a newline, then the raw array data. The files come from anywhere (and the
// parser is fuzzed), so every length and dim is checked before it is used.
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "onnx/tensor_proto.h"
#include "ort_lite/importers/tensor_io.h"

namespace ort_lite {
namespace {

static_assert(std::endian::native == std::endian::little, "ort-lite assumes a little-endian host");

constexpr std::string_view kMagic{"\x93NUMPY", 6};
// numpy itself refuses headers over 10000 bytes by default; ours only guards memory and time.
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;
constexpr size_t kAlignment = 64;  // numpy pads the header so the data is 64-byte aligned

struct NpyDType {
  std::string_view code;  // descr without the byte-order character
  DType dtype;
  char byte_order;  // what numpy writes
};
constexpr std::array<NpyDType, 8> kDTypes{{
    {"f4", DType::kFloat32, '<'},
    {"f8", DType::kFloat64, '<'},
    {"f2", DType::kFloat16, '<'},
    {"i1", DType::kInt8, '|'},
    {"u1", DType::kUInt8, '|'},
    {"i4", DType::kInt32, '<'},
    {"i8", DType::kInt64, '<'},
    {"b1", DType::kBool, '|'},
}};

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// A parser for the one Python dict literal numpy writes: string keys; string, bool and int
// tuple values; any whitespace; trailing commas. Keys may come in any order.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  Result<NpyHeader> parse() {
    NpyHeader header;
    bool has_descr = false, has_fortran_order = false, has_shape = false;
    skip_space();
    if (!consume('{')) return error("expected '{'");
    while (true) {
      skip_space();
      if (consume('}')) break;
      std::string key;
      ORTL_RETURN_IF_ERROR(parse_string(key));
      skip_space();
      if (!consume(':')) return error(fmt::format("expected ':' after '{}'", key));
      skip_space();
      if (key == "descr") {
        if (has_descr) return error("duplicate key 'descr'");
        has_descr = true;
        if (!at('\'') && !at('"')) {
          return unsupported("'descr' is not a string: structured dtypes are not supported");
        }
        ORTL_RETURN_IF_ERROR(parse_string(header.descr));
      } else if (key == "fortran_order") {
        if (has_fortran_order) return error("duplicate key 'fortran_order'");
        has_fortran_order = true;
        ORTL_RETURN_IF_ERROR(parse_bool(header.fortran_order));
      } else if (key == "shape") {
        if (has_shape) return error("duplicate key 'shape'");
        has_shape = true;
        ORTL_RETURN_IF_ERROR(parse_shape(header.shape));
      } else {
        return error(fmt::format("unexpected key '{}'", key));
      }
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) break;
      return error("expected ',' or '}'");
    }
    skip_space();
    if (pos_ != text_.size()) return error("unexpected text after the dict");
    if (!has_descr) return error("missing key 'descr'");
    if (!has_fortran_order) return error("missing key 'fortran_order'");
    if (!has_shape) return error("missing key 'shape'");
    return header;
  }

 private:
  Status error(std::string_view reason) const {
    return io_error(fmt::format("malformed header: {} at character {}", reason, pos_));
  }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool consume(char c) {
    if (!at(c)) return false;
    ++pos_;
    return true;
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void skip_space() {
    while (at(' ') || at('\t') || at('\n') || at('\r')) ++pos_;
  }
  bool at_digit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }

  Status parse_string(std::string& out) {
    if (!at('\'') && !at('"')) return error("expected a quoted string");
    const char quote = text_[pos_++];
    out.clear();
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (!consume(quote)) return error("unterminated string");
    return Status::Ok();
  }

  Status parse_bool(bool& out) {
    if (consume("True")) {
      out = true;
    } else if (consume("False")) {
      out = false;
    } else {
      return error("expected True or False");
    }
    return Status::Ok();
  }

  Status parse_dim(int64_t& out) {
    if (at('-')) return error("negative dim in 'shape'");
    if (!at_digit()) return error("expected a dim in 'shape'");
    out = 0;
    while (at_digit()) {
      const int digit = text_[pos_++] - '0';
      if (out > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        return error("dim in 'shape' overflows int64");
      }
      out = out * 10 + digit;
    }
    consume('L');  // Python 2 longs, as written by old numpy
    return Status::Ok();
  }

  Status parse_shape(Shape& out) {
    if (!consume('(')) return error("'shape' is not a tuple");
    out.clear();
    bool trailing_comma = false;
    while (true) {
      skip_space();
      if (consume(')')) break;
      int64_t dim = 0;
      ORTL_RETURN_IF_ERROR(parse_dim(dim));
      out.push_back(dim);
      skip_space();
      trailing_comma = consume(',');
      if (trailing_comma) continue;
      skip_space();
      if (consume(')')) break;
      return error("expected ',' or ')' in 'shape'");
    }
    // In Python "(5)" is the int 5, not a tuple.
    if (out.size() == 1 && !trailing_comma) return error("'shape' is not a tuple");
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<DType> dtype_from_descr(const std::string& descr) {
  char order = '=';
  std::string_view code = descr;
  if (!code.empty() && std::string_view("<>|=").find(code[0]) != std::string_view::npos) {
    order = code[0];
    code.remove_prefix(1);
  }
  for (const NpyDType& entry : kDTypes) {
    if (entry.code != code) continue;
    // A byte order means nothing for one-byte types, so only multi-byte '>' is refused.
    if (order == '>' && dtype_size(entry.dtype) > 1) {
      return unsupported(fmt::format(
          "big-endian dtype '{}' is not supported; convert with arr.astype('<{}')", descr, code));
    }
    return entry.dtype;
  }
  return unsupported(fmt::format(
      "dtype '{}' is not supported (supported: <f4 <f8 <f2 |i1 |u1 <i4 <i8 |b1)", descr));
}

uint32_t read_le(std::string_view bytes, size_t offset, size_t size) {
  uint32_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

Result<Tensor> parse(std::string_view bytes) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return io_error("not an npy file (bad magic; expected \"\\x93NUMPY\")");
  }
  if (bytes.size() < 8) return io_error("truncated: the file ends inside the format version");
  const int major = static_cast<uint8_t>(bytes[6]);
  const int minor = static_cast<uint8_t>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    return unsupported(fmt::format("npy format version {}.{} is not supported (only 1.0, 2.0, 3.0)",
                                   major, minor));
  }
  const size_t length_size = major == 1 ? 2 : 4;
  const size_t header_start = 8 + length_size;
  if (bytes.size() < header_start) {
    return io_error("truncated: the file ends inside the header length");
  }
  const size_t header_length = read_le(bytes, 8, length_size);
  if (header_length > kMaxHeaderBytes) {
    return io_error(fmt::format("header is too long ({} bytes; the limit is {})", header_length,
                                kMaxHeaderBytes));
  }
  if (bytes.size() - header_start < header_length) {
    return io_error(fmt::format("truncated: the header declares {} bytes but only {} follow",
                                header_length, bytes.size() - header_start));
  }
  // Versions 1.0/2.0 are latin-1 and 3.0 is utf-8; both are ASCII in everything the parser
  // looks at, and other bytes can only appear inside strings.
  ORTL_ASSIGN_OR_RETURN(NpyHeader header,
                        HeaderParser(bytes.substr(header_start, header_length)).parse());
  if (header.fortran_order) {
    return unsupported("Fortran-order arrays are not supported; save with np.ascontiguousarray");
  }
  ORTL_ASSIGN_OR_RETURN(DType dtype, dtype_from_descr(header.descr));

  const auto count = checked_element_count(header.shape);
  if (!count.ok()) return io_error(fmt::format("shape: {}", count.status().message()));
  const auto element_size = static_cast<int64_t>(dtype_size(dtype));
  if (*count > std::numeric_limits<int64_t>::max() / element_size) {
    return io_error(fmt::format("shape {} is too large", shape_to_string(header.shape)));
  }
  const auto expected = static_cast<uint64_t>(*count * element_size);
  const std::string_view data = bytes.substr(header_start + header_length);
  if (data.size() < expected) {
    return io_error(fmt::format("truncated: shape {} of {} needs {} data bytes but the file has {}",
                                shape_to_string(header.shape), dtype_name(dtype), expected,
                                data.size()));
  }
  if (data.size() > expected) {
    return io_error(fmt::format("{} unexpected bytes after the data of shape {} of {}",
                                data.size() - expected, shape_to_string(header.shape),
                                dtype_name(dtype)));
  }
  ORTL_ASSIGN_OR_RETURN(Tensor tensor, Tensor::create(dtype, header.shape));
  if (expected > 0) std::memcpy(tensor.raw_data(), data.data(), expected);
  if (dtype == DType::kBool) {  // only 0 and 1 are valid bool objects
    auto* flags = static_cast<uint8_t*>(tensor.raw_data());
    for (int64_t i = 0; i < tensor.element_count(); ++i) flags[i] = flags[i] != 0 ? 1 : 0;
  }
  return tensor;
}

std::string shape_literal(const Shape& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return text + ")";
}

}  // namespace

Result<Tensor> parse_npy(std::string_view bytes, const std::string& source) {
  try {
    auto tensor = parse(bytes);
    if (!tensor.ok()) return tensor.status().with_context(source);
    return tensor;
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", source));
  }
}

Result<std::string> encode_npy(const Tensor& tensor) {
  if (tensor.empty()) return invalid_argument("cannot write an empty (default-constructed) tensor");
  const NpyDType* entry = nullptr;
  for (const NpyDType& candidate : kDTypes) {
    if (candidate.dtype == tensor.dtype()) entry = &candidate;
  }
  if (entry == nullptr) return internal_error("no npy descr for the tensor's dtype");
  const std::string dict =
      fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}", entry->byte_order,
                  entry->code, shape_literal(tensor.shape()));
  int major = 1;
  size_t header_start = 10;
  // The header (dict, space padding, '\n') ends where the 64-byte-aligned data starts.
  auto padded_header_length = [&] {
    const size_t unpadded = header_start + dict.size() + 1;
    return (unpadded + kAlignment - 1) / kAlignment * kAlignment - header_start;
  };
  if (padded_header_length() > std::numeric_limits<uint16_t>::max()) {
    major = 2;
    header_start = 12;
  }
  const size_t header_length = padded_header_length();
  if (header_length > std::numeric_limits<uint32_t>::max()) {
    return invalid_argument("the tensor's rank is too large for an npy header");
  }

  std::string out;
  out.reserve(header_start + header_length + tensor.byte_size());
  out += kMagic;
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < header_start - 8; ++i) {
    out += static_cast<char>((header_length >> (8 * i)) & 0xff);
  }
  out += dict;
  out.append(header_length - dict.size() - 1, ' ');
  out += '\n';
  out.append(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
  return out;
}

Result<Tensor> read_npy(const std::string& path) {
  auto bytes = onnx_io::read_file_bytes(path);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return parse_npy(*bytes, path);
}

Status write_npy(const std::string& path, const Tensor& tensor) {
  try {
    auto bytes = encode_npy(tensor);
    if (!bytes.ok()) return bytes.status().with_context(path);
    return onnx_io::write_file_bytes(path, *bytes).with_context(path);
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("{}: out of memory", path));
  }
}

}  // namespace ort_lite

#include "ort_lite/tensor.h"
#include <algorithm>

#include <bit>
#include <cassert>
#include <cstring>
#include <limits>
#include <new>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ort_lite {

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return 4;
    case DType::kFloat64:
      return 8;
    case DType::kFloat16:
      return 2;
    case DType::kInt8:
      return 1;
    case DType::kUInt8:
      return 1;
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
    case DType::kBool:
      return 1;
  }
  return 0;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
    case DType::kFloat16:
      return "float16";
    case DType::kInt8:
      return "int8";
    case DType::kUInt8:
      return "uint8";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
    case DType::kBool:
      return "bool";
  }
  return "?";
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (DType d : {DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kInt8, DType::kUInt8,
                  DType::kInt32, DType::kInt64, DType::kBool}) {
    if (dtype_name(d) == name) return d;
  }
  return std::nullopt;
}

Result<int64_t> checked_element_count(std::span<const int64_t> shape) {
  for (int64_t dim : shape) {
    if (dim < 0)
      return invalid_argument(fmt::format("shape {} has a negative dim", shape_to_string(shape)));
  }
  // An empty tensor holds no element, however large its other dims.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return int64_t{0};
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (count > std::numeric_limits<int64_t>::max() / dim) {
      return invalid_argument(
          fmt::format("shape {} has too many elements", shape_to_string(shape)));
    }
    count *= dim;
  }
  return count;
}

std::string shape_to_string(std::span<const int64_t> shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

namespace {
constexpr std::align_val_t kAlignment{64};

std::shared_ptr<std::byte> allocate(size_t bytes, bool zeroed) {
  // Always allocate at least one byte so that only a default-constructed Tensor is empty().
  const size_t size = bytes == 0 ? 1 : bytes;
  auto* p = static_cast<std::byte*>(::operator new(size, kAlignment));
  if (zeroed) std::memset(p, 0, size);
  return std::shared_ptr<std::byte>(p, [](std::byte* q) { ::operator delete(q, kAlignment); });
}
}  // namespace

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  auto count = checked_element_count(shape_);
  assert(count.ok() && "Tensor(): invalid shape; use Tensor::create for untrusted shapes");
  element_count_ = count.ok() ? *count : 0;
  storage_ = allocate(byte_size(), true);
}

Tensor Tensor::wrap(DType dtype, Shape shape, std::shared_ptr<std::byte> storage) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  auto count = checked_element_count(t.shape_);
  t.element_count_ = count.ok() ? *count : 0;
  t.storage_ = std::move(storage);
  return t;
}

Result<Tensor> Tensor::create_uninitialized(DType dtype, Shape shape) {
  ORTL_RETURN_IF_ERROR(check_tensor_fits(dtype, shape));
  const int64_t count = *checked_element_count(shape);
  try {
    return wrap(dtype, std::move(shape),
                allocate(static_cast<size_t>(count) * dtype_size(dtype), false));
  } catch (const std::bad_alloc&) {
    return internal_error(
        fmt::format("out of memory allocating a tensor of shape {}", shape_to_string(shape)));
  }
}

Status check_tensor_fits(DType dtype, std::span<const int64_t> shape) {
  ORTL_ASSIGN_OR_RETURN(int64_t count, checked_element_count(shape));
  // Larger than the machine's memory can only fail, and with overcommit it would fail late, in
  // the zero fill, by the OOM killer: refuse it with a message instead.
  static const int64_t kMemoryBytes = [] {
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page_size > 0 ? int64_t{pages} * page_size : int64_t{1} << 40;
  }();
  const auto element_bytes = static_cast<int64_t>(dtype_size(dtype));
  if (count > kMemoryBytes / element_bytes) {
    return invalid_argument(fmt::format(
        "a {} tensor of shape {} would need {:.1f} GiB, more than this machine's {:.1f} GiB of "
        "memory",
        dtype_name(dtype), shape_to_string(shape),
        static_cast<double>(count) * static_cast<double>(element_bytes) / (1 << 30),
        static_cast<double>(kMemoryBytes) / (1 << 30)));
  }
  return Status::Ok();
}

Result<Tensor> Tensor::create(DType dtype, Shape shape) {
  ORTL_RETURN_IF_ERROR(check_tensor_fits(dtype, shape));
  try {
    return Tensor(dtype, std::move(shape));
  } catch (const std::bad_alloc&) {
    return internal_error(
        fmt::format("out of memory allocating a tensor of shape {}", shape_to_string(shape)));
  }
}

Tensor Tensor::from_floats(Shape shape, std::span<const float> values) {
  Tensor t(DType::kFloat32, std::move(shape));
  assert(values.size() == static_cast<size_t>(t.element_count()));
  // An empty span may carry a null pointer, which memcpy must not see even for 0 bytes.
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(float));
  return t;
}

Tensor Tensor::clone() const {
  if (empty()) return {};
  Tensor copy(dtype_, shape_);
  std::memcpy(copy.raw_data(), raw_data(), byte_size());
  return copy;
}

Result<Tensor> Tensor::reshaped(Shape shape) const {
  ORTL_ASSIGN_OR_RETURN(int64_t count, checked_element_count(shape));
  if (count != element_count_) {
    return invalid_argument(
        fmt::format("cannot reshape {} to {}", shape_to_string(shape_), shape_to_string(shape)));
  }
  Tensor view = *this;
  view.shape_ = std::move(shape);
  return view;
}

void Tensor::check_type(std::optional<DType> requested) const {
  assert(requested.has_value() && *requested == dtype_ && "Tensor::data<T>(): wrong element type");
  (void)requested;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal half: renormalize
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | mantissa << 13;  // inf or NaN
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  return std::bit_cast<float>(bits);
}

uint16_t float_to_half(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs = bits & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN (keep NaN quiet)
    return sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u);
  }
  if (abs >= 0x477ff000u) return sign | 0x7c00u;  // rounds to >= 65520: overflow to inf
  if (abs < 0x38800000u) {                        // below the smallest normal half
    if (abs < 0x33000000u) return sign;           // rounds to zero
    const uint32_t mantissa = (abs & 0x7fffffu) | 0x800000u;
    const int shift = 126 - static_cast<int>(abs >> 23);  // 14..24
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return sign | static_cast<uint16_t>(half);
  }
  uint32_t half = ((abs >> 23) - 127 + 15) << 10 | (abs & 0x7fffffu) >> 13;
  const uint32_t rest = abs & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return sign | static_cast<uint16_t>(half);
}

}  // namespace ort_lite

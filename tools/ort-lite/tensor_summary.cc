#include "tensor_summary.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace ort_lite::cli {
namespace {

// Reads element i of a tensor of any dtype as a double.
using ReadFn = double (*)(const void* data, int64_t i);

template <typename T>
double read_as_double(const void* data, int64_t i) {
  return static_cast<double>(static_cast<const T*>(data)[i]);
}

double read_half(const void* data, int64_t i) {
  return half_to_float(static_cast<const uint16_t*>(data)[i]);
}

double read_bool(const void* data, int64_t i) {
  return static_cast<const uint8_t*>(data)[i] != 0 ? 1.0 : 0.0;
}

ReadFn reader_for(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return read_as_double<float>;
    case DType::kFloat64:
      return read_as_double<double>;
    case DType::kFloat16:
      return read_half;
    case DType::kInt8:
      return read_as_double<int8_t>;
    case DType::kUInt8:
      return read_as_double<uint8_t>;
    case DType::kInt32:
      return read_as_double<int32_t>;
    case DType::kInt64:
      return read_as_double<int64_t>;
    case DType::kBool:
      return read_bool;
  }
  return read_as_double<float>;
}

Shape unravel(int64_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (size_t axis = shape.size(); axis-- > 0;) {
    if (shape[axis] > 0) {
      index[axis] = flat % shape[axis];
      flat /= shape[axis];
    }
  }
  return index;
}

}  // namespace

TensorStats compute_stats(const Tensor& tensor) {
  TensorStats stats;
  if (tensor.empty()) return stats;
  const ReadFn read = reader_for(tensor.dtype());
  const void* data = tensor.raw_data();
  double sum = 0;
  int64_t counted = 0;  // non-NaN elements (infinities included in min/max)
  stats.min = std::numeric_limits<double>::infinity();
  stats.max = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < tensor.element_count(); ++i) {
    const double v = read(data, i);
    if (std::isnan(v)) {
      ++stats.nan_count;
      continue;
    }
    if (std::isfinite(v)) ++stats.finite_count;
    stats.min = std::min(stats.min, v);
    stats.max = std::max(stats.max, v);
    sum += v;
    ++counted;
  }
  if (counted == 0) {
    stats.min = stats.max = stats.mean = std::numeric_limits<double>::quiet_NaN();
  } else {
    stats.mean = sum / static_cast<double>(counted);
  }
  return stats;
}

Comparison compare_tensors(const Tensor& actual, const Tensor& expected, Tolerance tolerance) {
  Comparison result;
  auto floating = [](DType d) {
    return d == DType::kFloat16 || d == DType::kFloat32 || d == DType::kFloat64;
  };
  if (actual.dtype() != expected.dtype() && floating(actual.dtype()) &&
      floating(expected.dtype())) {
    result.note = std::string(dtype_name(actual.dtype())) + " values against " +
                  std::string(dtype_name(expected.dtype())) + " expected ones";
  } else if (actual.dtype() != expected.dtype()) {
    result.reason = "dtype " + std::string(dtype_name(actual.dtype())) + " differs from expected " +
                    std::string(dtype_name(expected.dtype()));
    return result;
  }
  if (actual.shape() != expected.shape()) {
    result.reason = "shape " + shape_to_string(actual.shape()) + " differs from expected " +
                    shape_to_string(expected.shape());
    return result;
  }
  const ReadFn read = reader_for(actual.dtype());
  const ReadFn read_expected = reader_for(expected.dtype());
  const void* a_data = actual.raw_data();
  const void* e_data = expected.raw_data();
  // How far each element is outside its tolerance: |a - e| / (atol + rtol*|e|); > 1 fails.
  double worst_ratio = -1;
  for (int64_t i = 0; i < actual.element_count(); ++i) {
    const double a = read(a_data, i);
    const double e = read_expected(e_data, i);
    double abs_error = 0;
    double ratio = 0;
    if (std::isnan(a) || std::isnan(e)) {
      const bool both_nan = std::isnan(a) && std::isnan(e);
      abs_error = both_nan ? 0 : std::numeric_limits<double>::infinity();
      ratio = both_nan ? 0 : std::numeric_limits<double>::infinity();
    } else if (a != e) {  // a == e also covers equal infinities
      abs_error = std::abs(a - e);
      const double allowed = tolerance.atol + tolerance.rtol * std::abs(e);
      ratio = allowed > 0 ? abs_error / allowed : std::numeric_limits<double>::infinity();
      if (e != 0) result.max_rel_error = std::max(result.max_rel_error, abs_error / std::abs(e));
    }
    result.max_abs_error = std::max(result.max_abs_error, abs_error);
    if (ratio > 1) ++result.mismatch_count;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      result.worst_flat_index = i;
      result.worst_actual = a;
      result.worst_expected = e;
    }
  }
  if (result.worst_flat_index >= 0) {
    result.worst_index = unravel(result.worst_flat_index, actual.shape());
  }
  result.pass = result.mismatch_count == 0;
  if (!result.pass) {
    result.reason = std::to_string(result.mismatch_count) + " of " +
                    std::to_string(actual.element_count()) + " elements outside tolerance";
  }
  return result;
}

}  // namespace ort_lite::cli

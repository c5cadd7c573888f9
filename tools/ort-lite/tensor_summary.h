// Tensor statistics and tolerance comparison for the ort-lite command line.
#pragma once

#include <cstdint>
#include <string>

#include "ort_lite/tensor.h"

namespace ort_lite::cli {

struct TensorStats {
  double min = 0;  // over the non-NaN elements
  double max = 0;
  double mean = 0;
  int64_t nan_count = 0;
  int64_t finite_count = 0;
};
TensorStats compute_stats(const Tensor& tensor);

struct Tolerance {
  double rtol = 1e-4;
  double atol = 1e-5;
};

struct Comparison {
  bool pass = false;
  std::string reason;  // why it failed before comparing values (shape or dtype mismatch)
  std::string note;    // how it compared: "float16 values against float32 expected ones"
  double max_abs_error = 0;
  double max_rel_error = 0;  // over elements whose expected value is non-zero
  int64_t mismatch_count = 0;
  // The element furthest outside its tolerance (or closest to it when all pass).
  int64_t worst_flat_index = -1;
  Shape worst_index;
  double worst_actual = 0;
  double worst_expected = 0;
};

// An element matches when both are NaN, or |actual - expected| <= atol + rtol * |expected|
// (equal infinities match). Shapes must match exactly, and dtypes too, except that floating
// types (float16, float32, float64) compare by value: a float16 model's output against float32
// expected values.
Comparison compare_tensors(const Tensor& actual, const Tensor& expected, Tolerance tolerance);

}  // namespace ort_lite::cli

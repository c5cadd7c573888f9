#include "onednn/channel_rows.h"

#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn::wide {

ORTL_SIMD_CLONES void copy_plus_bias(float* dst, const float* src, const float* bias, int64_t n) {
  if (bias) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i] + bias[i];
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

ORTL_SIMD_CLONES void fill_with_bias(float* dst, const float* bias, int64_t n) {
  if (bias) {
    for (int64_t i = 0; i < n; ++i) dst[i] = bias[i];
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = 0.0f;
  }
}

ORTL_SIMD_CLONES void accumulate(float* dst, const float* src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

ORTL_SIMD_CLONES void multiply_accumulate(float* dst, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] += a[i] * b[i];
}

}  // namespace ort_lite::onednn::wide

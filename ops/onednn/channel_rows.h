// Small channel-vector loops the channels-last algorithms share. Long rows go to versions
// compiled for the CPU's widest vectors (a call each); short rows, common with few output
// channels, stay inline, where a call per row would cost more than the row.
#pragma once

#include <cstdint>

namespace ort_lite::onednn {

namespace wide {
void copy_plus_bias(float* dst, const float* src, const float* bias, int64_t n);
void fill_with_bias(float* dst, const float* bias, int64_t n);
void accumulate(float* dst, const float* src, int64_t n);
void multiply_accumulate(float* dst, const float* a, const float* b, int64_t n);
}  // namespace wide

inline constexpr int64_t kShortRow = 16;

// dst[i] = src[i] + bias[i] (bias may be nullptr: a copy), for n values.
inline void copy_plus_bias(float* dst, const float* src, const float* bias, int64_t n) {
  if (n >= kShortRow) return wide::copy_plus_bias(dst, src, bias, n);
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i] + (bias ? bias[i] : 0.0f);
}
// dst[i] = bias[i], or 0 without a bias.
inline void fill_with_bias(float* dst, const float* bias, int64_t n) {
  if (n >= kShortRow) return wide::fill_with_bias(dst, bias, n);
  for (int64_t i = 0; i < n; ++i) dst[i] = bias ? bias[i] : 0.0f;
}
// dst[i] += src[i].
inline void accumulate(float* dst, const float* src, int64_t n) {
  if (n >= kShortRow) return wide::accumulate(dst, src, n);
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}
// dst[i] += a[i] * b[i].
inline void multiply_accumulate(float* dst, const float* a, const float* b, int64_t n) {
  if (n >= kShortRow) return wide::multiply_accumulate(dst, a, b, n);
  for (int64_t i = 0; i < n; ++i) dst[i] += a[i] * b[i];
}

}  // namespace ort_lite::onednn

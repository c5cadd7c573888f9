#include "ort_lite/ops/conv_reference.h"

#include <vector>

namespace ort_lite::conv {

namespace {

int64_t product(const std::vector<int64_t>& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

// Advances a row-major multi-index over `dims`; returns false after the last one.
bool next_index(std::vector<int64_t>& index, const std::vector<int64_t>& dims) {
  for (size_t i = dims.size(); i-- > 0;) {
    if (++index[i] < dims[i]) return true;
    index[i] = 0;
  }
  return false;
}

// The ONNX index relation of both ops, on every axis: position base * stride + k * dilation -
// pads_begin, which must lie in [0, extent) where extent is the input size (Conv reads X
// there) or the output size (ConvTranspose adds into Y there). The flat row-major index, or -1
// when any axis falls outside.
int64_t tap_index(const ConvProblem& p, const std::vector<int64_t>& base,
                  const std::vector<int64_t>& k, int64_t AxisGeometry::*extent) {
  int64_t flat = 0;
  for (size_t i = 0; i < p.axes.size(); ++i) {
    const AxisGeometry& a = p.axes[i];
    const int64_t position = base[i] * a.stride + k[i] * a.dilation - a.pads_begin;
    if (position < 0 || position >= a.*extent) return -1;
    flat = flat * a.*extent + position;
  }
  return flat;
}

struct Dims {
  std::vector<int64_t> in, out, kernel;
};

Dims spatial_dims(const ConvProblem& p) {
  Dims d;
  for (const auto& a : p.axes) {
    d.in.push_back(a.input);
    d.out.push_back(a.output);
    d.kernel.push_back(a.kernel);
  }
  return d;
}

// Y[n, m, o] = B[m] + sum_{c, k} X[n, g*C/g + c, o * s + k * d - pads_begin] * W[m, c, k]
void conv_forward(const ConvProblem& p, const float* x, const float* w, const float* bias,
                  float* y) {
  const Dims dims = spatial_dims(p);
  const size_t rank = dims.in.size();
  const int64_t in_size = product(dims.in), out_size = product(dims.out);
  const int64_t kernel_size = product(dims.kernel);
  const int64_t cg = p.in_channels / p.groups, mg = p.out_channels / p.groups;
  std::vector<int64_t> o(rank), k(rank);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oc = 0; oc < p.out_channels; ++oc) {
      const int64_t group = oc / mg;
      float* y_plane = y + (n * p.out_channels + oc) * out_size;
      std::fill(o.begin(), o.end(), 0);
      for (int64_t o_flat = 0; o_flat < out_size; ++o_flat, next_index(o, dims.out)) {
        double acc = bias ? bias[oc] : 0.0;
        for (int64_t c = 0; c < cg; ++c) {
          const float* x_plane = x + (n * p.in_channels + group * cg + c) * in_size;
          const float* w_kernel = w + (oc * cg + c) * kernel_size;
          std::fill(k.begin(), k.end(), 0);
          for (int64_t k_flat = 0; k_flat < kernel_size; ++k_flat, next_index(k, dims.kernel)) {
            const int64_t x_flat = tap_index(p, o, k, &AxisGeometry::input);
            if (x_flat >= 0) acc += static_cast<double>(x_plane[x_flat]) * w_kernel[k_flat];
          }
        }
        y_plane[o_flat] = static_cast<float>(acc);
      }
    }
  }
}

// The ONNX definition of ConvTranspose is a scatter: every input value, times the kernel, is
// added into the full result at i * s + k * d; the output is that result shifted by
// pads_begin (cells outside it, possible with negative pads, hold only the bias).
void conv_transpose(const ConvProblem& p, const float* x, const float* w, const float* bias,
                    float* y) {
  const Dims dims = spatial_dims(p);
  const size_t rank = dims.in.size();
  const int64_t in_size = product(dims.in), out_size = product(dims.out);
  const int64_t kernel_size = product(dims.kernel);
  const int64_t cg = p.in_channels / p.groups, mg = p.out_channels / p.groups;
  std::vector<double> acc(static_cast<size_t>(out_size));
  std::vector<int64_t> xi(rank), k(rank);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oc = 0; oc < p.out_channels; ++oc) {
      const int64_t group = oc / mg, m = oc % mg;
      std::fill(acc.begin(), acc.end(), bias ? bias[oc] : 0.0);
      for (int64_t c = 0; c < cg; ++c) {
        const float* x_plane = x + (n * p.in_channels + group * cg + c) * in_size;
        const float* w_kernel = w + ((group * mg + m) * cg + c) * kernel_size;
        std::fill(xi.begin(), xi.end(), 0);
        for (int64_t x_flat = 0; x_flat < in_size; ++x_flat, next_index(xi, dims.in)) {
          const double xv = x_plane[x_flat];
          std::fill(k.begin(), k.end(), 0);
          for (int64_t k_flat = 0; k_flat < kernel_size; ++k_flat, next_index(k, dims.kernel)) {
            const int64_t y_flat = tap_index(p, xi, k, &AxisGeometry::output);
            if (y_flat >= 0) acc[static_cast<size_t>(y_flat)] += xv * w_kernel[k_flat];
          }
        }
      }
      float* y_plane = y + (n * p.out_channels + oc) * out_size;
      for (int64_t i = 0; i < out_size; ++i)
        y_plane[i] = static_cast<float>(acc[static_cast<size_t>(i)]);
    }
  }
}

}  // namespace

void conv_reference(const ConvProblem& problem, const float* x, const float* weights,
                    const float* bias, float* y) {
  if (problem.kind == ConvKind::kConv) {
    conv_forward(problem, x, weights, bias, y);
  } else {
    conv_transpose(problem, x, weights, bias, y);
  }
}

}  // namespace ort_lite::conv

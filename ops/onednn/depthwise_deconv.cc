// depthwise-direct: a depthwise ConvTranspose (C/g = M/g = 1) as a direct gather loop over
// output cells, vectorized over channels (contiguous in channels-last):
//   y[n, o, c] = bias[c] + sum over taps (k, i) with i*s + k*d - pads_begin == o of
//                x[n, i, c] * W[c, 0, k]
// oneDNN's depthwise deconvolution reaches a few percent of peak; this loop is bound by memory.

#include <fmt/format.h>

#include "onednn/channel_rows.h"
#include "onednn/conv_algorithms.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

using conv::ConvProblem;

namespace {

class DepthwiseDeconv final : public ChannelsLastConv {
 public:
  DepthwiseDeconv(const ConvProblem& p, const Tensor& onnx_weights) : problem_(p), gather_(p) {
    // (C, 1, K..) -> (K.., C): one contiguous channel vector per tap.
    const int64_t c = p.in_channels, kernel_size = gather_.kernel_size();
    weights_ = Tensor(DType::kFloat32, {kernel_size, c});
    const float* w = onnx_weights.data<float>();
    float* out = weights_.data<float>();
    for (int64_t ci = 0; ci < c; ++ci) {
      for (int64_t k = 0; k < kernel_size; ++k) out[k * c + ci] = w[ci * kernel_size + k];
    }
  }
  void run(const Args& args, dnnl::stream&) const override;
  size_t scratch_bytes() const override { return 0; }
  std::string describe() const override {
    return "depthwise-direct: channel-vectorized gather over taps";
  }

 private:
  ConvProblem problem_;
  TapGather gather_;
  Tensor weights_;  // (K.., C)
};

void DepthwiseDeconv::run(const Args& args, dnnl::stream&) const {
  const int64_t c = problem_.in_channels;
  const int64_t out_pixels = gather_.out_pixels(), in_pixels = gather_.in_pixels();
  const float* w = weights_.data<float>();
#pragma omp parallel for schedule(static)
  for (int64_t cell = 0; cell < problem_.batch * out_pixels; ++cell) {
    const int64_t n = cell / out_pixels;
    float* y_cell = args.y + cell * c;
    fill_with_bias(y_cell, args.bias, c);
    gather_.for_each(cell % out_pixels, [&](int64_t k_flat, int64_t i_flat) {
      multiply_accumulate(y_cell, args.x + (n * in_pixels + i_flat) * c, w + k_flat * c, c);
    });
  }
}

}  // namespace

Result<std::unique_ptr<ChannelsLastConv>> make_depthwise_deconv(const ConvProblem& problem,
                                                                const Tensor& weights) {
  return std::unique_ptr<ChannelsLastConv>(std::make_unique<DepthwiseDeconv>(problem, weights));
}

}  // namespace ort_lite::onednn

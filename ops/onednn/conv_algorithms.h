// The ways ort-lite computes a Conv or ConvTranspose, all on channels-last activations
// (N, spatial.., C), all from the one resolved ConvProblem (ops/conv, ops/geometry):
//
//   primitive        oneDNN's convolution / deconvolution primitive (any problem; a window
//                    plus a bias-only border where pads are outside what it takes)
//   subpixel-conv    ConvTranspose with dilation 1: one forward convolution over the input
//                    whose output channels are every stride phase (s^d of them) times M, then
//                    an interleaving scatter with the crop; kernel == stride is its 1x1 case
//   gemm-col2im      ConvTranspose: one GEMM (a 1x1 convolution) giving every kernel tap's
//                    contribution, then a col2im accumulation (any stride, dilation, pads)
//   depthwise-direct depthwise ConvTranspose (C/g = M/g = 1): a direct loop vectorized over
//                    channels (any stride, dilation, pads)
//
// choose_deconv_algorithm() holds the rule that picks one per layer.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <dnnl.hpp>

#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/options.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite::onednn {

class ChannelsLastConv {
 public:
  struct Args {
    const float* x = nullptr;         // (N, in.., C) dense
    const float* weights = nullptr;   // the ONNX weight, for algorithms that did not pack it
    const float* bias = nullptr;      // M values, or nullptr
    float* y = nullptr;               // (N, out.., M) dense, every cell written
    const float* residual = nullptr;  // like y, when the algorithm fused a residual add
    std::byte* scratch = nullptr;     // scratch_bytes(), 64-byte aligned
  };
  virtual ~ChannelsLastConv() = default;
  virtual void run(const Args& args, dnnl::stream& stream) const = 0;
  virtual size_t scratch_bytes() const = 0;
  // Whether run() already applied the fusion it was created with (else the caller does).
  virtual bool fused_post_ops() const { return false; }
  // For reports: "subpixel-conv: brgconv:avx512_core 4 phases x 64 channels, weights Acdb64a".
  virtual std::string describe() const = 0;
};

// `weights` may be nullptr (a run-time input, reordered on every run) for the primitive only.
// The primitive carries `fusion` as post-ops where it can (not with a bias-only border).
Result<std::unique_ptr<ChannelsLastConv>> make_primitive_conv(const conv::ConvProblem& problem,
                                                              const Tensor* weights,
                                                              const conv::ConvFusion& fusion = {});
Result<std::unique_ptr<ChannelsLastConv>> make_subpixel_deconv(const conv::ConvProblem& problem,
                                                               const Tensor& weights);
Result<std::unique_ptr<ChannelsLastConv>> make_gemm_col2im_deconv(const conv::ConvProblem& problem,
                                                                  const Tensor& weights);
Result<std::unique_ptr<ChannelsLastConv>> make_depthwise_deconv(const conv::ConvProblem& problem,
                                                                const Tensor& weights);

// Why an algorithm cannot compute this ConvTranspose, or empty when it can.
std::string why_not_applicable(DeconvAlgorithm algorithm, const conv::ConvProblem& problem,
                               bool constant_weights);

struct DeconvChoice {
  DeconvAlgorithm algorithm = DeconvAlgorithm::kPrimitive;
  std::string note;  // why, when a forced algorithm did not apply
};
DeconvChoice choose_deconv_algorithm(const conv::ConvProblem& problem, bool constant_weights,
                                     DeconvAlgorithm requested);

// The (kernel tap, input cell) pairs that reach each output cell of a ConvTranspose: on every
// axis i * stride + k * dilation - pads_begin == o. The col2im and depthwise loops gather with
// it, one output cell at a time (so cells run in parallel without write conflicts).
class TapGather {
 public:
  static constexpr size_t kMaxRank = 3;  // the algorithms that use it take up to 3-D
  explicit TapGather(const conv::ConvProblem& problem);

  int64_t kernel_size() const { return kernel_size_; }
  int64_t in_pixels() const { return in_pixels_; }
  int64_t out_pixels() const { return out_pixels_; }

  // Calls fn(k_flat, i_flat) for every combination of one pair per axis that reaches output
  // pixel `pixel` (flat over the output's spatial axes); k_flat and i_flat are row-major.
  template <typename Fn>
  void for_each(int64_t pixel, Fn&& fn) const {
    const size_t rank = axes_.size();
    std::array<const std::vector<Tap>*, kMaxRank> lists{};
    for (size_t i = rank; i-- > 0;) {
      lists[i] = &taps_[i][static_cast<size_t>(pixel % outputs_[i])];
      pixel /= outputs_[i];
      if (lists[i]->empty()) return;
    }
    std::array<size_t, kMaxRank> pick{};
    while (true) {
      int64_t k_flat = 0, i_flat = 0;
      for (size_t i = 0; i < rank; ++i) {
        const Tap& t = (*lists[i])[pick[i]];
        k_flat = k_flat * kernels_[i] + t.k;
        i_flat = i_flat * inputs_[i] + t.i;
      }
      fn(k_flat, i_flat);
      size_t axis = rank;
      while (axis > 0 && ++pick[axis - 1] == lists[axis - 1]->size()) pick[--axis] = 0;
      if (axis == 0) return;
    }
  }

 private:
  struct Tap {
    int64_t k;
    int64_t i;
  };
  std::vector<conv::AxisGeometry> axes_;
  std::vector<int64_t> kernels_, inputs_, outputs_;
  std::vector<std::vector<std::vector<Tap>>> taps_;  // per axis, per output cell
  int64_t kernel_size_ = 1, in_pixels_ = 1, out_pixels_ = 1;
};

}  // namespace ort_lite::onednn

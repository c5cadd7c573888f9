// Which algorithm computes a ConvTranspose, and where each one applies.
//
// The rule (kAuto), from ort-lite-bench --suite on the machines the project runs on (README,
// "Deconvolution algorithms"):
//   1. depthwise (C/g = M/g = 1)              -> depthwise-direct (oneDNN's is a few % of peak)
//   2. dilation 1 (or kernel 1) on every axis and some stride > 1:
//      - the sub-pixel convolution does at most 1.5x the deconvolution's multiply-adds (the
//        kernel splits evenly into stride phases: k4 s2, k2 s2, k9 s3)
//                                             -> subpixel-conv (forward convolutions run near
//                                                peak; the primitive's backward-data kernels
//                                                reach 25-60%)
//      - else, with >= 16 output channels per group (k3 s2)  -> gemm-col2im
//      - else, at most 2.5x                                 -> subpixel-conv
//   3. dilation > 1 with a stride, or few output channels per group (< 16)
//                                             -> gemm-col2im
//   4. everything else (stride 1)             -> the oneDNN primitive
// Weights that are run-time inputs always take the primitive (the others pack weights once).
#include <algorithm>

#include <fmt/format.h>

#include "onednn/conv_algorithms.h"

namespace ort_lite::onednn {

using conv::ConvProblem;

TapGather::TapGather(const ConvProblem& p) : axes_(p.axes) {
  for (const auto& a : p.axes) {
    kernels_.push_back(a.kernel);
    inputs_.push_back(a.input);
    outputs_.push_back(a.output);
    kernel_size_ *= a.kernel;
    in_pixels_ *= a.input;
    out_pixels_ *= a.output;
    std::vector<std::vector<Tap>> per_output(static_cast<size_t>(a.output));
    for (int64_t o = 0; o < a.output; ++o) {
      for (int64_t k = 0; k < a.kernel; ++k) {
        const int64_t f = o + a.pads_begin - k * a.dilation;  // = i * stride
        if (f >= 0 && f % a.stride == 0 && f / a.stride < a.input) {
          per_output[static_cast<size_t>(o)].push_back({k, f / a.stride});
        }
      }
    }
    taps_.push_back(std::move(per_output));
  }
}

namespace {

// The sub-pixel convolution's multiply-adds over the deconvolution's.
double subpixel_overhead(const ConvProblem& p) {
  double ratio = 1;
  for (const auto& a : p.axes) {
    const int64_t taps = (a.kernel + a.stride - 1) / a.stride;
    ratio *= static_cast<double>(taps * a.stride) / static_cast<double>(a.kernel) *
             static_cast<double>(a.input + taps - 1) / static_cast<double>(a.input);
  }
  return ratio;
}

bool is_depthwise(const ConvProblem& p) {
  return p.groups == p.in_channels && p.groups == p.out_channels;
}

}  // namespace

std::string why_not_applicable(DeconvAlgorithm algorithm, const ConvProblem& p,
                               bool constant_weights) {
  if (p.kind != conv::ConvKind::kConvTranspose) return "not a ConvTranspose";
  if (algorithm == DeconvAlgorithm::kPrimitive || algorithm == DeconvAlgorithm::kAuto) return {};
  if (!constant_weights) return "the weights are a run-time input";
  if (p.axes.size() > TapGather::kMaxRank) return "more than 3 spatial axes";
  switch (algorithm) {
    case DeconvAlgorithm::kSubPixel:
      for (const auto& a : p.axes) {
        if (a.dilation > 1 && a.kernel > 1) return "a dilated axis";
      }
      // Kernels much smaller than the stride would make the convolution mostly zeros.
      if (subpixel_overhead(p) > 16) {
        return "the sub-pixel convolution would do more than 16x the multiply-adds";
      }
      return {};
    case DeconvAlgorithm::kGemmCol2Im: {
      // The GEMM's result holds every tap of every input cell.
      double col = static_cast<double>(p.batch * p.out_channels), out = col;
      for (const auto& a : p.axes) {
        col *= static_cast<double>(a.input) * static_cast<double>(a.kernel);
        out *= static_cast<double>(a.output);
      }
      if (col > std::max(16 * out, double{1 << 24})) {
        return "its column buffer would exceed 16x the output";
      }
      return {};
    }
    case DeconvAlgorithm::kDepthwiseDirect:
      return is_depthwise(p) ? "" : "not depthwise (C/g and M/g must be 1)";
    default:
      return {};
  }
}

DeconvChoice choose_deconv_algorithm(const ConvProblem& p, bool constant_weights,
                                     DeconvAlgorithm requested) {
  if (requested != DeconvAlgorithm::kAuto) {
    const std::string why = why_not_applicable(requested, p, constant_weights);
    if (why.empty()) return {requested, ""};
    DeconvChoice fallback = choose_deconv_algorithm(p, constant_weights, DeconvAlgorithm::kAuto);
    fallback.note =
        fmt::format("{} requested, not applicable: {}", deconv_algorithm_name(requested), why);
    return fallback;
  }
  auto applies = [&](DeconvAlgorithm a) {
    return why_not_applicable(a, p, constant_weights).empty();
  };
  if (applies(DeconvAlgorithm::kDepthwiseDirect)) return {DeconvAlgorithm::kDepthwiseDirect, ""};
  bool strided = false, dilated = false;
  for (const auto& a : p.axes) {
    strided = strided || a.stride > 1;
    dilated = dilated || (a.dilation > 1 && a.kernel > 1);
  }
  const bool few_outputs = p.out_channels / p.groups < 16;
  if (strided && applies(DeconvAlgorithm::kSubPixel)) {
    const double overhead = subpixel_overhead(p);
    // Kernels that split evenly into stride phases (k4 s2, k2 s2, k9 s3): sub-pixel. Uneven
    // ones (k3 s2: 1.8x the work in zeros) are faster as a GEMM and col2im, unless the output
    // channels are too few to make that GEMM wide.
    if (overhead <= 1.5) return {DeconvAlgorithm::kSubPixel, ""};
    if (!few_outputs && applies(DeconvAlgorithm::kGemmCol2Im)) {
      return {DeconvAlgorithm::kGemmCol2Im, ""};
    }
    if (overhead <= 2.5) return {DeconvAlgorithm::kSubPixel, ""};
  }
  if (applies(DeconvAlgorithm::kGemmCol2Im) && ((dilated && strided) || few_outputs)) {
    return {DeconvAlgorithm::kGemmCol2Im, ""};
  }
  return {DeconvAlgorithm::kPrimitive, ""};
}

}  // namespace ort_lite::onednn

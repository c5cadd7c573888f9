// The primitive algorithm: oneDNN's convolution or deconvolution primitive on channels-last
// activations, weights in the blocked layout it asks for (packed once when constant).
#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "onednn/conv_algorithms.h"
#include "onednn/onednn_common.h"
#include "onednn/onednn_conv.h"
#include "onednn/post_ops.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

using conv::ConvKind;
using conv::ConvProblem;
using dnnl::memory;

namespace {

// The ONNX weight bytes described as oneDNN's logical weights, without copying:
// (M, C, k..) when group == 1, (g, M/g, C/g, k..) otherwise.
memory::desc onnx_weights_desc(const ConvProblem& p) {
  memory::dim kernel_size = 1;
  memory::dims kernel_dims, kernel_strides(p.axes.size());
  for (const auto& a : p.axes) kernel_dims.push_back(a.kernel);
  for (size_t i = p.axes.size(); i-- > 0;) {
    kernel_strides[i] = kernel_size;
    kernel_size *= p.axes[i].kernel;
  }
  const memory::dim g = p.groups, mg = p.out_channels / g, cg = p.in_channels / g;
  // Element strides of the m (output channel in group) and c (input channel in group) axes.
  const bool transposed = p.kind == ConvKind::kConvTranspose;
  const memory::dim m_stride = transposed ? kernel_size : cg * kernel_size;  // (g, C/g, M/g, k)
  const memory::dim c_stride = transposed ? mg * kernel_size : kernel_size;  // (g, M/g, C/g, k)
  memory::dims dims, strides;
  if (g > 1) {
    dims = {g, mg, cg};
    strides = {mg * cg * kernel_size, m_stride, c_stride};
  } else {
    dims = {mg, cg};
    strides = {m_stride, c_stride};
  }
  dims.insert(dims.end(), kernel_dims.begin(), kernel_dims.end());
  strides.insert(strides.end(), kernel_strides.begin(), kernel_strides.end());
  return memory::desc(dims, memory::data_type::f32, strides);
}

class PrimitiveConv final : public ChannelsLastConv {
 public:
  static Result<std::unique_ptr<ChannelsLastConv>> create(const ConvProblem& problem,
                                                          const Tensor* weights,
                                                          const conv::ConvFusion& fusion);
  void run(const Args& args, dnnl::stream& stream) const override;
  size_t scratch_bytes() const override { return scratch_bytes_; }
  bool fused_post_ops() const override { return fused_; }
  std::string describe() const override { return description_; }

 private:
  // Every output cell of channel m = bias[m] (0 without a bias).
  void fill_bias(const float* bias, float* y) const;
  // Writes the primitive's window into y at its offset; every other cell gets the bias.
  void embed_window(const float* window, const float* bias, float* y) const;

  ConvProblem problem_;
  std::vector<PrimitiveAxis> axes_;
  bool fused_ = false;      // the fusion's post-ops are in the primitive
  bool residual_ = false;   // ... including a sum: y holds the residual before it runs
  bool embedded_ = false;   // the primitive computes a window of the output
  bool bias_only_ = false;  // the window is empty: no primitive, the output is the bias
  Shape window_shape_;      // (N, M, dst_size..)

  memory::desc weights_user_md_, bias_md_;
  memory::desc src_md_, weights_md_, dst_md_, scratchpad_md_;  // the primitive's
  dnnl::primitive primitive_;
  std::optional<dnnl::reorder> weights_reorder_;
  Tensor packed_weights_;  // constant weights in the primitive's layout

  ScratchSlot window_slot_, weights_slot_, primitive_slot_;
  size_t scratch_bytes_ = 0;
  std::string description_;
};

Result<std::unique_ptr<ChannelsLastConv>> PrimitiveConv::create(const ConvProblem& p,
                                                                const Tensor* constant_weights,
                                                                const conv::ConvFusion& fusion) {
  auto conv = std::make_unique<PrimitiveConv>();
  conv->problem_ = p;
  memory::dims strides, dilates, padding_l, padding_r;
  conv->window_shape_ = {p.batch, p.out_channels};
  for (const auto& axis : p.axes) {
    const PrimitiveAxis m = map_axis(p.kind, axis);
    conv->axes_.push_back(m);
    strides.push_back(m.stride);
    dilates.push_back(m.dilates);
    padding_l.push_back(m.padding_l);
    padding_r.push_back(m.padding_r);
    conv->window_shape_.push_back(m.dst_size);
    conv->embedded_ = conv->embedded_ || m.dst_size != axis.output;
    conv->bias_only_ = conv->bias_only_ || m.dst_size == 0;
  }
  if (conv->bias_only_) {
    conv->description_ = "bias only: no input value reaches any output cell";
    return std::unique_ptr<ChannelsLastConv>(std::move(conv));
  }
  if (const std::string why = why_not_expressible(conv->axes_, p); !why.empty()) {
    return unsupported(fmt::format("oneDNN cannot run {}: {}", p.to_string(), why));
  }

  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // per-run scratch: thread safety
  // Post-ops act on what the primitive writes: only when that is the whole output. Not PRelu:
  // oneDNN 2.6 takes its prelu post-op only in the reference convolution (ref:any), so the
  // caller's pass computes it.
  conv->fused_ = fusion.any() && !conv->embedded_ && !fusion.prelu();
  conv->residual_ = conv->fused_ && fusion.residual;
  if (conv->fused_) attr.set_post_ops(make_post_ops(fusion));
  std::string impl_name;
  try {
    conv->weights_user_md_ = onnx_weights_desc(p);
    conv->bias_md_ = memory::desc({p.out_channels}, memory::data_type::f32, memory::format_tag::a);
    const memory::desc src = channels_last_desc(p.input_shape());
    const memory::desc dst = channels_last_desc(conv->window_shape_);
    const memory::desc weights_any(conv->weights_user_md_.dims(), memory::data_type::f32,
                                   memory::format_tag::any);
    const memory::desc no_bias;
    const memory::desc& bias = p.has_bias ? conv->bias_md_ : no_bias;
    auto& engine = cpu_engine();
    auto adopt = [&](const auto& pd) {
      conv->src_md_ = pd.src_desc();
      conv->weights_md_ = pd.weights_desc();
      conv->dst_md_ = pd.dst_desc();
      conv->scratchpad_md_ = pd.scratchpad_desc();
      impl_name = pd.impl_info_str();
    };
    if (p.kind == ConvKind::kConv) {
      dnnl::convolution_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src,
           weights_any, bias, dst, strides, dilates, padding_l, padding_r},
          attr, engine);
      adopt(pd);
      conv->primitive_ = dnnl::convolution_forward(pd);
    } else {
      dnnl::deconvolution_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src,
           weights_any, bias, dst, strides, dilates, padding_l, padding_r},
          attr, engine);
      adopt(pd);
      conv->primitive_ = dnnl::deconvolution_forward(pd);
    }
    if (conv->weights_md_ != conv->weights_user_md_) {
      conv->weights_reorder_ = dnnl::reorder(memory(conv->weights_user_md_, engine, nullptr),
                                             memory(conv->weights_md_, engine, nullptr));
    }
    if (constant_weights) {
      // The one re-layout of the weights: ONNX order -> canonical (g, M/g, C/g, k..) blocked.
      ORTL_ASSIGN_OR_RETURN(
          conv->packed_weights_,
          Tensor::create(DType::kUInt8, {static_cast<int64_t>(conv->weights_md_.get_size())}));
      reorder_now(conv->weights_user_md_, constant_weights->raw_data(), conv->weights_md_,
                  conv->packed_weights_.raw_data());
    }
  } catch (const dnnl::error& e) {
    // The problem is valid (resolution checked it): the caller runs it another way.
    return unsupported(fmt::format("oneDNN cannot run {}: {} (status {})", p.to_string(), e.what(),
                                   static_cast<int>(e.status)));
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("out of memory preparing {}", p.to_string()));
  }

  ScratchLayout layout;
  if (conv->embedded_) conv->window_slot_ = layout.add(conv->dst_md_.get_size());
  if (!constant_weights) conv->weights_slot_ = layout.add(conv->weights_md_.get_size());
  conv->primitive_slot_ = layout.add(conv->scratchpad_md_.get_size());
  conv->scratch_bytes_ = layout.total();
  conv->description_ = fmt::format(
      "onednn {} {} (weights {}{}{}{})",
      p.kind == ConvKind::kConv ? "convolution" : "deconvolution", impl_name,
      format_name(conv->weights_md_), constant_weights ? "" : ", reordered per run",
      conv->embedded_ ? ", window + bias-only border" : "", conv->fused_ ? ", post-ops fused" : "");
  return std::unique_ptr<ChannelsLastConv>(std::move(conv));
}

void PrimitiveConv::run(const Args& args, dnnl::stream& stream) const {
  if (bias_only_) {
    fill_bias(args.bias, args.y);
    return;
  }
  auto& engine = cpu_engine();
  auto mutable_ptr = [](const void* p) { return const_cast<void*>(p); };
  memory weights;
  if (!packed_weights_.empty()) {
    weights = memory(weights_md_, engine, mutable_ptr(packed_weights_.raw_data()));
  } else {
    memory user(weights_user_md_, engine, mutable_ptr(args.weights));
    if (weights_reorder_) {
      weights = memory(weights_md_, engine, weights_slot_.at(args.scratch));
      weights_reorder_->execute(stream, user, weights);
    } else {
      weights = user;
    }
  }
  void* window = embedded_ ? window_slot_.at(args.scratch) : args.y;
  if (residual_) {
    // The sum post-op adds what dst holds.
    std::memcpy(args.y, args.residual, dst_md_.get_size());
  }
  std::unordered_map<int, memory> primitive_args{
      {DNNL_ARG_SRC, memory(src_md_, engine, mutable_ptr(args.x))},
      {DNNL_ARG_WEIGHTS, weights},
      {DNNL_ARG_DST, memory(dst_md_, engine, window)},
      {DNNL_ARG_SCRATCHPAD, memory(scratchpad_md_, engine, primitive_slot_.at(args.scratch))}};
  if (problem_.has_bias) {
    primitive_args.emplace(DNNL_ARG_BIAS, memory(bias_md_, engine, mutable_ptr(args.bias)));
  }
  primitive_.execute(stream, primitive_args);
  stream.wait();
  if (embedded_) embed_window(static_cast<const float*>(window), args.bias, args.y);
}

void PrimitiveConv::fill_bias(const float* bias, float* y) const {
  const int64_t m = problem_.out_channels;
  const Shape out = problem_.output_shape();
  const int64_t pixels = element_count(out) / m;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < pixels; ++p) {
    float* cell = y + p * m;
    if (bias) {
      std::copy(bias, bias + m, cell);
    } else {
      std::fill(cell, cell + m, 0.0f);
    }
  }
}

void PrimitiveConv::embed_window(const float* window, const float* bias, float* y) const {
  fill_bias(bias, y);
  const Shape out = problem_.output_shape();
  const size_t rank = axes_.size();
  const int64_t m = problem_.out_channels;
  // Rows along the last spatial axis, channels innermost: (dst_size_last * M) floats each.
  const int64_t row = window_shape_.back() * m;
  int64_t rows = problem_.batch;
  for (size_t i = 0; i + 1 < rank; ++i) rows *= window_shape_[i + 2];
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    // Unravel r into (n, window index on every axis but the last).
    int64_t rest = r, out_flat = 0, stride = 1;
    for (size_t i = rank - 1; i-- > 0;) {
      const int64_t index = rest % window_shape_[i + 2];
      rest /= window_shape_[i + 2];
      out_flat += (index + axes_[i].dst_offset) * stride;
      stride *= out[i + 2];
    }
    const int64_t n = rest;
    const int64_t out_row = (n * stride + out_flat) * out.back() + axes_[rank - 1].dst_offset;
    std::memcpy(y + out_row * m, window + r * row, static_cast<size_t>(row) * sizeof(float));
  }
}

}  // namespace

Result<std::unique_ptr<ChannelsLastConv>> make_primitive_conv(const ConvProblem& problem,
                                                              const Tensor* weights,
                                                              const conv::ConvFusion& fusion) {
  return PrimitiveConv::create(problem, weights, fusion);
}

}  // namespace ort_lite::onednn

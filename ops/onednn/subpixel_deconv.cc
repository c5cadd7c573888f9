// subpixel-conv: a ConvTranspose with dilation 1 as one forward convolution plus a scatter.
//
// Per axis, with kernel K, stride s, T = ceil(K / s) and full-result position f = i*s + k:
// write f = q*s + r (phase r in [0, s)). Input i reaches f through tap k = (q - i)*s + r, so
//   Z[q, r, m] = sum_{t < T} sum_c x[q - t, c] * W[c, m, t*s + r]     (0 where t*s + r >= K)
// which is a stride-1 forward convolution over x with kernel T (taps flipped: j = T-1-t),
// pads T-1 at both ends, q in [0, in + T - 1), and M * s^d output channels (r, m). Then
//   y[o] = Z[(o + pads_begin) / s, (o + pads_begin) % s] + bias   (bias alone outside Z).
// Cells past the full result inside Z receive zero from the convolution (no tap reaches them),
// so every crop, output_padding and output_shape comes out of the one scatter. Kernel == stride
// gives T = 1: a 1x1 convolution and a depth-to-space.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "onednn/channel_rows.h"
#include "onednn/conv_algorithms.h"
#include "onednn/onednn_common.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

using conv::ConvProblem;
using dnnl::memory;

namespace {

class SubPixelDeconv final : public ChannelsLastConv {
 public:
  static Result<std::unique_ptr<ChannelsLastConv>> create(const ConvProblem& problem,
                                                          const Tensor& weights);
  void run(const Args& args, dnnl::stream& stream) const override;
  size_t scratch_bytes() const override { return scratch_bytes_; }
  std::string describe() const override { return description_; }

 private:
  void scatter(const float* z, const float* bias, float* y) const;

  ConvProblem problem_;
  int64_t phases_ = 1;         // s^d
  Shape z_shape_;              // (N, g * phases * M/g, Q..)
  std::vector<int64_t> taps_;  // T per axis
  // Per axis and output cell: q (or -1 when the cell is outside Z) and the phase r.
  std::vector<std::vector<int64_t>> q_of_, r_of_;

  memory::desc src_md_, weights_md_, z_md_, scratchpad_md_;
  dnnl::primitive primitive_;
  Tensor packed_weights_;
  ScratchSlot z_slot_, primitive_slot_;
  size_t scratch_bytes_ = 0;
  std::string description_;
};

Result<std::unique_ptr<ChannelsLastConv>> SubPixelDeconv::create(const ConvProblem& p,
                                                                 const Tensor& onnx_weights) {
  auto d = std::make_unique<SubPixelDeconv>();
  d->problem_ = p;
  const size_t rank = p.axes.size();
  const int64_t g = p.groups, cg = p.in_channels / g, mg = p.out_channels / g;
  Shape q_extent;
  for (const auto& a : p.axes) {
    const int64_t t = (a.kernel + a.stride - 1) / a.stride;
    d->taps_.push_back(t);
    d->phases_ *= a.stride;
    q_extent.push_back(a.input + t - 1);
    std::vector<int64_t> q_of(static_cast<size_t>(a.output)), r_of(q_of.size());
    for (int64_t o = 0; o < a.output; ++o) {
      const int64_t f = o + a.pads_begin;
      const bool inside = f >= 0 && f < (a.input + t - 1) * a.stride;
      q_of[static_cast<size_t>(o)] = inside ? f / a.stride : -1;
      r_of[static_cast<size_t>(o)] = inside ? f % a.stride : 0;
    }
    d->q_of_.push_back(std::move(q_of));
    d->r_of_.push_back(std::move(r_of));
  }
  const int64_t z_channels = g * d->phases_ * mg;
  d->z_shape_ = {p.batch, z_channels};
  d->z_shape_.insert(d->z_shape_.end(), q_extent.begin(), q_extent.end());

  // W' (g, phases * M/g, C/g, T..): the flipped phase taps, zero where a tap is past the kernel.
  Shape w_shape = g > 1 ? Shape{g, d->phases_ * mg, cg} : Shape{d->phases_ * mg, cg};
  w_shape.insert(w_shape.end(), d->taps_.begin(), d->taps_.end());
  ORTL_ASSIGN_OR_RETURN(Tensor phase_weights, Tensor::create(DType::kFloat32, w_shape));
  {
    const float* w = onnx_weights.data<float>();  // (C, M/g, K..)
    float* out = phase_weights.data<float>();
    int64_t kernel_size = 1, tap_count = 1;
    for (const auto& a : p.axes) kernel_size *= a.kernel;
    for (int64_t t : d->taps_) tap_count *= t;
    std::vector<int64_t> r(rank), j(rank);
    for (int64_t gi = 0; gi < g; ++gi) {
      for (int64_t rf = 0; rf < d->phases_; ++rf) {
        // Unravel the phase index (row-major over the axes).
        for (size_t i = rank, rest = static_cast<size_t>(rf); i-- > 0;) {
          r[i] = static_cast<int64_t>(rest) % p.axes[i].stride;
          rest /= static_cast<size_t>(p.axes[i].stride);
        }
        for (int64_t m = 0; m < mg; ++m) {
          for (int64_t c = 0; c < cg; ++c) {
            float* dst = out + (((gi * d->phases_ + rf) * mg + m) * cg + c) * tap_count;
            const float* src = w + ((gi * cg + c) * mg + m) * kernel_size;
            for (int64_t jf = 0; jf < tap_count; ++jf) {
              int64_t k_flat = 0;
              bool inside = true;
              for (size_t i = rank, rest = static_cast<size_t>(jf); i-- > 0;) {
                j[i] = static_cast<int64_t>(rest) % d->taps_[i];
                rest /= static_cast<size_t>(d->taps_[i]);
              }
              for (size_t i = 0; i < rank; ++i) {
                const int64_t k = (d->taps_[i] - 1 - j[i]) * p.axes[i].stride + r[i];
                inside = inside && k < p.axes[i].kernel;
                k_flat = k_flat * p.axes[i].kernel + k;
              }
              dst[jf] = inside ? src[k_flat] : 0.0f;
            }
          }
        }
      }
    }
  }

  memory::dims strides(rank, 1), dilates(rank, 0), padding;
  for (int64_t t : d->taps_) padding.push_back(t - 1);
  std::string impl_name;
  try {
    auto& engine = cpu_engine();
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const memory::desc weights_any(memory::dims(w_shape.begin(), w_shape.end()),
                                   memory::data_type::f32, memory::format_tag::any);
    dnnl::convolution_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
         channels_last_desc(p.input_shape()), weights_any, channels_last_desc(d->z_shape_), strides,
         dilates, padding, padding},
        attr, engine);
    d->src_md_ = pd.src_desc();
    d->weights_md_ = pd.weights_desc();
    d->z_md_ = pd.dst_desc();
    d->scratchpad_md_ = pd.scratchpad_desc();
    impl_name = pd.impl_info_str();
    d->primitive_ = dnnl::convolution_forward(pd);
    ORTL_ASSIGN_OR_RETURN(
        d->packed_weights_,
        Tensor::create(DType::kUInt8, {static_cast<int64_t>(d->weights_md_.get_size())}));
    reorder_now(plain_desc(w_shape), phase_weights.raw_data(), d->weights_md_,
                d->packed_weights_.raw_data());
  } catch (const dnnl::error& e) {
    return unsupported(fmt::format("oneDNN cannot run the sub-pixel convolution of {}: {}",
                                   p.to_string(), e.what()));
  }
  ScratchLayout layout;
  d->z_slot_ = layout.add(d->z_md_.get_size());
  d->primitive_slot_ = layout.add(d->scratchpad_md_.get_size());
  d->scratch_bytes_ = layout.total();
  d->description_ = fmt::format(
      "subpixel-conv: onednn convolution {} ({} phases x {} channels, kernel {}, weights {}) + "
      "interleave",
      impl_name, d->phases_, mg, shape_to_string(d->taps_), format_name(d->weights_md_));
  return std::unique_ptr<ChannelsLastConv>(std::move(d));
}

void SubPixelDeconv::run(const Args& args, dnnl::stream& stream) const {
  auto& engine = cpu_engine();
  float* z = static_cast<float*>(z_slot_.at(args.scratch));
  std::unordered_map<int, memory> primitive_args{
      {DNNL_ARG_SRC, memory(src_md_, engine, const_cast<float*>(args.x))},
      {DNNL_ARG_WEIGHTS,
       memory(weights_md_, engine, const_cast<void*>(packed_weights_.raw_data()))},
      {DNNL_ARG_DST, memory(z_md_, engine, z)},
      {DNNL_ARG_SCRATCHPAD, memory(scratchpad_md_, engine, primitive_slot_.at(args.scratch))}};
  primitive_.execute(stream, primitive_args);
  stream.wait();
  scatter(z, args.bias, args.y);
}

void SubPixelDeconv::scatter(const float* z, const float* bias, float* y) const {
  const ConvProblem& p = problem_;
  const size_t rank = p.axes.size();
  const int64_t g = p.groups, mg = p.out_channels / g;
  const int64_t z_channels = z_shape_[1];
  const int64_t out_last = p.axes.back().output;
  int64_t rows = p.batch;  // (n, every output axis but the last)
  for (size_t i = 0; i + 1 < rank; ++i) rows *= p.axes[i].output;
  // Rows cut into segments, so that 1-D outputs (one row per image) run in parallel too.
  constexpr int64_t kSegment = 256;
  const int64_t segments = (out_last + kSegment - 1) / kSegment;
#pragma omp parallel for schedule(static)
  for (int64_t task = 0; task < rows * segments; ++task) {
    const int64_t row = task / segments, begin = (task % segments) * kSegment;
    const int64_t end = std::min(out_last, begin + kSegment);
    // The row's Z pixel prefix and phase prefix, from the axes before the last.
    int64_t rest = row, q_prefix = 0, r_prefix = 0, q_scale = 1, r_scale = 1;
    bool outside = false;
    for (size_t i = rank - 1; i-- > 0;) {
      const int64_t o = rest % p.axes[i].output;
      rest /= p.axes[i].output;
      const int64_t q = q_of_[i][static_cast<size_t>(o)];
      outside = outside || q < 0;
      q_prefix += q * q_scale;
      r_prefix += r_of_[i][static_cast<size_t>(o)] * r_scale;
      q_scale *= z_shape_[i + 2];
      r_scale *= p.axes[i].stride;
    }
    const int64_t n = rest;
    const int64_t q_last_extent = z_shape_.back();
    const int64_t s_last = p.axes.back().stride;
    float* y_row = y + row * out_last * p.out_channels;
    for (int64_t o = begin; o < end; ++o) {
      float* cell = y_row + o * p.out_channels;
      const int64_t q = q_of_[rank - 1][static_cast<size_t>(o)];
      if (outside || q < 0) {
        fill_with_bias(cell, bias, p.out_channels);
        continue;
      }
      const int64_t pixel = (n * q_scale + q_prefix) * q_last_extent + q;
      const int64_t phase = r_prefix * s_last + r_of_[rank - 1][static_cast<size_t>(o)];
      const float* z_pixel = z + pixel * z_channels;
      for (int64_t gi = 0; gi < g; ++gi) {
        copy_plus_bias(cell + gi * mg, z_pixel + (gi * phases_ + phase) * mg,
                       bias ? bias + gi * mg : nullptr, mg);
      }
    }
  }
}

}  // namespace

Result<std::unique_ptr<ChannelsLastConv>> make_subpixel_deconv(const ConvProblem& problem,
                                                               const Tensor& weights) {
  return SubPixelDeconv::create(problem, weights);
}

}  // namespace ort_lite::onednn

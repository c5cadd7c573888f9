// gemm-col2im: a ConvTranspose as one GEMM plus a col2im accumulation.
//
//   col[n, i, g, k, m] = sum_c x[n, i, g*C/g + c] * W[g*C/g + c, m, k]
// is a 1x1 forward convolution over x with (every tap k) x M/g output channels per group; then
//   y[n, o, g*M/g + m] = bias + sum over taps (k, i) with i*s + k*d - pads_begin == o of col
// gathered per output cell (no write conflicts, so the cells run in parallel). Any stride,
// dilation, group and pad works; the GEMM does exactly the deconvolution's multiply-adds.
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

class GemmCol2ImDeconv final : public ChannelsLastConv {
 public:
  explicit GemmCol2ImDeconv(const ConvProblem& p) : problem_(p), gather_(p) {}
  static Result<std::unique_ptr<ChannelsLastConv>> create(const ConvProblem& problem,
                                                          const Tensor& weights);
  void run(const Args& args, dnnl::stream& stream) const override;
  size_t scratch_bytes() const override { return scratch_bytes_; }
  std::string describe() const override { return description_; }

 private:
  void col2im(const float* col, const float* bias, float* y) const;

  ConvProblem problem_;
  TapGather gather_;
  memory::desc src_md_, weights_md_, col_md_, scratchpad_md_;
  dnnl::primitive primitive_;
  Tensor packed_weights_;
  ScratchSlot col_slot_, primitive_slot_;
  size_t scratch_bytes_ = 0;
  std::string description_;
};

Result<std::unique_ptr<ChannelsLastConv>> GemmCol2ImDeconv::create(const ConvProblem& p,
                                                                   const Tensor& onnx_weights) {
  auto d = std::make_unique<GemmCol2ImDeconv>(p);
  const size_t rank = p.axes.size();
  const int64_t g = p.groups, cg = p.in_channels / g, mg = p.out_channels / g;
  const int64_t k = d->gather_.kernel_size();
  // W'' (g, K * M/g, C/g, 1..): W'' [g, k*M/g + m, c] = W[g*C/g + c, m, k].
  Shape w_shape = g > 1 ? Shape{g, k * mg, cg} : Shape{k * mg, cg};
  w_shape.insert(w_shape.end(), rank, 1);
  ORTL_ASSIGN_OR_RETURN(Tensor gemm_weights, Tensor::create(DType::kFloat32, w_shape));
  const float* w = onnx_weights.data<float>();  // (C, M/g, K..)
  float* out = gemm_weights.data<float>();
  for (int64_t gi = 0; gi < g; ++gi) {
    for (int64_t c = 0; c < cg; ++c) {
      for (int64_t m = 0; m < mg; ++m) {
        for (int64_t kf = 0; kf < k; ++kf) {
          out[((gi * k + kf) * mg + m) * cg + c] = w[((gi * cg + c) * mg + m) * k + kf];
        }
      }
    }
  }
  Shape col_shape{p.batch, g * k * mg};
  for (const auto& a : p.axes) col_shape.push_back(a.input);
  std::string impl_name;
  try {
    auto& engine = cpu_engine();
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const memory::dims ones(rank, 1), zeros(rank, 0);
    dnnl::convolution_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
         channels_last_desc(p.input_shape()),
         memory::desc(memory::dims(w_shape.begin(), w_shape.end()), memory::data_type::f32,
                      memory::format_tag::any),
         channels_last_desc(col_shape), ones, zeros, zeros, zeros},
        attr, engine);
    d->src_md_ = pd.src_desc();
    d->weights_md_ = pd.weights_desc();
    d->col_md_ = pd.dst_desc();
    d->scratchpad_md_ = pd.scratchpad_desc();
    impl_name = pd.impl_info_str();
    d->primitive_ = dnnl::convolution_forward(pd);
    ORTL_ASSIGN_OR_RETURN(
        d->packed_weights_,
        Tensor::create(DType::kUInt8, {static_cast<int64_t>(d->weights_md_.get_size())}));
    reorder_now(plain_desc(w_shape), gemm_weights.raw_data(), d->weights_md_,
                d->packed_weights_.raw_data());
  } catch (const dnnl::error& e) {
    return unsupported(
        fmt::format("oneDNN cannot run the GEMM of {}: {}", p.to_string(), e.what()));
  }
  ScratchLayout layout;
  d->col_slot_ = layout.add(d->col_md_.get_size());
  d->primitive_slot_ = layout.add(d->scratchpad_md_.get_size());
  d->scratch_bytes_ = layout.total();
  d->description_ = fmt::format(
      "gemm-col2im: onednn 1x1 convolution {} ({} taps x {} channels, weights {}) + col2im",
      impl_name, k, mg, format_name(d->weights_md_));
  return std::unique_ptr<ChannelsLastConv>(std::move(d));
}

void GemmCol2ImDeconv::run(const Args& args, dnnl::stream& stream) const {
  auto& engine = cpu_engine();
  float* col = static_cast<float*>(col_slot_.at(args.scratch));
  std::unordered_map<int, memory> primitive_args{
      {DNNL_ARG_SRC, memory(src_md_, engine, const_cast<float*>(args.x))},
      {DNNL_ARG_WEIGHTS,
       memory(weights_md_, engine, const_cast<void*>(packed_weights_.raw_data()))},
      {DNNL_ARG_DST, memory(col_md_, engine, col)},
      {DNNL_ARG_SCRATCHPAD, memory(scratchpad_md_, engine, primitive_slot_.at(args.scratch))}};
  primitive_.execute(stream, primitive_args);
  stream.wait();
  col2im(col, args.bias, args.y);
}

void GemmCol2ImDeconv::col2im(const float* col, const float* bias, float* y) const {
  const ConvProblem& p = problem_;
  const int64_t g = p.groups, mg = p.out_channels / g, k = gather_.kernel_size();
  const int64_t col_channels = g * k * mg;
  const int64_t out_pixels = gather_.out_pixels(), in_pixels = gather_.in_pixels();
#pragma omp parallel for schedule(static)
  for (int64_t cell = 0; cell < p.batch * out_pixels; ++cell) {
    const int64_t n = cell / out_pixels;
    float* y_cell = y + cell * p.out_channels;
    fill_with_bias(y_cell, bias, p.out_channels);
    gather_.for_each(cell % out_pixels, [&](int64_t k_flat, int64_t i_flat) {
      const float* col_pixel = col + (n * in_pixels + i_flat) * col_channels;
      for (int64_t gi = 0; gi < g; ++gi) {
        accumulate(y_cell + gi * mg, col_pixel + (gi * k + k_flat) * mg, mg);
      }
    });
  }
}

}  // namespace

Result<std::unique_ptr<ChannelsLastConv>> make_gemm_col2im_deconv(const ConvProblem& problem,
                                                                  const Tensor& weights) {
  return GemmCol2ImDeconv::create(problem, weights);
}

}  // namespace ort_lite::onednn

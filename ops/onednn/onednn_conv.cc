#include "onednn/onednn_conv.h"

#include "onednn/conv_algorithms.h"
#include "onednn/onednn_common.h"
#include "onednn/post_ops.h"
#include "ort_lite/ops/op_support.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <dnnl.hpp>

namespace ort_lite::onednn {

using conv::AxisGeometry;
using conv::ConvKind;
using conv::ConvProblem;
using dnnl::memory;

PrimitiveAxis map_axis(ConvKind kind, const AxisGeometry& axis) {
  PrimitiveAxis m{.stride = axis.stride,
                  .padding_l = axis.pads_begin,
                  .padding_r = axis.pads_end,
                  .dilates = axis.kernel == 1 ? 0 : axis.dilation - 1,
                  .dst_size = axis.output,
                  .dst_offset = 0};
  if (kind == ConvKind::kConv) {
    // One output cell reads the first window only; any stride past the padded input's last
    // window start gives the same single cell, and oneDNN checks the size with the stride.
    if (axis.output == 1) {
      const int64_t last_start = axis.input + axis.pads_begin + axis.pads_end -
                                 axis.effective_kernel();  // >= 0 for a valid axis
      m.stride = std::min(axis.stride, last_start + 1);
    }
    return m;
  }
  // ConvTranspose. One input cell is scattered once: the stride never applies.
  if (axis.input == 1) m.stride = 1;
  const int64_t full = m.stride * (axis.input - 1) + axis.effective_kernel();
  // The computed values that land inside the output; none when the crop removes them all.
  if (full - std::max<int64_t>(axis.pads_begin, 0) - std::max<int64_t>(axis.pads_end, 0) <= 0) {
    m.padding_l = m.padding_r = m.dst_size = m.dst_offset = 0;
    return m;
  }
  // Clamp what oneDNN cannot express and compute a window of the output.
  if (m.padding_l < 0) m.padding_l = 0;
  if (m.padding_r <= -m.stride) m.padding_r = 0;
  m.dst_size = full - m.padding_l - m.padding_r;
  m.dst_offset = m.padding_l - axis.pads_begin;
  return m;
}

std::string why_not_expressible(const std::vector<PrimitiveAxis>& axes, const ConvProblem& p) {
  // oneDNN's kernels index with 32-bit arithmetic in places: keep every geometry value, and
  // every spatial extent times the channels, well inside that range.
  constexpr int64_t kMaxGeometryValue = int64_t{1} << 20;
  constexpr double kMaxPlane = 2147483647.0;
  double in_plane = static_cast<double>(p.in_channels);
  double out_plane = static_cast<double>(p.out_channels);
  for (size_t i = 0; i < axes.size(); ++i) {
    const PrimitiveAxis& m = axes[i];
    const AxisGeometry& a = p.axes[i];
    for (int64_t value : {m.stride, m.padding_l, m.padding_r, m.dilates, a.kernel}) {
      if (value > kMaxGeometryValue || value < -kMaxGeometryValue) {
        return fmt::format("axis {} ({}) has a stride, pad or dilation beyond {}", i, a.to_string(),
                           kMaxGeometryValue);
      }
    }
    in_plane *= static_cast<double>(a.input);
    out_plane *= static_cast<double>(std::max(a.output, m.dst_size));
    if (in_plane > kMaxPlane || out_plane > kMaxPlane) {
      return "an image (channels x spatial size) of more than 2^31 - 1 elements";
    }
  }
  return {};
}

namespace {

// The Kernel of a Conv/ConvTranspose node (fused or not). The algorithms compute channels-last.
// In a plan X (and the residual) arrive channels-last (LayoutClass::kChannelsLastData) and Y
// leaves so; given plain (layouts switched off), X is reordered in and Y out here, and the
// residual stays plain like Y.
class OneDnnConvKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const ConvProblem& problem,
                                                const Tensor* constant_weights,
                                                DeconvAlgorithm requested, Layout layout,
                                                const conv::ConvFusion& fusion);

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override;
  size_t scratch_bytes() const override { return scratch_bytes_; }
  std::string implementation() const override { return implementation_; }

 private:
  ConvProblem problem_;
  conv::ConvFusion fusion_;
  std::unique_ptr<ChannelsLastConv> algorithm_;
  std::unique_ptr<PostOpsPass> post_ops_;  // when the algorithm did not fuse them
  bool reorder_src_ = false, reorder_dst_ = false;
  memory::desc src_plain_, src_channels_last_, dst_plain_, dst_channels_last_;
  ScratchSlot src_slot_, dst_slot_, algorithm_slot_;
  size_t scratch_bytes_ = 0;
  std::string implementation_;
};

Result<std::unique_ptr<ChannelsLastConv>> make_algorithm(DeconvAlgorithm algorithm,
                                                         const ConvProblem& p,
                                                         const Tensor* weights,
                                                         const conv::ConvFusion& fusion) {
  switch (algorithm) {
    case DeconvAlgorithm::kSubPixel:
      return make_subpixel_deconv(p, *weights);
    case DeconvAlgorithm::kGemmCol2Im:
      return make_gemm_col2im_deconv(p, *weights);
    case DeconvAlgorithm::kDepthwiseDirect:
      return make_depthwise_deconv(p, *weights);
    default:
      return make_primitive_conv(p, weights, fusion);
  }
}

// The problem with every stride and dilation that cannot matter replaced by map_axis's small
// equivalent, before any algorithm sees it: a ConvTranspose stride of 2^63 over one input cell
// would otherwise make the sub-pixel convolution's 2^63 phases.
ConvProblem with_equivalent_strides(ConvProblem p) {
  for (AxisGeometry& axis : p.axes) {
    const PrimitiveAxis m = map_axis(p.kind, axis);
    axis.stride = m.stride;
    axis.dilation = m.dilates + 1;
  }
  return p;
}

Result<std::unique_ptr<Kernel>> OneDnnConvKernel::create(const ConvProblem& problem,
                                                         const Tensor* constant_weights,
                                                         DeconvAlgorithm requested, Layout layout,
                                                         const conv::ConvFusion& fusion) {
  const ConvProblem p = with_equivalent_strides(problem);
  auto kernel = std::make_unique<OneDnnConvKernel>();
  kernel->problem_ = p;
  kernel->fusion_ = fusion;
  std::string note;
  DeconvAlgorithm algorithm = DeconvAlgorithm::kPrimitive;
  if (p.kind == ConvKind::kConvTranspose) {
    const DeconvChoice choice = choose_deconv_algorithm(p, constant_weights != nullptr, requested);
    algorithm = choice.algorithm;
    note = choice.note;
  }
  const Shape in = p.input_shape(), out = p.output_shape();
  kernel->reorder_src_ = layout == Layout::kPlain && !same_bytes_in_both_layouts(in);
  kernel->reorder_dst_ = layout == Layout::kPlain && !same_bytes_in_both_layouts(out);
  // Post-ops inside the primitive act on its channels-last dst: not when Y is reordered after.
  const conv::ConvFusion in_primitive = kernel->reorder_dst_ ? conv::ConvFusion{} : fusion;
  auto made = make_algorithm(algorithm, p, constant_weights, in_primitive);
  if (!made.ok() && algorithm != DeconvAlgorithm::kPrimitive &&
      made.status().code() == StatusCode::kUnsupported) {
    note = made.status().message();
    made = make_primitive_conv(p, constant_weights, in_primitive);
  }
  if (!made.ok()) return made.status();
  kernel->algorithm_ = std::move(made).value();
  if (fusion.any() && !kernel->algorithm_->fused_post_ops()) {
    // The pass runs on the node's output: plain when it was reordered out here.
    ORTL_ASSIGN_OR_RETURN(
        kernel->post_ops_,
        PostOpsPass::create(fusion, out, /*channels_last=*/!kernel->reorder_dst_));
  }

  ScratchLayout layout_of_scratch;
  try {
    if (kernel->reorder_src_) {
      kernel->src_plain_ = plain_desc(in);
      kernel->src_channels_last_ = channels_last_desc(in);
      kernel->src_slot_ = layout_of_scratch.add(kernel->src_plain_.get_size());
    }
    if (kernel->reorder_dst_) {
      kernel->dst_plain_ = plain_desc(out);
      kernel->dst_channels_last_ = channels_last_desc(out);
      kernel->dst_slot_ = layout_of_scratch.add(kernel->dst_plain_.get_size());
    }
  } catch (const dnnl::error& e) {
    return unsupported(fmt::format("oneDNN cannot describe {}: {}", p.to_string(), e.what()));
  }
  kernel->algorithm_slot_ = layout_of_scratch.add(kernel->algorithm_->scratch_bytes());
  kernel->scratch_bytes_ = layout_of_scratch.total();
  kernel->implementation_ = kernel->algorithm_->describe();
  if (kernel->post_ops_) kernel->implementation_ += " + fused post-ops pass";
  if (kernel->reorder_src_ || kernel->reorder_dst_) {
    kernel->implementation_ += "; plain tensors reordered at the node";
  }
  if (!note.empty()) kernel->implementation_ += " [" + note + "]";
  return std::unique_ptr<Kernel>(std::move(kernel));
}

Status OneDnnConvKernel::run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
                             std::span<std::byte> scratch) const {
  try {
    auto& engine = cpu_engine();
    dnnl::stream stream(engine);
    auto mutable_ptr = [](const void* p) { return const_cast<void*>(p); };
    auto reorder = [&](const memory::desc& from_md, const void* from, const memory::desc& to_md,
                       void* to) {
      memory src(from_md, engine, mutable_ptr(from)), dst(to_md, engine, to);
      dnnl::reorder(src, dst).execute(stream, src, dst);
      stream.wait();
    };
    const void* x = inputs[0].raw_data();
    if (reorder_src_) {
      void* converted = src_slot_.at(scratch.data());
      reorder(src_plain_, x, src_channels_last_, converted);
      x = converted;
    }
    float* y =
        reorder_dst_ ? static_cast<float*>(dst_slot_.at(scratch.data())) : outputs[0].data<float>();
    const float* residual = fusion_.residual ? inputs[3].data<float>() : nullptr;
    ChannelsLastConv::Args args;
    args.x = static_cast<const float*>(x);
    args.weights = inputs[1].data<float>();
    args.bias = problem_.has_bias ? inputs[2].data<float>() : nullptr;
    args.y = y;
    args.residual = residual;
    args.scratch = static_cast<std::byte*>(algorithm_slot_.at(scratch.data()));
    algorithm_->run(args, stream);
    if (reorder_dst_) reorder(dst_channels_last_, y, dst_plain_, outputs[0].raw_data());
    // The residual is in the output's layout, and the pass is elementwise.
    if (post_ops_) post_ops_->run(outputs[0].data<float>(), residual, stream);
  } catch (const dnnl::error& e) {
    return internal_error(
        fmt::format("oneDNN failed running {}: {}", problem_.to_string(), e.what()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Kernel>> make_conv_kernel(const ConvProblem& problem,
                                                 const Tensor* constant_weights,
                                                 DeconvAlgorithm deconv_algorithm, Layout layout,
                                                 const conv::ConvFusion& fusion) {
  return OneDnnConvKernel::create(problem, constant_weights, deconv_algorithm, layout, fusion);
}

}  // namespace ort_lite::onednn

#include "onednn/onednn_conv.h"

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

constexpr size_t kAlign = 64;
size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

memory::desc plain_desc(const Shape& shape) {
  memory::dims dims(shape.begin(), shape.end()), strides(shape.size());
  memory::dim stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

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

// oneDNN's own notation for a layout, e.g. "aBcd16b": dims outermost first ('a' is dim 0),
// upper case where a dim is also blocked, then the inner blocks.
std::string format_name(const memory::desc& md) {
  const dnnl_memory_desc_t& d = md.data;
  if (d.format_kind != dnnl_blocked) return "non-blocked";
  const auto& blocking = d.format_desc.blocking;
  std::vector<int> order(static_cast<size_t>(d.ndims));
  for (int i = 0; i < d.ndims; ++i) order[static_cast<size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return blocking.strides[a] > blocking.strides[b]; });
  std::string name;
  for (int dim : order) {
    bool blocked = false;
    for (int j = 0; j < blocking.inner_nblks; ++j) blocked |= blocking.inner_idxs[j] == dim;
    name += static_cast<char>((blocked ? 'A' : 'a') + dim);
  }
  for (int j = 0; j < blocking.inner_nblks; ++j) {
    name += fmt::format("{}{}", blocking.inner_blks[j],
                        static_cast<char>('a' + blocking.inner_idxs[j]));
  }
  return name;
}

// One region of the per-run scratch buffer.
struct ScratchSlot {
  size_t offset = 0;
  size_t bytes = 0;
  bool used() const { return bytes > 0; }
};

class ScratchLayout {
 public:
  ScratchSlot add(size_t bytes) {
    ScratchSlot slot{total_, bytes};
    total_ += align_up(bytes);
    return slot;
  }
  size_t total() const { return total_; }

 private:
  size_t total_ = 0;
};

class OneDnnConvKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const ConvProblem& problem,
                                                const Tensor* constant_weights);

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override;
  size_t scratch_bytes() const override { return scratch_bytes_; }
  std::string implementation() const override { return implementation_; }

 private:
  // Keeps the primitive and the layouts it chose; returns the implementation's name.
  template <typename Primitive>
  std::string adopt(const typename Primitive::primitive_desc& pd) {
    primitive_ = Primitive(pd);
    src_md_ = pd.src_desc();
    weights_md_ = pd.weights_desc();
    dst_md_ = pd.dst_desc();
    scratchpad_md_ = pd.scratchpad_desc();
    return pd.impl_info_str();
  }
  Status run_primitives(std::span<const Tensor> inputs, Tensor& output,
                        std::span<std::byte> scratch) const;
  void embed_window(const float* window, const float* bias, Tensor& output) const;
  // Every output cell of channel m = bias[m] (0 without a bias).
  void fill_bias(const float* bias, Tensor& output) const;

  ConvProblem problem_;
  std::vector<PrimitiveAxis> axes_;
  bool embedded_ = false;   // the primitive computes a window of the output
  bool bias_only_ = false;  // the window is empty: no primitive, the output is the bias
  Shape window_shape_;      // (N, M, dst_size..)

  memory::desc src_user_md_, weights_user_md_, bias_md_, window_user_md_;
  memory::desc src_md_, weights_md_, dst_md_, scratchpad_md_;  // the primitive's choices
  dnnl::primitive primitive_;
  std::optional<dnnl::reorder> src_reorder_, dst_reorder_, weights_reorder_;
  Tensor packed_weights_;  // constant weights in the primitive's layout

  ScratchSlot src_slot_, dst_slot_, window_slot_, weights_slot_, primitive_slot_;
  size_t scratch_bytes_ = 0;
  std::string implementation_;
};

Result<std::unique_ptr<Kernel>> OneDnnConvKernel::create(const ConvProblem& p,
                                                         const Tensor* constant_weights) {
  auto kernel = std::make_unique<OneDnnConvKernel>();
  kernel->problem_ = p;
  memory::dims strides, dilates, padding_l, padding_r;
  kernel->window_shape_ = {p.batch, p.out_channels};
  for (const auto& axis : p.axes) {
    const PrimitiveAxis m = map_axis(p.kind, axis);
    kernel->axes_.push_back(m);
    strides.push_back(m.stride);
    dilates.push_back(m.dilates);
    padding_l.push_back(m.padding_l);
    padding_r.push_back(m.padding_r);
    kernel->window_shape_.push_back(m.dst_size);
    kernel->embedded_ = kernel->embedded_ || m.dst_size != axis.output;
    kernel->bias_only_ = kernel->bias_only_ || m.dst_size == 0;
  }
  if (kernel->bias_only_) {
    kernel->implementation_ = "bias only: no input value reaches any output cell";
    return std::unique_ptr<Kernel>(std::move(kernel));
  }
  if (const std::string why = why_not_expressible(kernel->axes_, p); !why.empty()) {
    return unsupported(fmt::format("oneDNN cannot run {}: {}", p.to_string(), why));
  }

  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // per-run scratch: thread safety
  const memory::desc& src_md = kernel->src_md_;
  const memory::desc& weights_md = kernel->weights_md_;
  const memory::desc& dst_md = kernel->dst_md_;
  const memory::desc& scratchpad_md = kernel->scratchpad_md_;
  std::string impl_name;
  try {
    kernel->src_user_md_ = plain_desc(p.input_shape());
    kernel->window_user_md_ = plain_desc(kernel->window_shape_);
    kernel->weights_user_md_ = onnx_weights_desc(p);
    kernel->bias_md_ =
        memory::desc({p.out_channels}, memory::data_type::f32, memory::format_tag::a);

    // Let the primitive choose activation and weight layouts; ours are reordered to and from it.
    const Shape input_shape = p.input_shape();
    const memory::dims src_dims(input_shape.begin(), input_shape.end());
    const memory::dims dst_dims(kernel->window_shape_.begin(), kernel->window_shape_.end());
    const auto any = memory::format_tag::any;
    const memory::desc src_any(src_dims, memory::data_type::f32, any);
    const memory::desc dst_any(dst_dims, memory::data_type::f32, any);
    const memory::desc weights_any(kernel->weights_user_md_.dims(), memory::data_type::f32, any);
    const memory::desc no_bias;
    const memory::desc& bias = p.has_bias ? kernel->bias_md_ : no_bias;

    auto& engine = cpu_engine();
    if (p.kind == ConvKind::kConv) {
      impl_name = kernel->adopt<dnnl::convolution_forward>(
          {{dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_any,
            weights_any, bias, dst_any, strides, dilates, padding_l, padding_r},
           attr,
           engine});
    } else {
      impl_name = kernel->adopt<dnnl::deconvolution_forward>(
          {{dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_any,
            weights_any, bias, dst_any, strides, dilates, padding_l, padding_r},
           attr,
           engine});
    }
    if (src_md != kernel->src_user_md_) {
      kernel->src_reorder_ = dnnl::reorder(memory(kernel->src_user_md_, engine, nullptr),
                                           memory(src_md, engine, nullptr));
    }
    if (dst_md != kernel->window_user_md_) {
      kernel->dst_reorder_ = dnnl::reorder(memory(dst_md, engine, nullptr),
                                           memory(kernel->window_user_md_, engine, nullptr));
    }
    if (weights_md != kernel->weights_user_md_) {
      kernel->weights_reorder_ = dnnl::reorder(memory(kernel->weights_user_md_, engine, nullptr),
                                               memory(weights_md, engine, nullptr));
    }
    if (constant_weights) {
      // The one re-layout of the weights: ONNX order -> canonical (g, M/g, C/g, k..) blocked.
      ORTL_ASSIGN_OR_RETURN(
          kernel->packed_weights_,
          Tensor::create(DType::kUInt8, {static_cast<int64_t>(weights_md.get_size())}));
      memory user(kernel->weights_user_md_, engine,
                  const_cast<void*>(constant_weights->raw_data()));
      memory packed(weights_md, engine, kernel->packed_weights_.raw_data());
      dnnl::stream stream(engine);
      if (kernel->weights_reorder_) {
        kernel->weights_reorder_->execute(stream, user, packed);
      } else {
        std::memcpy(packed.get_data_handle(), user.get_data_handle(), weights_md.get_size());
      }
      stream.wait();
    }
  } catch (const dnnl::error& e) {
    // The problem is valid (resolution checked it): the caller runs it another way.
    return unsupported(fmt::format("oneDNN cannot run {}: {} (status {})", p.to_string(), e.what(),
                                   static_cast<int>(e.status)));
  } catch (const std::bad_alloc&) {
    return internal_error(fmt::format("out of memory preparing {}", p.to_string()));
  }

  ScratchLayout layout;
  if (kernel->src_reorder_) kernel->src_slot_ = layout.add(src_md.get_size());
  if (kernel->dst_reorder_) kernel->dst_slot_ = layout.add(dst_md.get_size());
  if (kernel->embedded_) kernel->window_slot_ = layout.add(kernel->window_user_md_.get_size());
  if (!constant_weights) kernel->weights_slot_ = layout.add(weights_md.get_size());
  kernel->primitive_slot_ = layout.add(scratchpad_md.get_size());
  kernel->scratch_bytes_ = layout.total();

  kernel->implementation_ =
      fmt::format("onednn {} (src {}, weights {}, dst {}{}{})", impl_name, format_name(src_md),
                  format_name(weights_md), format_name(dst_md),
                  constant_weights ? "" : ", weights reordered per run",
                  kernel->embedded_ ? ", window + bias-only border" : "");
  return std::unique_ptr<Kernel>(std::move(kernel));
}

Status OneDnnConvKernel::run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
                             std::span<std::byte> scratch) const {
  if (bias_only_) {
    fill_bias(problem_.has_bias ? inputs[2].data<float>() : nullptr, outputs[0]);
    return Status::Ok();
  }
  try {
    return run_primitives(inputs, outputs[0], scratch);
  } catch (const dnnl::error& e) {
    return internal_error(
        fmt::format("oneDNN failed running {}: {}", problem_.to_string(), e.what()));
  }
}

Status OneDnnConvKernel::run_primitives(std::span<const Tensor> inputs, Tensor& output,
                                        std::span<std::byte> scratch) const {
  auto& engine = cpu_engine();
  dnnl::stream stream(engine);
  auto at = [&](const ScratchSlot& slot) {
    return static_cast<void*>(scratch.data() + slot.offset);
  };
  auto mutable_ptr = [](const Tensor& t) { return const_cast<void*>(t.raw_data()); };

  memory src(src_user_md_, engine, mutable_ptr(inputs[0]));
  if (src_reorder_) {
    memory blocked(src_md_, engine, at(src_slot_));
    src_reorder_->execute(stream, src, blocked);
    src = blocked;
  }
  memory weights;
  if (!packed_weights_.empty()) {
    weights = memory(weights_md_, engine, mutable_ptr(packed_weights_));
  } else {
    memory user(weights_user_md_, engine, mutable_ptr(inputs[1]));
    if (weights_reorder_) {
      weights = memory(weights_md_, engine, at(weights_slot_));
      weights_reorder_->execute(stream, user, weights);
    } else {
      weights = user;
    }
  }
  const bool has_bias = problem_.has_bias;
  const float* bias = has_bias ? inputs[2].data<float>() : nullptr;

  void* window_ptr = embedded_ ? at(window_slot_) : output.raw_data();
  memory window(window_user_md_, engine, window_ptr);
  memory dst = dst_reorder_ ? memory(dst_md_, engine, at(dst_slot_)) : window;
  memory scratchpad(scratchpad_md_, engine, at(primitive_slot_));

  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                       {DNNL_ARG_WEIGHTS, weights},
                                       {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, scratchpad}};
  if (has_bias) args.emplace(DNNL_ARG_BIAS, memory(bias_md_, engine, const_cast<float*>(bias)));
  primitive_.execute(stream, args);
  if (dst_reorder_) dst_reorder_->execute(stream, dst, window);
  stream.wait();

  if (embedded_) embed_window(static_cast<const float*>(window_ptr), bias, output);
  return Status::Ok();
}

void OneDnnConvKernel::fill_bias(const float* bias, Tensor& output) const {
  const int64_t plane = output.element_count() / (problem_.batch * problem_.out_channels);
  float* out = output.data<float>();
  for (int64_t n = 0; n < problem_.batch; ++n) {
    for (int64_t m = 0; m < problem_.out_channels; ++m) {
      float* channel = out + (n * problem_.out_channels + m) * plane;
      std::fill(channel, channel + plane, bias ? bias[m] : 0.0f);
    }
  }
}

// Writes the primitive's window into the output at its offset; every other cell gets the bias
// (no input contributes to it).
void OneDnnConvKernel::embed_window(const float* window, const float* bias, Tensor& output) const {
  const Shape& out_shape = output.shape();
  const size_t rank = axes_.size();
  int64_t out_plane = 1, window_plane = 1;
  for (size_t i = 0; i < rank; ++i) {
    out_plane *= out_shape[i + 2];
    window_plane *= window_shape_[i + 2];
  }
  fill_bias(bias, output);
  float* out = output.data<float>();
  // Rows along the last axis (never empty: see map_axis): each window row's place in the output.
  const int64_t row = window_shape_.back();
  const int64_t rows_per_plane = window_plane / row;
  std::vector<int64_t> index(rank, 0);  // window index, last axis fixed at 0
  for (int64_t n = 0; n < problem_.batch; ++n) {
    for (int64_t m = 0; m < problem_.out_channels; ++m) {
      float* out_channel = out + (n * problem_.out_channels + m) * out_plane;
      const float* window_channel = window + (n * problem_.out_channels + m) * window_plane;
      std::fill(index.begin(), index.end(), 0);
      for (int64_t r = 0; r < rows_per_plane; ++r) {
        int64_t out_flat = 0;
        for (size_t i = 0; i < rank; ++i) {
          out_flat = out_flat * out_shape[i + 2] + index[i] + axes_[i].dst_offset;
        }
        std::memcpy(out_channel + out_flat, window_channel + r * row,
                    static_cast<size_t>(row) * sizeof(float));
        for (size_t i = rank - 1; i-- > 0;) {  // advance the row index (all axes but the last)
          if (++index[i] < window_shape_[i + 2]) break;
          index[i] = 0;
        }
      }
    }
  }
}

}  // namespace

Result<std::unique_ptr<Kernel>> make_conv_kernel(const ConvProblem& problem,
                                                 const Tensor* constant_weights) {
  return OneDnnConvKernel::create(problem, constant_weights);
}

}  // namespace ort_lite::onednn

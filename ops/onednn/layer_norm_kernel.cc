#include "onednn/layer_norm_kernel.h"

#include <unordered_map>

#include <fmt/format.h>

#include "onednn/onednn_common.h"

namespace ort_lite::onednn {

namespace {

using dnnl::memory;

class LayerNormKernel final : public Kernel {
 public:
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    try {
      auto& engine = cpu_engine();
      dnnl::stream stream(engine);
      auto ptr = [](const Tensor& t) { return const_cast<void*>(t.raw_data()); };
      std::unordered_map<int, memory> args{
          {DNNL_ARG_SRC, memory(data_md_, engine, ptr(inputs[0]))},
          {DNNL_ARG_DST, memory(data_md_, engine, outputs[0].raw_data())},
          {DNNL_ARG_SCALE, memory(channel_md_, engine, ptr(inputs[1]))},
          {DNNL_ARG_SCRATCHPAD, memory(scratchpad_md_, engine, scratch.data())}};
      if (shift_) args.emplace(DNNL_ARG_SHIFT, memory(channel_md_, engine, ptr(inputs[2])));
      primitive_.execute(stream, args);
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN layer normalization failed: {}", e.what()));
    }
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return scratchpad_md_.get_size(); }
  std::string implementation() const override { return name_; }

  memory::desc data_md_, channel_md_, scratchpad_md_;
  bool shift_ = false;
  dnnl::primitive primitive_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Kernel> make_layer_norm_kernel(int64_t rows, int64_t cols, float epsilon,
                                               bool shift) {
  try {
    auto kernel = std::make_unique<LayerNormKernel>();
    kernel->data_md_ = memory::desc({rows, cols}, memory::data_type::f32, memory::format_tag::ab);
    kernel->channel_md_ = memory::desc({cols}, memory::data_type::f32, memory::format_tag::a);
    kernel->shift_ = shift;
    auto flags = dnnl::normalization_flags::use_scale;
    if (shift) flags = flags | dnnl::normalization_flags::use_shift;
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::layer_normalization_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, kernel->data_md_, epsilon, flags}, attr, cpu_engine());
    kernel->scratchpad_md_ = pd.scratchpad_desc();
    kernel->primitive_ = dnnl::layer_normalization_forward(pd);
    kernel->name_ = fmt::format("onednn layer normalization {}", pd.impl_info_str());
    return kernel;
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

}  // namespace ort_lite::onednn

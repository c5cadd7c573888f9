#include "onednn/shuffle_kernel.h"

#include <fmt/format.h>

#include "onednn/onednn_common.h"

namespace ort_lite::onednn {

namespace {

class ShuffleKernel final : public Kernel {
 public:
  ShuffleKernel(dnnl::shuffle_forward primitive, dnnl::memory::desc md, std::string name)
      : primitive_(std::move(primitive)), md_(std::move(md)), name_(std::move(name)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    try {
      auto& engine = cpu_engine();
      dnnl::stream stream(engine);
      dnnl::memory src(md_, engine, const_cast<void*>(inputs[0].raw_data()));
      dnnl::memory dst(md_, engine, outputs[0].raw_data());
      primitive_.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN shuffle failed: {}", e.what()));
    }
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  dnnl::shuffle_forward primitive_;
  dnnl::memory::desc md_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Kernel> make_shuffle_kernel(const Shape& dims, int axis, int64_t group_size) {
  try {
    const dnnl::memory::desc md = plain_desc(dims);
    dnnl::shuffle_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, md, axis, static_cast<int>(group_size)}, cpu_engine());
    return std::make_unique<ShuffleKernel>(dnnl::shuffle_forward(pd), md,
                                           fmt::format("onednn shuffle {}", pd.impl_info_str()));
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

}  // namespace ort_lite::onednn

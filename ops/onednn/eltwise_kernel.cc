#include "onednn/eltwise_kernel.h"

#include <fmt/format.h>

#include "onednn/onednn_common.h"
#include "onednn/post_ops.h"

namespace ort_lite::onednn {

namespace {

class EltwiseKernel final : public Kernel {
 public:
  EltwiseKernel(std::vector<dnnl::primitive> steps, dnnl::memory::desc md, std::string name)
      : steps_(std::move(steps)), md_(std::move(md)), name_(std::move(name)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    try {
      auto& engine = cpu_engine();
      dnnl::stream stream(engine);
      dnnl::memory src(md_, engine, const_cast<void*>(inputs[0].raw_data()));
      dnnl::memory dst(md_, engine, outputs[0].raw_data());
      for (size_t i = 0; i < steps_.size(); ++i) {
        // The first step reads X; the others (Selu, HardSigmoid) continue in place.
        steps_[i].execute(stream, {{DNNL_ARG_SRC, i == 0 ? src : dst}, {DNNL_ARG_DST, dst}});
      }
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN eltwise failed: {}", e.what()));
    }
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  std::vector<dnnl::primitive> steps_;
  dnnl::memory::desc md_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Kernel> make_eltwise_kernel(const conv::Activation& activation, int64_t elements) {
  const std::vector<EltwiseStep> steps = eltwise_steps(activation);
  if (steps.empty()) return nullptr;
  try {
    auto& engine = cpu_engine();
    const dnnl::memory::desc md({std::max<int64_t>(elements, 1)}, dnnl::memory::data_type::f32,
                                dnnl::memory::format_tag::a);
    std::vector<dnnl::primitive> primitives;
    std::string impl;
    for (const EltwiseStep& step : steps) {
      dnnl::eltwise_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, step.algorithm, md, step.alpha, step.beta}, engine);
      impl = pd.impl_info_str();
      primitives.push_back(dnnl::eltwise_forward(pd));
    }
    return std::make_unique<EltwiseKernel>(
        std::move(primitives), md, fmt::format("onednn eltwise {} ({})", activation.op_type, impl));
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

}  // namespace ort_lite::onednn

#include "onednn/post_ops.h"

#include <fmt/format.h>

#include "onednn/onednn_common.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

using dnnl::algorithm;

std::vector<EltwiseStep> eltwise_steps(const conv::Activation& a) {
  const std::string& op = a.op_type;
  if (op == "Relu") return {{algorithm::eltwise_relu, 0, 0}};
  if (op == "LeakyRelu") return {{algorithm::eltwise_relu, a.alpha, 0}};
  if (op == "Elu") return {{algorithm::eltwise_elu, a.alpha, 0}};
  // gamma * elu_alpha(x)
  if (op == "Selu")
    return {{algorithm::eltwise_elu, a.alpha, 0}, {algorithm::eltwise_linear, a.beta, 0}};
  if (op == "Sigmoid") return {{algorithm::eltwise_logistic, 0, 0}};
  // max(0, min(1, alpha * x + beta))
  if (op == "HardSigmoid") {
    return {{algorithm::eltwise_linear, a.alpha, a.beta}, {algorithm::eltwise_clip_v2, 0, 1}};
  }
  // oneDNN 2.6's hardswish is x * relu6(x + 3) / 6: ONNX HardSwish (alpha 1/6, beta 1/2).
  if (op == "HardSwish") return {{algorithm::eltwise_hardswish, 0, 0}};
  if (op == "Tanh") return {{algorithm::eltwise_tanh, 0, 0}};
  // x * sigmoid(alpha * x), alpha 1.
  if (op == "SiLU") return {{algorithm::eltwise_swish, 1, 0}};
  if (op == "Softplus") return {{algorithm::eltwise_soft_relu, 0, 0}};
  if (op == "Gelu") {
    return {{a.approximate == "tanh" ? algorithm::eltwise_gelu_tanh : algorithm::eltwise_gelu_erf,
             0, 0}};
  }
  if (op == "Clip") return {{algorithm::eltwise_clip_v2, a.alpha, a.beta}};
  if (op == "Exp") return {{algorithm::eltwise_exp, 0, 0}};
  if (op == "Log") return {{algorithm::eltwise_log, 0, 0}};
  if (op == "Sqrt") return {{algorithm::eltwise_sqrt, 0, 0}};
  return {};
}

dnnl::post_ops make_post_ops(const conv::ConvFusion& fusion) {
  dnnl::post_ops ops;
  if (fusion.residual) ops.append_sum(1.0f);
  if (fusion.activation) {
    for (const EltwiseStep& step : eltwise_steps(*fusion.activation)) {
      ops.append_eltwise(1.0f, step.algorithm, step.alpha, step.beta);
    }
  }
  return ops;
}

Result<std::unique_ptr<PostOpsPass>> PostOpsPass::create(const conv::ConvFusion& fusion,
                                                         const Shape& shape, bool channels_last) {
  auto pass_ptr = std::make_unique<PostOpsPass>();
  PostOpsPass& pass = *pass_ptr;
  pass.elements_ = element_count(shape);
  pass.channels_ = shape.size() > 1 ? shape[1] : 1;
  pass.spatial_ =
      pass.channels_ > 0 ? pass.elements_ / std::max<int64_t>(1, shape[0]) / pass.channels_ : 0;
  pass.channels_last_ = channels_last;
  if (fusion.prelu()) pass.prelu_slope_ = fusion.activation->slope;
  try {
    auto& engine = cpu_engine();
    pass.md_ = dnnl::memory::desc({pass.elements_}, dnnl::memory::data_type::f32,
                                  dnnl::memory::format_tag::a);
    std::vector<EltwiseStep> steps;
    if (fusion.activation) steps = eltwise_steps(*fusion.activation);
    if (fusion.residual) {
      dnnl::post_ops ops;
      for (const EltwiseStep& step : steps) {
        ops.append_eltwise(1.0f, step.algorithm, step.alpha, step.beta);
      }
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::binary::primitive_desc pd({algorithm::binary_add, pass.md_, pass.md_, pass.md_}, attr,
                                      engine);
      pass.binary_ = dnnl::binary(pd);
      pass.residual_ = true;
    } else {
      for (const EltwiseStep& step : steps) {
        dnnl::eltwise_forward::primitive_desc pd(
            {dnnl::prop_kind::forward_inference, step.algorithm, pass.md_, step.alpha, step.beta},
            engine);
        pass.eltwise_.push_back(dnnl::eltwise_forward(pd));
      }
    }
  } catch (const dnnl::error& e) {
    return unsupported(fmt::format("oneDNN cannot apply the fused post-ops: {}", e.what()));
  }
  return pass_ptr;
}

void PostOpsPass::run(float* y, const float* residual, dnnl::stream& stream) const {
  if (residual_ || !eltwise_.empty()) {
    auto& engine = cpu_engine();
    dnnl::memory dst(md_, engine, y);
    if (residual_) {
      dnnl::memory other(md_, engine, const_cast<float*>(residual));
      binary_.execute(stream,
                      {{DNNL_ARG_SRC_0, dst}, {DNNL_ARG_SRC_1, other}, {DNNL_ARG_DST, dst}});
    }
    for (const dnnl::primitive& step : eltwise_) {
      step.execute(stream, {{DNNL_ARG_SRC, dst}, {DNNL_ARG_DST, dst}});
    }
    stream.wait();
  }
  if (!prelu_slope_.empty()) apply_prelu(y);
}

// PRelu as ONNX writes it: y < 0 ? y * slope : y, the slope by channel (the last axis
// channels-last; axis 1 plain).
void PostOpsPass::apply_prelu(float* y) const {
  constexpr int64_t kParallelElements = 65536;
  const float* slope = prelu_slope_.data();
  const bool per_channel = prelu_slope_.size() > 1;
  const int64_t row = per_channel && channels_last_ ? channels_ : per_channel ? spatial_ : 1;
  const int64_t rows = row > 0 ? elements_ / row : 0;
#pragma omp parallel for schedule(static) if (elements_ >= kParallelElements)
  for (int64_t r = 0; r < rows; ++r) {
    float* v = y + r * row;
    if (per_channel && channels_last_) {
      for (int64_t c = 0; c < row; ++c) v[c] = v[c] < 0 ? v[c] * slope[c] : v[c];
    } else {
      const float s = per_channel ? slope[r % channels_] : slope[0];
      for (int64_t i = 0; i < row; ++i) v[i] = v[i] < 0 ? v[i] * s : v[i];
    }
  }
}

}  // namespace ort_lite::onednn

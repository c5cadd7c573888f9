#include "graph_passes.h"

namespace ort_lite {

namespace {
// onnx.TensorProto.DataType values used by Cast's `to` attribute.
constexpr int64_t kOnnxFloat = 1;
constexpr int64_t kOnnxFloat16 = 10;
}  // namespace

Tensor float16_to_float32(const Tensor& tensor) {
  Tensor out(DType::kFloat32, tensor.shape());
  const auto* src = static_cast<const uint16_t*>(tensor.raw_data());
  float* dst = out.data<float>();
  for (int64_t i = 0; i < tensor.element_count(); ++i) dst[i] = half_to_float(src[i]);
  return out;
}

Tensor float32_to_float16(const Tensor& tensor) {
  Tensor out(DType::kFloat16, tensor.shape());
  const float* src = tensor.data<float>();
  auto* dst = static_cast<uint16_t*>(out.raw_data());
  for (int64_t i = 0; i < tensor.element_count(); ++i) dst[i] = float_to_half(src[i]);
  return out;
}

bool compute_float16_in_float32(Graph& graph) {
  bool used = false;
  auto widen = [&](Tensor& t) {
    if (t.dtype() != DType::kFloat16) return;
    t = float16_to_float32(t);
    used = true;
  };
  for (auto& [name, tensor] : graph.initializers) widen(tensor);
  for (Node& node : graph.nodes) {
    for (auto& [name, value] : node.attributes) {
      if (auto* t = std::get_if<Tensor>(&value)) widen(*t);
    }
    if (node.op_type == "Cast" && node.domain.empty()) {
      auto it = node.attributes.find("to");
      if (it != node.attributes.end()) {
        if (auto* to = std::get_if<int64_t>(&it->second); to && *to == kOnnxFloat16) {
          *to = kOnnxFloat;
          used = true;
        }
      }
    }
  }
  for (auto* values : {&graph.inputs, &graph.outputs}) {
    for (ValueInfo& info : *values) {
      if (info.dtype == DType::kFloat16) {
        info.dtype = DType::kFloat32;
        used = true;
      }
    }
  }
  return used;
}

}  // namespace ort_lite

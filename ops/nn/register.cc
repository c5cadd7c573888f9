#include "builtin_ops.h"
#include "nn/nn_ops.h"
#include "ort_lite/ops/conv_fusion.h"

namespace ort_lite {

void register_nn_ops(OpRegistry& registry) {
  using namespace nn_ops;
  // Ops whose attributes or meaning changed across opsets branch on the node's opset inside
  // their prepare function (see each file's spec block).
  registry.add("BatchNormalization", 1, 22, prepare_batch_normalization);
  // BatchNormalization -> Relu in one pass (the fuse_batch_norm_relu rewrite).
  registry.add(OpDefinition{conv::kOrtLiteDomain, "BatchNormalization", 7, 22,
                            prepare_batch_normalization, nullptr});
  registry.add("InstanceNormalization", 1, 22, prepare_instance_normalization);
  registry.add("LayerNormalization", 17, 22, prepare_layer_normalization);
  registry.add("MaxPool", 1, 22, prepare_max_pool);
  registry.add("AveragePool", 1, 22, prepare_average_pool);
  registry.add("GlobalMaxPool", 1, 22, prepare_global_max_pool);
  registry.add("GlobalAveragePool", 1, 22, prepare_global_average_pool);
  registry.add("Softmax", 1, 22, prepare_softmax);
  registry.add("LogSoftmax", 1, 22, prepare_log_softmax);
  registry.add("ReduceSum", 1, 22, prepare_reduce_sum);
  registry.add("ReduceSumSquare", 1, 22, prepare_reduce_sum_square);
  registry.add("ReduceMean", 1, 22, prepare_reduce_mean);
  registry.add("ReduceMax", 1, 22, prepare_reduce_max);
  registry.add("MatMul", 1, 22, prepare_matmul);
  registry.add("Gemm", 1, 22, prepare_gemm);
  // MatMul -> Add(bias) (-> activation) as one op (the fuse_matmul_bias rewrite).
  registry.add(OpDefinition{conv::kOrtLiteDomain, "MatMul", 1, 1, prepare_fused_matmul, nullptr});

  // Ops that compute channels-last values as they come (layout.h).
  for (const char* op : {"MaxPool", "AveragePool"})
    registry.set_layout_class(op, pool_layout_class);
  for (const char* op : {"GlobalMaxPool", "GlobalAveragePool"}) {
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kNative; });
  }
  registry.set_layout_class("BatchNormalization", batch_norm_layout_class);
}

}  // namespace ort_lite

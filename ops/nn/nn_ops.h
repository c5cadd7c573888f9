// Prepare functions of ops/nn/ (normalization, pooling, softmax, reductions, matrix products).
#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite::nn_ops {

// normalization.cc
Result<PreparedOp> prepare_batch_normalization(const PrepareContext& context);
Result<PreparedOp> prepare_instance_normalization(const PrepareContext& context);

// pool.cc
Result<PreparedOp> prepare_layer_normalization(const PrepareContext& context);
Result<PreparedOp> prepare_max_pool(const PrepareContext& context);
// MaxPool keeps the Indices form plain; everything else pools channels-last values as they are.
LayoutClass pool_layout_class(const Node& node);
// spatial = 0 (opset < 9) stays plain.
LayoutClass batch_norm_layout_class(const Node& node);
Result<PreparedOp> prepare_average_pool(const PrepareContext& context);

// reduce.cc
Result<PreparedOp> prepare_reduce_sum(const PrepareContext& context);
Result<PreparedOp> prepare_reduce_sum_square(const PrepareContext& context);
Result<PreparedOp> prepare_reduce_mean(const PrepareContext& context);
Result<PreparedOp> prepare_reduce_max(const PrepareContext& context);
Result<PreparedOp> prepare_global_average_pool(const PrepareContext& context);
Result<PreparedOp> prepare_global_max_pool(const PrepareContext& context);

// softmax.cc
Result<PreparedOp> prepare_softmax(const PrepareContext& context);
Result<PreparedOp> prepare_log_softmax(const PrepareContext& context);

// matmul.cc
Result<PreparedOp> prepare_matmul(const PrepareContext& context);
Result<PreparedOp> prepare_gemm(const PrepareContext& context);
// MatMul + bias (+ activation) from the fuse_matmul_bias rewrite (domain ai.ort_lite).
Result<PreparedOp> prepare_fused_matmul(const PrepareContext& context);

}  // namespace ort_lite::nn_ops

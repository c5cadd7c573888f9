// Prepare functions of ops/elementwise/ (activations, arithmetic, comparison, Where, Cast).
#pragma once

#include <initializer_list>
#include <string_view>

#include "ort_lite/kernel.h"

namespace ort_lite::elementwise {

// unary_ops.cc
Result<PreparedOp> prepare_relu(const PrepareContext& context);
Result<PreparedOp> prepare_leaky_relu(const PrepareContext& context);
Result<PreparedOp> prepare_elu(const PrepareContext& context);
Result<PreparedOp> prepare_selu(const PrepareContext& context);
Result<PreparedOp> prepare_sigmoid(const PrepareContext& context);
Result<PreparedOp> prepare_hard_sigmoid(const PrepareContext& context);
Result<PreparedOp> prepare_hard_swish(const PrepareContext& context);
Result<PreparedOp> prepare_tanh(const PrepareContext& context);
Result<PreparedOp> prepare_softplus(const PrepareContext& context);
Result<PreparedOp> prepare_erf(const PrepareContext& context);
Result<PreparedOp> prepare_sqrt(const PrepareContext& context);
Result<PreparedOp> prepare_neg(const PrepareContext& context);
Result<PreparedOp> prepare_abs(const PrepareContext& context);
Result<PreparedOp> prepare_exp(const PrepareContext& context);
Result<PreparedOp> prepare_log(const PrepareContext& context);
Result<PreparedOp> prepare_gelu(const PrepareContext& context);

// clip.cc
Result<PreparedOp> prepare_clip_attributes(const PrepareContext& context);  // opset 1-10
Result<PreparedOp> prepare_clip_inputs(const PrepareContext& context);      // opset 11+

// binary_ops.cc
Result<PreparedOp> prepare_add(const PrepareContext& context);
Result<PreparedOp> prepare_sub(const PrepareContext& context);
Result<PreparedOp> prepare_mul(const PrepareContext& context);
Result<PreparedOp> prepare_div(const PrepareContext& context);
Result<PreparedOp> prepare_pow(const PrepareContext& context);
Result<PreparedOp> prepare_equal(const PrepareContext& context);
Result<PreparedOp> prepare_prelu(const PrepareContext& context);

// where.cc
Result<PreparedOp> prepare_where(const PrepareContext& context);

// cast.cc
Result<PreparedOp> prepare_cast(const PrepareContext& context);
Result<PreparedOp> prepare_cast_like(const PrepareContext& context);

// Refuses attributes the op's spec does not define: `legacy` lists them for opsets 1-5 (which
// add `consumed_inputs`), `current` for 6 and later.
Status check_attributes(const PrepareContext& context,
                        std::initializer_list<std::string_view> current,
                        std::initializer_list<std::string_view> legacy);

}  // namespace ort_lite::elementwise

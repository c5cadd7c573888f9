// Prepare functions of ops/tensor/ (shape and data movement ops).
#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite::tensor_ops {

Result<PreparedOp> prepare_identity(const PrepareContext& context);

}  // namespace ort_lite::tensor_ops

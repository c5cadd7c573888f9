// Prepare functions of ops/resize/ (Resize and Upsample).
#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite::resize {

Result<PreparedOp> prepare_resize(const PrepareContext& context);    // Resize, opset 10-22
Result<PreparedOp> prepare_upsample(const PrepareContext& context);  // Upsample, opset 7-9

}  // namespace ort_lite::resize

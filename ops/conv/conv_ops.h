#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite::conv {

// Conv and ConvTranspose (the node's op_type tells which).
Result<PreparedOp> prepare_conv_onednn(const PrepareContext& context);
Result<PreparedOp> prepare_conv_reference(const PrepareContext& context);

}  // namespace ort_lite::conv

#include "ort_lite/ops/registry.h"

#include "conv/conv_ops.h"

namespace ort_lite {

void register_builtin_ops(OpRegistry& registry) {
  // Conv and ConvTranspose mean the same in every opset from 1 to 22 (later opsets only widened
  // the types, and opset 11 made kernel_shape inferable, which we always allow).
  registry.add({.domain = "",
                .op_type = "Conv",
                .first_opset = 1,
                .last_opset = 22,
                .prepare = conv::prepare_conv_onednn,
                .prepare_reference = conv::prepare_conv_reference});
  registry.add({.domain = "",
                .op_type = "ConvTranspose",
                .first_opset = 1,
                .last_opset = 22,
                .prepare = conv::prepare_conv_onednn,
                .prepare_reference = conv::prepare_conv_reference});
}

}  // namespace ort_lite

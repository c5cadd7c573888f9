// One registration function per area of ops/, each holding that area's explicit list with
// opset ranges. registry.cc calls them all.
#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite {

void register_conv_ops(OpRegistry& registry);         // ops/conv/
void register_elementwise_ops(OpRegistry& registry);  // ops/elementwise/
void register_tensor_ops(OpRegistry& registry);       // ops/tensor/
void register_nn_ops(OpRegistry& registry);           // ops/nn/
void register_resize_ops(OpRegistry& registry);       // ops/resize/

}  // namespace ort_lite

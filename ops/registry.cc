#include "ort_lite/ops/registry.h"

#include "builtin_ops.h"

namespace ort_lite {

void register_builtin_ops(OpRegistry& registry) {
  register_conv_ops(registry);
  register_elementwise_ops(registry);
  register_tensor_ops(registry);
  register_nn_ops(registry);
  register_resize_ops(registry);
}

}  // namespace ort_lite

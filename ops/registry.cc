#include "ort_lite/ops/registry.h"

#include "builtin_ops.h"
#include "onednn/layout_reorder.h"

namespace ort_lite {

void register_builtin_ops(OpRegistry& registry) {
  register_conv_ops(registry);
  register_elementwise_ops(registry);
  register_tensor_ops(registry);
  register_nn_ops(registry);
  register_resize_ops(registry);
  registry.set_reorder_factory(onednn::make_layout_reorder);
}

}  // namespace ort_lite

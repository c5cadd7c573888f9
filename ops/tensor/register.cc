#include "builtin_ops.h"
#include "tensor/tensor_ops.h"

namespace ort_lite {

void register_tensor_ops(OpRegistry& registry) {
  using namespace tensor_ops;
  registry.add("Identity", 1, 22, prepare_identity);
}

}  // namespace ort_lite

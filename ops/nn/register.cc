#include "builtin_ops.h"

namespace ort_lite {

void register_nn_ops(OpRegistry& registry) { (void)registry; }

}  // namespace ort_lite

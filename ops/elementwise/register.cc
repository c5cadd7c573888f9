#include "builtin_ops.h"

namespace ort_lite {

void register_elementwise_ops(OpRegistry& registry) { (void)registry; }

}  // namespace ort_lite

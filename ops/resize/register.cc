#include "builtin_ops.h"
#include "resize/resize_ops.h"

namespace ort_lite {

void register_resize_ops(OpRegistry& registry) {
  using namespace resize;
  // One prepare function per op: it branches on the node's opset where inputs and attributes
  // changed (Resize: 10 scales only, 11 roi/sizes, 13 optional roi/scales, 18 axes/antialias,
  // 19 half_pixel_symmetric; Upsample: 9 moved scales to an input). Upsample was deprecated at
  // opset 10, where Resize replaced it.
  registry.add("Resize", 10, 22, prepare_resize);
  registry.add("Upsample", 7, 9, prepare_upsample);
}

}  // namespace ort_lite

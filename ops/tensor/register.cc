#include "builtin_ops.h"
#include "ort_lite/ops/conv_fusion.h"
#include "tensor/tensor_ops.h"

namespace ort_lite {

// Each op is registered over every opset it exists in; where its meaning changed between
// opsets (attributes that became inputs, new attributes), the prepare function branches on
// node.opset, and its file's spec block says how.
void register_tensor_ops(OpRegistry& registry) {
  using namespace tensor_ops;
  registry.add("Identity", 1, 22, prepare_identity);
  registry.add("Dropout", 1, 22, prepare_dropout);
  registry.add("Reshape", 1, 22, prepare_reshape);
  registry.add("Flatten", 1, 22, prepare_flatten);
  registry.add("Squeeze", 1, 22, prepare_squeeze);
  registry.add("Unsqueeze", 1, 22, prepare_unsqueeze);
  registry.add("Transpose", 1, 22, prepare_transpose);
  registry.add("DepthToSpace", 1, 22, prepare_depth_to_space);
  registry.add("SpaceToDepth", 1, 22, prepare_space_to_depth);
  registry.add("Concat", 1, 22, prepare_concat);
  registry.add("Split", 1, 22, prepare_split);
  registry.add("Slice", 1, 22, prepare_slice);
  registry.add("Expand", 8, 22, prepare_expand);
  registry.add("Tile", 6, 22, prepare_tile);
  registry.add("Pad", 1, 22, prepare_pad);
  registry.add("Gather", 1, 22, prepare_gather);
  registry.add("Shape", 1, 22, prepare_shape);
  registry.add("Size", 1, 22, prepare_size);
  registry.add("ConstantOfShape", 9, 22, prepare_constant_of_shape);
  registry.add("Range", 11, 22, prepare_range);
  // ShuffleNet's Reshape -> Transpose -> Reshape as one op (the fuse_channel_shuffle rewrite);
  // pure data movement, so the reference backend runs the same kernel.
  registry.add(OpDefinition{conv::kOrtLiteDomain, "ChannelShuffle", 1, 1, prepare_channel_shuffle,
                            prepare_channel_shuffle});

  // Transpose, Slice, Pad and DepthToSpace read channels-last bytes as they are (Transpose also
  // relabels tf2onnx's NHWC pairs).
  for (const char* op : {"Transpose", "Slice", "Pad", "DepthToSpace"}) {
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kNative; });
  }
  // Concat and Split join and cut channels-last values along the axis's physical place;
  // ChannelShuffle permutes the channels where they lie.
  for (const char* op : {"Concat", "Split", "ChannelShuffle"}) {
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kUniform; });
  }
  // Element by element: they keep a channels-last value channels-last (layout.h).
  for (const char* op : {"Identity", "Dropout"}) {
    registry.set_layout_class(op, [](const Node&) { return LayoutClass::kElementwise; });
  }
}

}  // namespace ort_lite

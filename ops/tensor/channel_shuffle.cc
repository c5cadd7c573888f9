// ChannelShuffle (domain ai.ort_lite, opset 1; made by the fuse_channel_shuffle rewrite from
//   Reshape(X, [N, g, C/g, spatial..]) -> Transpose(perm [0, 2, 1, 3..]) -> Reshape(shape),
// ShuffleNet's channel shuffle). Attributes: groups g >= 1, shape = [N, C, spatial..] (the
// second Reshape's, resolved). With X' = X's elements in row-major order given `shape` (the
// first Reshape; X may have any shape with as many elements):
//   Y[n, j * g + i, s..] = X'[n, i * (C/g) + j, s..],   0 <= i < g, 0 <= j < C/g.
// When X already has `shape` (always, in exported models) the shuffle runs on X's bytes as they
// arrive, plain or channels-last (LayoutClass::kUniform): on oneDNN's shuffle primitive for
// float32 (its group_size is C/g: it transposes (C/G, G) to (G, C/G)), a strided copy for other
// types. Otherwise X is first made plain.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "onednn/shuffle_kernel.h"
#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

class ChannelShuffleKernel final : public Kernel {
 public:
  ChannelShuffleKernel(std::optional<StridedCopy> to_plain, TensorType plain,
                       std::unique_ptr<Kernel> onednn, StridedCopy copy, std::string name)
      : to_plain_(std::move(to_plain)),
        plain_(std::move(plain)),
        onednn_(std::move(onednn)),
        copy_(std::move(copy)),
        name_(std::move(name)) {}

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    // Only a channels-last X of another shape than Y's (never seen in exported models) needs
    // X's row-major order first: a temporary tensor.
    Tensor staged;
    std::span<const Tensor> source = inputs;
    if (to_plain_) {
      ORTL_ASSIGN_OR_RETURN(staged, Tensor::create_uninitialized(plain_.dtype, plain_.shape));
      to_plain_->run(static_cast<const std::byte*>(inputs[0].raw_data()),
                     static_cast<std::byte*>(staged.raw_data()));
      source = std::span<const Tensor>(&staged, 1);
    }
    if (onednn_) return onednn_->run(source, outputs, scratch);
    copy_.run(static_cast<const std::byte*>(source[0].raw_data()),
              static_cast<std::byte*>(outputs[0].raw_data()));
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  std::optional<StridedCopy> to_plain_;
  TensorType plain_;
  std::unique_ptr<Kernel> onednn_;
  StridedCopy copy_;
  std::string name_;
};

}  // namespace

Result<PreparedOp> prepare_channel_shuffle(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"groups", "shape"}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "X"));
  ORTL_ASSIGN_OR_RETURN(int64_t groups, in.attributes().get_int("groups", 0));
  ORTL_ASSIGN_OR_RETURN(Shape shape, in.attributes().get_ints("shape"));
  const bool valid_shape = shape.size() >= 3 && std::all_of(shape.begin(), shape.end(),
                                                            [](int64_t d) { return d >= 0; });
  if (!valid_shape || groups < 1 || shape[1] % groups != 0) {
    return in.error(StatusCode::kInvalidModel,
                    fmt::format("groups {} and shape [{}]: need rank >= 3, dims >= 0 and groups "
                                ">= 1 dividing the channels",
                                groups, fmt::join(shape, ", ")));
  }
  if (element_count(shape) != element_count(x.shape)) {
    return in.error(
        StatusCode::kInvalidArgument,
        fmt::format("cannot reshape {} to [{}]", shape_to_string(x.shape), fmt::join(shape, ", ")));
  }
  const TensorType y{x.dtype, shape};
  ORTL_RETURN_IF_ERROR(check_output_fits(y, context.options));

  // The bytes the shuffle reads: X's own (when X has Y's shape), else X's row-major order.
  const Layout arrived = x.shape.size() >= 3 ? context.inputs[0].layout : Layout::kPlain;
  const bool in_place_layout = x.shape == shape;
  const Layout layout = in_place_layout ? arrived : Layout::kPlain;
  std::optional<StridedCopy> to_plain;
  if (!in_place_layout && arrived == Layout::kChannelsLast) {
    const std::vector<int64_t> strides =
        contiguous_strides(physical_shape(x.shape, Layout::kChannelsLast));
    std::vector<int64_t> src_strides;
    for (size_t a = 0; a < x.shape.size(); ++a) {
      src_strides.push_back(strides[physical_axis(a, x.shape.size(), Layout::kChannelsLast)]);
    }
    to_plain.emplace(dtype_size(x.dtype), x.shape, src_strides, contiguous_strides(x.shape));
  }
  const Shape bytes = physical_shape(shape, layout);
  const size_t axis = physical_axis(1, shape.size(), layout);
  const int64_t per_group = shape[1] / groups;

  std::unique_ptr<Kernel> onednn;
  if (x.dtype == DType::kFloat32 && element_count(shape) > 0) {
    onednn = onednn::make_shuffle_kernel(bytes, static_cast<int>(axis), per_group);
  }
  // The strided copy: Y's bytes walked in order with the channel axis split into (j, i).
  Shape walk;
  std::vector<int64_t> src_strides;
  const std::vector<int64_t> strides = contiguous_strides(bytes);
  for (size_t a = 0; a < bytes.size(); ++a) {
    if (a == axis) {
      walk.insert(walk.end(), {per_group, groups});
      src_strides.insert(src_strides.end(), {strides[a], strides[a] * per_group});
    } else {
      walk.push_back(bytes[a]);
      src_strides.push_back(strides[a]);
    }
  }
  StridedCopy copy(dtype_size(x.dtype), walk, src_strides, contiguous_strides(walk));
  std::string name = onednn ? onednn->implementation() : "channel shuffle (strided copy)";
  if (layout == Layout::kChannelsLast) name += " (channels-last)";
  if (to_plain) name += " (X made plain first)";

  PreparedOp op;
  op.outputs = {y};
  op.output_layouts = {layout};
  op.kernel = std::make_unique<ChannelShuffleKernel>(std::move(to_plain), x, std::move(onednn),
                                                     std::move(copy), std::move(name));
  return op;
}

}  // namespace ort_lite::tensor_ops

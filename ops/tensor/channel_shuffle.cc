// ChannelShuffle (domain ai.ort_lite, opset 1; made by the fuse_channel_shuffle rewrite from
//   Reshape(X, [N, g, C/g, spatial..]) -> Transpose(perm [0, 2, 1, 3..]) -> Reshape(shape),
// ShuffleNet's channel shuffle). Attributes: groups g >= 1, shape = [N, C, spatial..] (the
// second Reshape's, resolved). With X' = X's elements in row-major order given `shape` (the
// first Reshape; X may have any shape with as many elements):
//   Y[n, j * g + i, s..] = X'[n, i * (C/g) + j, s..],   0 <= i < g, 0 <= j < C/g.
// When X already has `shape` (always, in exported models) the shuffle runs on X's bytes as they
// arrive, plain or channels-last (LayoutClass::kUniform): whole planes copied, or a gather within
// each channels-last pixel. Otherwise X is first made plain. (oneDNN's shuffle primitive has only
// its reference loop for these layouts: measured 30x slower than the copy on ShuffleNet's
// shapes.)
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

// Y[o, c, i] = X[o, source[c], i] over bytes seen as (outer, C, inner): plain tensors copy
// whole planes (inner > 1), channels-last ones gather within each pixel (inner == 1).
struct ChannelPermutation {
  size_t element_size = 0;
  int64_t outer = 0, channels = 0, inner = 0;
  std::vector<int64_t> source;

  void run(const std::byte* x, std::byte* y) const {
    const auto es = static_cast<int64_t>(element_size);
    const int64_t row = channels * inner * es;
    // Pixels (or images) in parallel when there is enough to move.
#pragma omp parallel for schedule(static) if (outer * row >= (int64_t{1} << 18))
    for (int64_t o = 0; o < outer; ++o) {
      const std::byte* xo = x + o * row;
      std::byte* yo = y + o * row;
      if (inner == 1 && element_size == 4) {
        const auto* xs = reinterpret_cast<const uint32_t*>(xo);
        auto* ys = reinterpret_cast<uint32_t*>(yo);
        for (int64_t c = 0; c < channels; ++c) ys[c] = xs[source[static_cast<size_t>(c)]];
        continue;
      }
      for (int64_t c = 0; c < channels; ++c) {
        std::memcpy(yo + c * inner * es, xo + source[static_cast<size_t>(c)] * inner * es,
                    static_cast<size_t>(inner * es));
      }
    }
  }
};

class ChannelShuffleKernel final : public Kernel {
 public:
  ChannelShuffleKernel(std::optional<StridedCopy> to_plain, TensorType plain,
                       ChannelPermutation copy, std::string name)
      : to_plain_(std::move(to_plain)),
        plain_(std::move(plain)),
        copy_(std::move(copy)),
        name_(std::move(name)) {}

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    // Only a channels-last X of another shape than Y's (never seen in exported models) needs
    // X's row-major order first: a temporary tensor.
    Tensor staged;
    const auto* source = static_cast<const std::byte*>(inputs[0].raw_data());
    if (to_plain_) {
      ORTL_ASSIGN_OR_RETURN(staged, Tensor::create_uninitialized(plain_.dtype, plain_.shape));
      to_plain_->run(source, static_cast<std::byte*>(staged.raw_data()));
      source = static_cast<const std::byte*>(staged.raw_data());
    }
    copy_.run(source, static_cast<std::byte*>(outputs[0].raw_data()));
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  std::optional<StridedCopy> to_plain_;
  TensorType plain_;
  ChannelPermutation copy_;
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

  // Y's channel j * g + i reads X's channel i * (C/g) + j.
  ChannelPermutation copy{dtype_size(x.dtype), 1, bytes[axis], 1, {}};
  for (size_t a = 0; a < bytes.size(); ++a) {
    if (a < axis) copy.outer *= bytes[a];
    if (a > axis) copy.inner *= bytes[a];
  }
  for (int64_t c = 0; c < copy.channels; ++c) {
    copy.source.push_back((c % groups) * per_group + c / groups);
  }
  std::string name = "channel shuffle";
  if (layout == Layout::kChannelsLast) name += " (channels-last)";
  if (to_plain) name += " (X made plain first)";

  PreparedOp op;
  op.outputs = {y};
  op.output_layouts = {layout};
  op.kernel = std::make_unique<ChannelShuffleKernel>(std::move(to_plain), x, std::move(copy),
                                                     std::move(name));
  return op;
}

}  // namespace ort_lite::tensor_ops

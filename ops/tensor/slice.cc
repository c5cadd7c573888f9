// Slice (opset 1-22): for each listed axis a with start s, end e and step t (t != 0), the
//   output takes the input elements s, s + t, s + 2t, ... while before e (t > 0) or after e
//   (t < 0). Unlisted axes are kept whole.
//   Opset 1-9: attributes starts, ends (required), axes (default 0..n-1); step 1.
//   Opset 10+: inputs starts, ends, axes (optional), steps (optional, default 1), all known at
//   prepare time (int32 or int64). No attributes.
//   As the spec says: negative s and e count from the end (+ dim); then for t > 0 both are
//   clamped to [0, dim], for t < 0 s to [0, dim - 1] and e to [-1, dim - 1]. So INT64_MAX /
//   INT64_MIN ends mean "to the end" / "to the start"; out-of-range starts give empty slices.
//   Output dim: max(0, ceil((e - s) / t)).
// Deliberate divergence: negative axes are accepted in every opset (ONNX allows them from 11).
// One strided copy: the input stride of each axis times its step, from the offset of the
// starts.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

struct AxisSlice {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};

// Clamps one axis' start and end as the spec says and counts the elements taken.
AxisSlice slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim) {
  if (dim == 0) return {0, 1, 0};
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
  // The distance is at most dim + 1; the step's magnitude is taken unsigned so that INT64_MIN
  // does not overflow.
  const int64_t distance = step > 0 ? end - start : start - end;
  const uint64_t magnitude =
      step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  if (distance <= 0) return {0, 1, 0};
  const auto count = static_cast<int64_t>((static_cast<uint64_t>(distance) - 1) / magnitude + 1);
  // With one element the step is never applied; keep it small so stride products cannot
  // overflow.
  return {start, count == 1 ? 1 : step, count};
}

}  // namespace

Result<PreparedOp> prepare_slice(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  const auto rank = static_cast<int64_t>(x.shape.size());
  std::vector<int64_t> starts, ends, axes, steps;
  bool axes_given = false;
  StatusCode code = StatusCode::kInvalidArgument;  // values from inputs
  if (context.node.opset < 10) {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"starts", "ends", "axes"}));
    for (const char* name : {"starts", "ends"}) {
      if (!in.attributes().has(name)) {
        return in.attributes().error(StatusCode::kInvalidModel, name, "is required");
      }
    }
    ORTL_ASSIGN_OR_RETURN(starts, in.attributes().get_ints("starts"));
    ORTL_ASSIGN_OR_RETURN(ends, in.attributes().get_ints("ends"));
    ORTL_ASSIGN_OR_RETURN(axes, in.attributes().get_ints("axes"));
    axes_given = in.attributes().has("axes");
    code = StatusCode::kInvalidModel;
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(3, 5));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
    ORTL_ASSIGN_OR_RETURN(starts, in.constant_ints(1, "starts"));
    ORTL_ASSIGN_OR_RETURN(ends, in.constant_ints(2, "ends"));
    if (in.present(3)) {
      ORTL_ASSIGN_OR_RETURN(axes, in.constant_ints(3, "axes"));
      axes_given = true;
    }
    if (in.present(4)) {
      ORTL_ASSIGN_OR_RETURN(steps, in.constant_ints(4, "steps"));
    }
  }
  const size_t n = starts.size();
  if (!axes_given) {
    for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(n, 1);
  if (ends.size() != n || axes.size() != n || steps.size() != n) {
    return in.error(code, fmt::format("starts [{}], ends [{}], axes [{}] and steps [{}] must have "
                                      "one entry per sliced axis",
                                      fmt::join(starts, ", "), fmt::join(ends, ", "),
                                      fmt::join(axes, ", "), fmt::join(steps, ", ")));
  }
  ORTL_ASSIGN_OR_RETURN(axes, resolve_axes(in, axes, rank, "axes", code));

  // X's bytes as they arrive (LayoutClass::kNative): a channels-last X is sliced where its
  // axes lie in memory, and Y keeps its layout. Strides and offsets below are per logical axis.
  const Layout layout = context.inputs[0].layout;
  const std::vector<int64_t> physical_strides = contiguous_strides(physical_shape(x.shape, layout));
  std::vector<int64_t> in_strides(x.shape.size());
  for (size_t a = 0; a < in_strides.size(); ++a) {
    in_strides[a] = physical_strides[physical_axis(a, x.shape.size(), layout)];
  }
  TensorType y = x;
  std::vector<int64_t> src_strides = in_strides;
  int64_t offset = 0;
  for (size_t i = 0; i < n; ++i) {
    if (steps[i] == 0) {
      return in.error(code,
                      fmt::format("steps [{}]: a step must not be 0", fmt::join(steps, ", ")));
    }
    const auto a = static_cast<size_t>(axes[i]);
    const AxisSlice s = slice_axis(starts[i], ends[i], steps[i], x.shape[a]);
    y.shape[a] = s.count;
    src_strides[a] = in_strides[a] * s.step;
    offset += s.start * in_strides[a];
  }
  if (element_count(y.shape) == 0) offset = 0;  // nothing is read; stay inside the buffer
  // Walk Y in its own memory order: the logical axes in physical order.
  Shape walk;
  std::vector<int64_t> walk_strides;
  for (size_t p = 0; p < y.shape.size(); ++p) {
    const size_t a = logical_axis(p, y.shape.size(), layout);
    walk.push_back(y.shape[a]);
    walk_strides.push_back(src_strides[a]);
  }
  StridedCopy copy(dtype_size(x.dtype), walk, walk_strides, contiguous_strides(walk));
  PreparedOp op =
      make_copy_op(y, layout == Layout::kChannelsLast ? "slice (channels-last)" : "slice",
                   std::move(copy), offset);
  op.output_layouts = {layout};
  return op;
}

}  // namespace ort_lite::tensor_ops

// Concat (opset 1-22): joins inputs 0..n-1 (same dtype and rank, same dims except `axis`) along
//   `axis`, in input order. axis: in [-r, r) (negative from opset 11); required from opset 4,
//   default 1 before that.
// Split (opset 1-22): cuts `input` along `axis` (default 0, in [-r, r)) into one piece per node
//   output, of sizes taken from, in this order:
//   - `split` (each >= 0, summing to the axis size): an attribute in opset 1-12 (opset 1 also
//     accepts it as input 1), input 1 from opset 13;
//   - `num_outputs` (opset 18+, equal to the number of outputs): pieces of ceil(d / n), the
//     last one smaller;
//   - otherwise equal pieces, d divisible by the number of outputs. ONNX 18 wants one of split
//     and num_outputs; with neither, ort-lite splits evenly as earlier opsets (and ONNX
//     Runtime) do.
// Both are one strided copy per input (Concat) or output (Split), at an offset along `axis`.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

struct Piece {
  StridedCopy copy;
  int64_t offset_bytes;  // into the concatenated tensor
};

}  // namespace

Result<PreparedOp> prepare_concat(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis"}));
  if (in.count() == 0) return in.error(StatusCode::kInvalidModel, "takes at least 1 input, got 0");
  if (context.node.opset >= 4 && !in.attributes().has("axis")) {
    return in.attributes().error(StatusCode::kInvalidModel, "axis", "is required");
  }
  ORTL_ASSIGN_OR_RETURN(int64_t axis, in.attributes().get_int("axis", 1));
  std::vector<TensorType> inputs;
  for (size_t i = 0; i < in.count(); ++i) {
    ORTL_ASSIGN_OR_RETURN(TensorType t, in.required(i, "inputs"));
    inputs.push_back(std::move(t));
  }
  const TensorType& first = inputs[0];
  const auto rank = static_cast<int64_t>(first.shape.size());
  ORTL_ASSIGN_OR_RETURN(
      axis, resolve_axis(in, axis, rank, "attribute 'axis'", StatusCode::kInvalidModel));
  const auto a = static_cast<size_t>(axis);
  TensorType y = first;
  y.shape[a] = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorType& t = inputs[i];
    if (t.dtype != first.dtype) {
      return in.error(StatusCode::kInvalidModel,
                      fmt::format("input {} is {} but input 0 is {}; all must have one type", i,
                                  dtype_name(t.dtype), dtype_name(first.dtype)));
    }
    bool same = t.shape.size() == first.shape.size();
    for (size_t d = 0; same && d < t.shape.size(); ++d)
      same = d == a || t.shape[d] == first.shape[d];
    if (!same) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("input {} has shape {}, input 0 has shape {}: they must match "
                                  "except on axis {}",
                                  i, shape_to_string(t.shape), shape_to_string(first.shape), axis));
    }
    y.shape[a] += t.shape[a];
  }
  ORTL_RETURN_IF_ERROR(checked_element_count(y.shape).status().with_context(context.node.label()));

  // Channels-last inputs (LayoutClass::kUniform) are joined as the bytes lie: along the axis's
  // place in the physical shape.
  const Layout layout = context.inputs[0].layout;
  const size_t pa = physical_axis(a, first.shape.size(), layout);
  const char* name = layout == Layout::kChannelsLast ? "concat (channels-last)" : "concat";
  if (pa + 1 == first.shape.size()) {
    // Joined along the innermost bytes (channels of channels-last values): one pass over the
    // output's rows, each taking a short row from every input.
    std::vector<int64_t> row_bytes;
    for (const TensorType& t : inputs) {
      row_bytes.push_back(physical_shape(t.shape, layout).back() *
                          static_cast<int64_t>(dtype_size(t.dtype)));
    }
    const Shape out_bytes = physical_shape(y.shape, layout);
    const int64_t rows = out_bytes.back() == 0 ? 0 : element_count(out_bytes) / out_bytes.back();
    PreparedOp op = make_prepared({y}, name, [row_bytes, rows](KernelArgs args) -> Status {
      int64_t out_row = 0;
      for (int64_t b : row_bytes) out_row += b;
      auto* dst = static_cast<std::byte*>(args.outputs[0].raw_data());
#pragma omp parallel for schedule(static) if (rows * out_row >= (int64_t{1} << 18))
      for (int64_t r = 0; r < rows; ++r) {
        std::byte* out = dst + r * out_row;
        for (size_t i = 0; i < row_bytes.size(); ++i) {
          const auto* src =
              static_cast<const std::byte*>(args.inputs[i].raw_data()) + r * row_bytes[i];
          copy_bytes(out, src, row_bytes[i]);
          out += row_bytes[i];
        }
      }
      return Status::Ok();
    });
    op.output_layouts = {layout};
    return op;
  }
  const std::vector<int64_t> out_strides = contiguous_strides(physical_shape(y.shape, layout));
  const auto element = static_cast<int64_t>(dtype_size(y.dtype));
  std::vector<Piece> pieces;
  int64_t offset = 0;
  for (const TensorType& t : inputs) {
    const Shape shape = physical_shape(t.shape, layout);
    pieces.push_back(
        {StridedCopy(dtype_size(t.dtype), shape, contiguous_strides(shape), out_strides),
         saturating_mul(saturating_mul(offset, out_strides[pa]), element)});
    offset += t.shape[a];
  }
  PreparedOp op = make_prepared({y}, name, [pieces = std::move(pieces)](KernelArgs args) -> Status {
    auto* dst = static_cast<std::byte*>(args.outputs[0].raw_data());
    for (size_t i = 0; i < pieces.size(); ++i) {
      pieces[i].copy.run(static_cast<const std::byte*>(args.inputs[i].raw_data()),
                         dst + pieces[i].offset_bytes);
    }
    return Status::Ok();
  });
  op.output_layouts = {layout};
  return op;
}

namespace {

// The sizes of Split's pieces along an axis of size `d`.
Result<std::vector<int64_t>> split_sizes(const OpInputs& in, int64_t d, const Shape& shape) {
  const Node& node = in.node();
  const size_t n = node.outputs.size();
  const bool split_input = node.opset >= 13 || (node.opset == 1 && in.present(1));
  const bool split_given = split_input ? in.present(1) : in.attributes().has("split");
  if (split_given) {
    std::vector<int64_t> split;
    if (split_input) {
      ORTL_ASSIGN_OR_RETURN(split, in.constant_ints(1, "split"));
    } else {
      ORTL_ASSIGN_OR_RETURN(split, in.attributes().get_ints("split"));
    }
    const StatusCode code = split_input ? StatusCode::kInvalidArgument : StatusCode::kInvalidModel;
    // Each size bounded first, so that the sum cannot overflow.
    const bool out_of_range =
        std::any_of(split.begin(), split.end(), [d](int64_t s) { return s < 0 || s > d; });
    if (split.size() != n || out_of_range ||
        std::accumulate(split.begin(), split.end(), int64_t{0}) != d) {
      return in.error(code, fmt::format("split = [{}] must have one size >= 0 per output ({}) "
                                        "summing to the axis size {} (input shape {})",
                                        fmt::join(split, ", "), n, d, shape_to_string(shape)));
    }
    return split;
  }
  if (node.opset >= 18 && in.attributes().has("num_outputs")) {
    ORTL_ASSIGN_OR_RETURN(int64_t num, in.attributes().get_int("num_outputs", 0));
    if (num < 1 || static_cast<size_t>(num) != n) {
      return in.attributes().error(StatusCode::kInvalidModel, "num_outputs",
                                   fmt::format("{} must equal the number of outputs ({})", num, n));
    }
    const int64_t chunk = (d + num - 1) / num;
    if (chunk * (num - 1) > d) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("cannot split the axis size {} into {} pieces of {} and a "
                                  "smaller last one",
                                  d, num, chunk));
    }
    std::vector<int64_t> sizes(n, chunk);
    sizes.back() = d - chunk * (num - 1);
    return sizes;
  }
  const auto num = static_cast<int64_t>(n);
  if (num == 0 || d % num != 0) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("cannot split the axis size {} (input shape {}) into {} equal "
                                "pieces",
                                d, shape_to_string(shape), num));
  }
  return std::vector<int64_t>(n, d / num);
}

}  // namespace

Result<PreparedOp> prepare_split(const PrepareContext& context) {
  OpInputs in(context);
  const int64_t opset = context.node.opset;
  if (opset >= 18) {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis", "num_outputs"}));
  } else if (opset >= 13) {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis"}));
  } else {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis", "split"}));
  }
  ORTL_RETURN_IF_ERROR(in.expect_count(1, opset == 1 || opset >= 13 ? 2 : 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(int64_t axis, in.attributes().get_int("axis", 0));
  const auto rank = static_cast<int64_t>(x.shape.size());
  ORTL_ASSIGN_OR_RETURN(
      axis, resolve_axis(in, axis, rank, "attribute 'axis'", StatusCode::kInvalidModel));
  const auto a = static_cast<size_t>(axis);
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, split_sizes(in, x.shape[a], x.shape));

  // A channels-last input (LayoutClass::kUniform) is cut as its bytes lie.
  const Layout layout = context.inputs[0].layout;
  const size_t pa = physical_axis(a, x.shape.size(), layout);
  const std::vector<int64_t> in_strides = contiguous_strides(physical_shape(x.shape, layout));
  const auto element = static_cast<int64_t>(dtype_size(x.dtype));
  std::vector<TensorType> outputs;
  std::vector<Piece> pieces;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    TensorType y = x;
    y.shape[a] = size;
    const Shape shape = physical_shape(y.shape, layout);
    pieces.push_back(
        {StridedCopy(dtype_size(x.dtype), shape, in_strides, contiguous_strides(shape)),
         saturating_mul(saturating_mul(offset, in_strides[pa]), element)});
    outputs.push_back(std::move(y));
    offset += size;
  }
  PreparedOp op =
      make_prepared(outputs, layout == Layout::kChannelsLast ? "split (channels-last)" : "split",
                    [pieces = std::move(pieces)](KernelArgs args) -> Status {
                      const auto* src = static_cast<const std::byte*>(args.inputs[0].raw_data());
                      for (size_t i = 0; i < pieces.size(); ++i) {
                        pieces[i].copy.run(src + pieces[i].offset_bytes,
                                           static_cast<std::byte*>(args.outputs[i].raw_data()));
                      }
                      return Status::Ok();
                    });
  op.output_layouts.assign(op.outputs.size(), layout);
  return op;
}

}  // namespace ort_lite::tensor_ops

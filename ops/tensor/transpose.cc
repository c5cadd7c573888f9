// Transpose (opset 1-22): Y[i_0..i_{r-1}] = X[j] with j[perm[k]] = i_k, so
//   shape(Y)[k] = shape(X)[perm[k]].
//   perm: ints, a permutation of 0..r-1; default: reversed axes.
//
// DepthToSpace (opset 1-22): X (N, C, H, W) -> Y (N, C/b^2, H*b, W*b), b = blocksize >= 1,
//   C divisible by b^2. mode (opset 11+; before that always DCR):
//   DCR (default): Y[n, c, h*b + i, w*b + j] = X[n, (i*b + j) * C/b^2 + c, h, w]
//   CRD:           Y[n, c, h*b + i, w*b + j] = X[n, c*b^2 + i*b + j, h, w]
// SpaceToDepth (opset 1-22): the inverse of DepthToSpace DCR: X (N, C, H, W) ->
//   Y (N, C*b^2, H/b, W/b), H and W divisible by b:
//   Y[n, (i*b + j) * C + c, h, w] = X[n, c, h*b + i, w*b + j]
//
// All three are one strided copy: the output is walked in order and each output dim gets the
// input stride it reads with (the ONNX reshape-transpose-reshape, without the intermediates).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

Result<PreparedOp> prepare_transpose(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"perm"}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  const auto rank = static_cast<int64_t>(x.shape.size());
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> perm, in.attributes().get_ints("perm"));
  if (!in.attributes().has("perm")) {
    for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  std::vector<bool> used(static_cast<size_t>(rank), false);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (size_t i = 0; valid && i < perm.size(); ++i) {
    valid = perm[i] >= 0 && perm[i] < rank && !used[static_cast<size_t>(perm[i])];
    if (valid) used[static_cast<size_t>(perm[i])] = true;
  }
  if (!valid) {
    return in.attributes().error(
        StatusCode::kInvalidModel, "perm",
        fmt::format("[{}] is not a permutation of the {} axes of the input (shape {})",
                    fmt::join(perm, ", "), rank, shape_to_string(x.shape)));
  }
  TensorType y{x.dtype, {}};
  for (int64_t p : perm) y.shape.push_back(x.shape[static_cast<size_t>(p)]);

  // The bytes as they arrive (LayoutClass::kNative): the NHWC <-> NCHW transposes tf2onnx puts
  // around convolutions become relabels when they only name the layout the bytes already have.
  const Layout layout = context.inputs[0].layout;
  const Shape physical = physical_shape(x.shape, layout);
  if (rank >= 3) {
    std::vector<int64_t> to_nchw{0, rank - 1}, to_nhwc{0};
    for (int64_t i = 1; i + 1 < rank; ++i) to_nchw.push_back(i);
    for (int64_t i = 2; i < rank; ++i) to_nhwc.push_back(i);
    to_nhwc.push_back(1);
    if (layout == Layout::kPlain && perm == to_nchw) {
      // Y's channels-last bytes are X's plain ones.
      PreparedOp op = make_view_op(x, x.shape, "transpose (relabel to channels-last, no copy)");
      op.outputs = {y};
      op.output_layouts = {Layout::kChannelsLast};
      return op;
    }
    if (layout == Layout::kChannelsLast && perm == to_nhwc) {
      return make_view_op(x, physical, "transpose (relabel from channels-last, no copy)");
    }
  }
  // A copy to plain Y, reading each logical axis with its stride in X's bytes.
  const std::vector<int64_t> physical_strides = contiguous_strides(physical);
  std::vector<int64_t> src_strides;
  for (int64_t p : perm) {
    src_strides.push_back(
        physical_strides[physical_axis(static_cast<size_t>(p), x.shape.size(), layout)]);
  }
  StridedCopy copy(dtype_size(x.dtype), y.shape, src_strides, contiguous_strides(y.shape));
  return make_copy_op(y, "transpose", std::move(copy));
}

namespace {

struct BlockInput {
  TensorType x;
  int64_t n, c, h, w, b;
};

// The checks DepthToSpace and SpaceToDepth share: a 4-D input and blocksize >= 1.
Result<BlockInput> read_block_input(const OpInputs& in) {
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  if (x.shape.size() != 4) {
    return in.error(
        StatusCode::kInvalidArgument,
        fmt::format("input must be 4-D (N, C, H, W), got shape {}", shape_to_string(x.shape)));
  }
  if (!in.attributes().has("blocksize")) {
    return in.attributes().error(StatusCode::kInvalidModel, "blocksize", "is required");
  }
  ORTL_ASSIGN_OR_RETURN(int64_t b, in.attributes().get_int("blocksize", 1));
  if (b < 1) {
    return in.attributes().error(StatusCode::kInvalidModel, "blocksize",
                                 fmt::format("{} must be >= 1", b));
  }
  return BlockInput{x, x.shape[0], x.shape[1], x.shape[2], x.shape[3], b};
}

}  // namespace

Result<PreparedOp> prepare_depth_to_space(const PrepareContext& context) {
  OpInputs in(context);
  if (context.node.opset < 11) {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"blocksize"}));
  } else {
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"blocksize", "mode"}));
  }
  ORTL_ASSIGN_OR_RETURN(BlockInput p, read_block_input(in));
  ORTL_ASSIGN_OR_RETURN(std::string mode, in.attributes().get_string("mode", "DCR"));
  if (mode != "DCR" && mode != "CRD") {
    return in.attributes().error(StatusCode::kInvalidModel, "mode",
                                 fmt::format("'{}' must be DCR or CRD", mode));
  }
  // b > c / b rather than b * b > c: b * b may overflow.
  if (p.b > p.c / p.b || p.c % (p.b * p.b) != 0) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input channels {} (shape {}) must be divisible by blocksize^2 "
                                "= {}^2",
                                p.c, shape_to_string(p.x.shape), p.b));
  }
  const int64_t b = p.b, c_out = p.c / (b * b);
  // X's N, C, H, W strides as its bytes lie (LayoutClass::kNative: ESPCN's sub-pixel shuffle
  // reads the conv's channels-last output where it is).
  const Layout layout = context.inputs[0].layout;
  const std::vector<int64_t> physical = contiguous_strides(physical_shape(p.x.shape, layout));
  auto stride = [&](size_t axis) { return physical[physical_axis(axis, 4, layout)]; };
  const int64_t sc = stride(1);
  // The input channel of (c', i, j): DCR (i*b + j) * C' + c', CRD c' * b^2 + i*b + j.
  const int64_t s_i = mode == "DCR" ? b * c_out * sc : b * sc;
  const int64_t s_j = mode == "DCR" ? c_out * sc : sc;
  const int64_t s_c = mode == "DCR" ? sc : b * b * sc;
  // Y in X's layout, walked in the order of its bytes: (N, C', H, i, W, j) plain,
  // (N, H, i, W, j, C') channels-last.
  const bool channels_last = layout == Layout::kChannelsLast;
  const Shape walk =
      channels_last ? Shape{p.n, p.h, b, p.w, b, c_out} : Shape{p.n, c_out, p.h, b, p.w, b};
  const std::vector<int64_t> src =
      channels_last ? std::vector<int64_t>{stride(0), stride(2), s_i, stride(3), s_j, s_c}
                    : std::vector<int64_t>{stride(0), s_c, stride(2), s_i, stride(3), s_j};
  StridedCopy copy(dtype_size(p.x.dtype), walk, src, contiguous_strides(walk));
  PreparedOp op = make_copy_op(
      {p.x.dtype, {p.n, c_out, p.h * b, p.w * b}},
      fmt::format("depth to space ({}{})", mode, channels_last ? ", channels-last" : ""),
      std::move(copy));
  op.output_layouts = {layout};
  return op;
}

Result<PreparedOp> prepare_space_to_depth(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"blocksize"}));
  ORTL_ASSIGN_OR_RETURN(BlockInput p, read_block_input(in));
  if (p.h % p.b != 0 || p.w % p.b != 0) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("input height and width (shape {}) must be divisible by "
                                "blocksize {}",
                                shape_to_string(p.x.shape), p.b));
  }
  const int64_t b = p.b, h_out = p.h / b, w_out = p.w / b;
  const std::vector<int64_t> s = contiguous_strides(p.x.shape);
  // The output walked as (N, i, j, C, H', W').
  const Shape walk = {p.n, b, b, p.c, h_out, w_out};
  const std::vector<int64_t> src = {s[0], s[2], s[3], s[1], b * s[2], b * s[3]};
  StridedCopy copy(dtype_size(p.x.dtype), walk, src, contiguous_strides(walk));
  return make_copy_op({p.x.dtype, {p.n, p.c * b * b, h_out, w_out}}, "space to depth",
                      std::move(copy));
}

}  // namespace ort_lite::tensor_ops

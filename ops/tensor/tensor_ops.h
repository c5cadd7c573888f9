// Prepare functions of ops/tensor/ (shape and data movement ops), and the helpers they share.
//
// Error codes, the same in every op here: a bad attribute or a wrong number of inputs is
// kInvalidModel; a problem with the values or shapes of input tensors (a Reshape shape that
// does not fit the data, an out-of-range Gather index, Concat inputs of different ranks) is
// kInvalidArgument, because those values may come from the caller's inputs; valid ONNX that
// ort-lite does not do is kUnsupported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ort_lite/kernel.h"
#include "ort_lite/ops/op_support.h"
#include "tensor/strided_copy.h"

namespace ort_lite::tensor_ops {

// identity.cc
Result<PreparedOp> prepare_identity(const PrepareContext& context);
Result<PreparedOp> prepare_dropout(const PrepareContext& context);
// reshape.cc: ops that only give the input buffer a new shape (no copy).
Result<PreparedOp> prepare_reshape(const PrepareContext& context);
Result<PreparedOp> prepare_flatten(const PrepareContext& context);
Result<PreparedOp> prepare_squeeze(const PrepareContext& context);
Result<PreparedOp> prepare_unsqueeze(const PrepareContext& context);
// transpose.cc
Result<PreparedOp> prepare_transpose(const PrepareContext& context);
Result<PreparedOp> prepare_depth_to_space(const PrepareContext& context);
Result<PreparedOp> prepare_space_to_depth(const PrepareContext& context);
// concat_split.cc
Result<PreparedOp> prepare_concat(const PrepareContext& context);
Result<PreparedOp> prepare_split(const PrepareContext& context);
// slice.cc
Result<PreparedOp> prepare_slice(const PrepareContext& context);
// expand_tile.cc
Result<PreparedOp> prepare_expand(const PrepareContext& context);
Result<PreparedOp> prepare_tile(const PrepareContext& context);
// pad.cc
Result<PreparedOp> prepare_pad(const PrepareContext& context);
// channel_shuffle.cc (domain ai.ort_lite, from the fuse_channel_shuffle rewrite)
Result<PreparedOp> prepare_channel_shuffle(const PrepareContext& context);
// gather.cc
Result<PreparedOp> prepare_gather(const PrepareContext& context);
// shape_ops.cc: ops whose outputs follow from shapes or constant inputs.
Result<PreparedOp> prepare_shape(const PrepareContext& context);
Result<PreparedOp> prepare_size(const PrepareContext& context);
Result<PreparedOp> prepare_constant_of_shape(const PrepareContext& context);
Result<PreparedOp> prepare_range(const PrepareContext& context);

// --- Helpers (tensor_util.cc) ---

// normalize_axis() with the node named in the error and the given code (kInvalidModel for an
// attribute, kInvalidArgument for an input's value). `what` names the value: "attribute 'axis'".
Result<int64_t> resolve_axis(const OpInputs& in, int64_t axis, int64_t rank,
                             const std::string& what, StatusCode code);

// Axes from an attribute or input, made non-negative, refusing duplicates.
Result<std::vector<int64_t>> resolve_axes(const OpInputs& in, std::span<const int64_t> axes,
                                          int64_t rank, const std::string& what, StatusCode code);

// An int64 tensor of the given shape holding `values`.
Tensor int64_tensor(const Shape& shape, std::span<const int64_t> values);

// Output 0 is input 0's bytes seen with `shape` (same element count): no copy.
PreparedOp make_view_op(const TensorType& x, Shape shape, const char* implementation);

// A kernel that fills output 0 with one StridedCopy from input 0, starting `src_offset`
// elements into the input.
PreparedOp make_copy_op(const TensorType& output, std::string implementation, StridedCopy copy,
                        int64_t src_offset = 0);

// `value` converted to `dtype` as Cast converts (integers saturate; NaN gives 0), as the bytes
// of one element (the first dtype_size() bytes).
std::array<std::byte, 8> element_bytes(DType dtype, double value);

}  // namespace ort_lite::tensor_ops

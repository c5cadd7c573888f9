// Ops that give the input's buffer another shape, without copying (kernel_sets_outputs).
//
// Reshape (opset 1-22): Y = X with shape `shape`. A 0 entry copies the input dim at that index
//   (unless allowzero = 1, opset 14+, where 0 means an empty dim); at most one -1, inferred from
//   the element count. allowzero = 1 with both 0 and -1 is invalid. Opset 1-4 take `shape` as an
//   attribute (opset 1 also `consumed_inputs`, a legacy optimization hint: ignored); 5+ as an
//   input, which must be known at prepare time.
// Flatten (opset 1-22): Y (prod(d[0:axis]), prod(d[axis:])); axis in [-r, r] (negative from
//   opset 11), default 1.
// Squeeze (opset 1-22): removes the listed axes, which must be 1; without axes every 1 dim.
//   axes is an attribute before opset 13 and an optional input from 13.
// Unsqueeze (opset 1-22): inserts 1 dims at `axes`, indices into the output (rank r + |axes|),
//   in any order. axes is a required attribute before opset 13 and a required input from 13.
// Deliberate divergence: negative axes are accepted in every opset (ONNX allows them from 11).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

// The output shape of Reshape from the requested one (0 and -1 resolved).
Result<Shape> reshape_target(const OpInputs& in, const Shape& input, const Shape& requested,
                             bool allowzero) {
  auto fail = [&](const std::string& rule) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("cannot reshape {} to [{}]: {}", shape_to_string(input),
                                fmt::join(requested, ", "), rule));
  };
  Shape out;
  int64_t inferred = -1;
  bool has_zero = false;
  for (size_t i = 0; i < requested.size(); ++i) {
    const int64_t d = requested[i];
    if (d == -1) {
      if (inferred >= 0) return fail("at most one dim may be -1");
      inferred = static_cast<int64_t>(i);
      out.push_back(1);
    } else if (d == 0 && !allowzero) {
      if (i >= input.size()) {
        return fail(fmt::format("0 at index {} copies an input dim the input does not have", i));
      }
      out.push_back(input[i]);
    } else if (d < 0) {
      return fail(fmt::format("dim {} is negative", d));
    } else {
      has_zero = has_zero || d == 0;
      out.push_back(d);
    }
  }
  if (allowzero && has_zero && inferred >= 0) {
    return fail("with allowzero = 1, a shape may not hold both 0 and -1");
  }
  const int64_t total = element_count(input);
  auto known = checked_element_count(out);
  if (!known.ok()) return fail("too many elements");
  if (inferred >= 0) {
    if (*known == 0 || total % *known != 0) {
      return fail(fmt::format("the -1 dim cannot be inferred: {} elements are not a multiple of {}",
                              total, *known));
    }
    out[static_cast<size_t>(inferred)] = total / *known;
  } else if (*known != total) {
    return fail(fmt::format("{} elements cannot become {}", total, *known));
  }
  return out;
}

}  // namespace

Result<PreparedOp> prepare_reshape(const PrepareContext& context) {
  OpInputs in(context);
  const int64_t opset = context.node.opset;
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  std::vector<int64_t> requested;
  bool allowzero = false;
  if (opset < 5) {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"shape", "consumed_inputs"}));
    if (!in.attributes().has("shape")) {
      return in.attributes().error(StatusCode::kInvalidModel, "shape", "is required");
    }
    ORTL_ASSIGN_OR_RETURN(requested, in.attributes().get_ints("shape"));
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
    if (opset < 14) {
      ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
    } else {
      ORTL_RETURN_IF_ERROR(in.attributes().check_known({"allowzero"}));
    }
    ORTL_ASSIGN_OR_RETURN(int64_t a, in.attributes().get_int("allowzero", 0));
    if (a != 0 && a != 1) {
      return in.attributes().error(StatusCode::kInvalidModel, "allowzero",
                                   fmt::format("{} must be 0 or 1", a));
    }
    allowzero = a == 1;
    ORTL_ASSIGN_OR_RETURN(requested, in.constant_ints(1, "shape"));
  }
  ORTL_ASSIGN_OR_RETURN(Shape shape, reshape_target(in, x.shape, requested, allowzero));
  return make_view_op(x, std::move(shape), "reshape (no copy)");
}

Result<PreparedOp> prepare_flatten(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axis"}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  ORTL_ASSIGN_OR_RETURN(int64_t axis, in.attributes().get_int("axis", 1));
  const auto rank = static_cast<int64_t>(x.shape.size());
  // [-r, r], negative counting from r: unlike an element axis, r itself is valid.
  if (axis < -rank || axis > rank) {
    return in.attributes().error(
        StatusCode::kInvalidModel, "axis",
        fmt::format("{} is out of range for rank {} (allowed [{}, {}])", axis, rank, -rank, rank));
  }
  if (axis < 0) axis += rank;
  const auto split = x.shape.begin() + axis;
  const Shape shape = {element_count(std::span(x.shape.begin(), split)),
                       element_count(std::span(split, x.shape.end()))};
  return make_view_op(x, shape, "flatten (no copy)");
}

namespace {

// The axes of Squeeze/Unsqueeze: the attribute before opset 13, input 1 from 13. nullopt when
// absent.
Result<std::optional<std::vector<int64_t>>> read_axes(const OpInputs& in) {
  if (in.node().opset < 13) {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"axes"}));
    if (!in.attributes().has("axes")) return std::optional<std::vector<int64_t>>();
    ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> axes, in.attributes().get_ints("axes"));
    return std::optional(std::move(axes));
  }
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 2));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  if (!in.present(1)) return std::optional<std::vector<int64_t>>();
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> axes, in.constant_ints(1, "axes"));
  return std::optional(std::move(axes));
}

// Errors in axes are the model's fault for an attribute, the input's for an input.
StatusCode axes_error_code(const OpInputs& in) {
  return in.node().opset < 13 ? StatusCode::kInvalidModel : StatusCode::kInvalidArgument;
}
const char* axes_name(const OpInputs& in) {
  return in.node().opset < 13 ? "attribute 'axes'" : "input 'axes'";
}

}  // namespace

Result<PreparedOp> prepare_squeeze(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  ORTL_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> axes, read_axes(in));
  const auto rank = static_cast<int64_t>(x.shape.size());
  std::vector<bool> drop(x.shape.size(), false);
  if (!axes) {
    for (size_t i = 0; i < x.shape.size(); ++i) drop[i] = x.shape[i] == 1;
  } else {
    ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> resolved,
                          resolve_axes(in, *axes, rank, axes_name(in), axes_error_code(in)));
    for (int64_t a : resolved) {
      if (x.shape[static_cast<size_t>(a)] != 1) {
        return in.error(StatusCode::kInvalidArgument,
                        fmt::format("cannot squeeze axis {} of shape {}: its size is not 1", a,
                                    shape_to_string(x.shape)));
      }
      drop[static_cast<size_t>(a)] = true;
    }
  }
  Shape shape;
  for (size_t i = 0; i < x.shape.size(); ++i) {
    if (!drop[i]) shape.push_back(x.shape[i]);
  }
  return make_view_op(x, std::move(shape), "squeeze (no copy)");
}

Result<PreparedOp> prepare_unsqueeze(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  ORTL_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> axes, read_axes(in));
  if (!axes) {
    if (in.node().opset < 13) {
      return in.attributes().error(StatusCode::kInvalidModel, "axes", "is required");
    }
    return in.error(StatusCode::kInvalidModel, "required input 1 (axes) is missing");
  }
  const auto out_rank = static_cast<int64_t>(x.shape.size() + axes->size());
  ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> resolved,
                        resolve_axes(in, *axes, out_rank, axes_name(in), axes_error_code(in)));
  Shape shape;
  auto next = x.shape.begin();
  for (int64_t i = 0; i < out_rank; ++i) {
    const bool inserted = std::find(resolved.begin(), resolved.end(), i) != resolved.end();
    shape.push_back(inserted ? 1 : *next++);
  }
  return make_view_op(x, std::move(shape), "unsqueeze (no copy)");
}

}  // namespace ort_lite::tensor_ops

// Pad (opset 1-22): Y = X with pads[a] elements added before and pads[a + n] after each padded
//   axis a (n = number of padded axes); a negative pad removes elements instead.
//   shape(Y)[a] = shape(X)[a] + begin + end, which must be >= 0.
//   The added elements, by `mode` (default "constant"), at output position o on an axis of
//   size d, with i = o - begin outside [0, d):
//     constant: the constant value (default 0);
//     edge:     X at clamp(i, 0, d - 1);
//     reflect:  X mirrored about the first and last element, without repeating them
//               (periodic with period 2(d - 1), so pads wider than d - 1 continue the pattern
//               as numpy.pad does);
//     wrap:     X at i mod d (opset 19+).
//   edge, reflect and wrap need d > 0 on every axis that grows.
//   Opset 1: attributes `paddings`, `value` (float), `mode`. Opset 2-10: attributes `pads`,
//   `value`, `mode`. Opset 11+: inputs `pads` (int64, known at prepare time) and
//   `constant_value` (optional scalar of X's type, read at run time), attribute `mode`; opset
//   18+ adds the optional input `axes` (which axes `pads` lists, default all).
// Implementation: per axis, a table from output index to input index (-1: the constant), built
// at prepare; run walks the output rows and looks up each element.
#include <array>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

enum class PadMode { kConstant, kEdge, kReflect, kWrap };

// The input index output index `o` reads on an axis of input size `d`, or -1 for the constant.
int64_t source_index(int64_t o, int64_t begin, int64_t d, PadMode mode) {
  const int64_t i = o - begin;
  if (i >= 0 && i < d) return i;
  switch (mode) {
    case PadMode::kConstant:
      return -1;
    case PadMode::kEdge:
      return i < 0 ? 0 : d - 1;
    case PadMode::kReflect: {
      if (d == 1) return 0;
      const int64_t period = 2 * (d - 1);
      const int64_t r = ((i % period) + period) % period;
      return r < d ? r : period - r;
    }
    case PadMode::kWrap:
      return ((i % d) + d) % d;
  }
  return -1;
}

struct PadPlan {
  size_t element_size = 0;
  Shape out_shape;
  std::vector<int64_t> in_strides;
  std::vector<std::vector<int64_t>> source;  // per axis: output index -> input index or -1
  std::array<std::byte, 8> constant{};       // when no constant_value input is given

  void run(const std::byte* src, std::byte* dst, const std::byte* constant_value) const;
};

void PadPlan::run(const std::byte* src, std::byte* dst, const std::byte* value) const {
  const size_t rank = out_shape.size();
  if (element_count(out_shape) == 0) return;
  if (rank == 0) {
    std::memcpy(dst, src, element_size);
    return;
  }
  const std::vector<int64_t>& last = source.back();
  const int64_t row_length = out_shape.back();
  const int64_t last_stride = in_strides.back() * static_cast<int64_t>(element_size);
  std::vector<int64_t> index(rank - 1, 0);
  const int64_t rows = element_count(out_shape) / row_length;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t offset = 0;
    bool outside = false;
    for (size_t a = 0; a + 1 < rank; ++a) {
      const int64_t i = source[a][static_cast<size_t>(index[a])];
      outside = outside || i < 0;
      offset += i * in_strides[a];
    }
    const std::byte* src_row = src + offset * static_cast<int64_t>(element_size);
    for (int64_t o = 0; o < row_length; ++o, dst += element_size) {
      const int64_t i = outside ? -1 : last[static_cast<size_t>(o)];
      std::memcpy(dst, i < 0 ? value : src_row + i * last_stride, element_size);
    }
    for (size_t a = rank - 1; a-- > 0;) {
      if (++index[a] < out_shape[a]) break;
      index[a] = 0;
    }
  }
}

const char* mode_name(PadMode mode) {
  switch (mode) {
    case PadMode::kConstant:
      return "constant";
    case PadMode::kEdge:
      return "edge";
    case PadMode::kReflect:
      return "reflect";
    case PadMode::kWrap:
      return "wrap";
  }
  return "?";
}

Result<PadMode> read_mode(const OpInputs& in) {
  ORTL_ASSIGN_OR_RETURN(std::string mode, in.attributes().get_string("mode", "constant"));
  if (mode == "constant") return PadMode::kConstant;
  if (mode == "edge") return PadMode::kEdge;
  if (mode == "reflect") return PadMode::kReflect;
  if (mode == "wrap" && in.node().opset >= 19) return PadMode::kWrap;
  return in.attributes().error(
      StatusCode::kInvalidModel, "mode",
      fmt::format("'{}' must be constant, reflect or edge{}", mode,
                  in.node().opset >= 19 ? " or wrap" : " (wrap needs opset 19)"));
}

}  // namespace

Result<PreparedOp> prepare_pad(const PrepareContext& context) {
  OpInputs in(context);
  const int64_t opset = context.node.opset;
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "data"));
  const auto rank = static_cast<int64_t>(x.shape.size());
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;
  PadPlan plan;
  StatusCode code = StatusCode::kInvalidArgument;  // pads from inputs
  if (opset < 11) {
    const char* pads_name = opset < 2 ? "paddings" : "pads";
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({pads_name, "mode", "value"}));
    if (!in.attributes().has(pads_name)) {
      return in.attributes().error(StatusCode::kInvalidModel, pads_name, "is required");
    }
    ORTL_ASSIGN_OR_RETURN(pads, in.attributes().get_ints(pads_name));
    ORTL_ASSIGN_OR_RETURN(float value, in.attributes().get_float("value", 0.0f));
    plan.constant = element_bytes(x.dtype, value);
    code = StatusCode::kInvalidModel;
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(2, opset >= 18 ? 4 : 3));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"mode"}));
    ORTL_ASSIGN_OR_RETURN(pads, in.constant_ints(1, "pads"));
    ORTL_ASSIGN_OR_RETURN(auto value, in.optional(2, "constant_value", {x.dtype}));
    if (value && element_count(value->shape) != 1) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("constant_value must hold one value, got shape {}",
                                  shape_to_string(value->shape)));
    }
    if (in.present(3)) {
      ORTL_ASSIGN_OR_RETURN(std::vector<int64_t> given, in.constant_ints(3, "axes"));
      ORTL_ASSIGN_OR_RETURN(axes, resolve_axes(in, given, rank, "axes", code));
    }
  }
  if (axes.empty() && !in.present(3)) {
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  ORTL_ASSIGN_OR_RETURN(PadMode mode, read_mode(in));
  const size_t n = axes.size();
  if (pads.size() != 2 * n) {
    return in.error(code, fmt::format("pads [{}] must hold 2 values per padded axis ({} axes of "
                                      "input shape {})",
                                      fmt::join(pads, ", "), n, shape_to_string(x.shape)));
  }

  std::vector<int64_t> begin(x.shape.size(), 0), end(x.shape.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    begin[static_cast<size_t>(axes[i])] = pads[i];
    end[static_cast<size_t>(axes[i])] = pads[i + n];
  }
  TensorType y{x.dtype, {}};
  for (size_t a = 0; a < x.shape.size(); ++a) {
    int64_t dim = 0;
    const bool overflow = __builtin_add_overflow(x.shape[a], begin[a], &dim) ||
                          __builtin_add_overflow(dim, end[a], &dim);
    if (overflow || dim < 0) {
      return in.error(code, fmt::format("pads [{}] make axis {} of shape {} negative or too large",
                                        fmt::join(pads, ", "), a, shape_to_string(x.shape)));
    }
    if (mode != PadMode::kConstant && x.shape[a] == 0 && dim > 0) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("cannot pad axis {} of shape {} in mode {}: it is empty", a,
                                  shape_to_string(x.shape), mode_name(mode)));
    }
    y.shape.push_back(dim);
  }
  auto total = checked_element_count(y.shape);
  if (!total.ok()) return total.status().with_context(context.node.label());
  plan.element_size = dtype_size(x.dtype);
  plan.out_shape = y.shape;
  plan.in_strides = contiguous_strides(x.shape);
  // No tables for an empty output: a huge pad on one axis may hide behind a 0 on another.
  if (*total > 0) {
    for (size_t a = 0; a < x.shape.size(); ++a) {
      std::vector<int64_t>& table = plan.source.emplace_back(static_cast<size_t>(y.shape[a]));
      for (int64_t o = 0; o < y.shape[a]; ++o) {
        table[static_cast<size_t>(o)] = source_index(o, begin[a], x.shape[a], mode);
      }
    }
  }
  return make_prepared({y}, "pad", [plan = std::move(plan)](KernelArgs args) -> Status {
    const bool has_value = args.inputs.size() > 2 && !args.inputs[2].empty();
    const auto* value =
        has_value ? static_cast<const std::byte*>(args.inputs[2].raw_data()) : plan.constant.data();
    plan.run(static_cast<const std::byte*>(args.inputs[0].raw_data()),
             static_cast<std::byte*>(args.outputs[0].raw_data()), value);
    return Status::Ok();
  });
}

}  // namespace ort_lite::tensor_ops

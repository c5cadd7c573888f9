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
// Implementation: run walks the output rows; each row's source row comes from the outer axes'
// indices, and its interior is one memcpy. Source indices are computed, not tabled: a table per
// axis would cost memory in proportion to the output's dims, which a tiny hostile model can make
// huge before the output's own size is checked.
#include <algorithm>
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

// Pads in the bytes' own axis order: for a channels-last X the tables and strides below are
// those of its physical shape, since each axis is padded on its own.
struct PadPlan {
  size_t element_size = 0;
  Shape out_shape;
  Shape in_shape;
  std::vector<int64_t> in_strides;
  std::vector<int64_t> begin;  // per axis: the pad before (negative: elements removed)
  PadMode mode = PadMode::kConstant;
  // On the last axis, output [interior_begin, interior_end) reads input from interior_begin -
  // last_pad_begin on, contiguously: one memcpy per row.
  int64_t interior_begin = 0;
  int64_t interior_end = 0;
  int64_t last_pad_begin = 0;
  std::array<std::byte, 8> constant{};  // when no constant_value input is given

  void run(const std::byte* src, std::byte* dst, const std::byte* constant_value) const;
};

void PadPlan::run(const std::byte* src, std::byte* dst, const std::byte* value) const {
  const size_t rank = out_shape.size();
  const int64_t total = element_count(out_shape);
  if (total == 0) return;
  if (rank == 0) {
    std::memcpy(dst, src, element_size);
    return;
  }
  const int64_t row_length = out_shape.back();
  const auto es = static_cast<int64_t>(element_size);
  const int64_t rows = total / row_length;
  // Rows in parallel (on the session's threads) when there is enough to copy.
#pragma omp parallel for schedule(static) if (total >= 65536)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t offset = 0;
    bool outside = false;
    int64_t rest = row;
    for (size_t a = rank - 1; a-- > 0;) {
      const int64_t i = source_index(rest % out_shape[a], begin[a], in_shape[a], mode);
      rest /= out_shape[a];
      outside = outside || i < 0;
      offset += i * in_strides[a];
    }
    std::byte* out = dst + row * row_length * es;
    const std::byte* src_row = src + offset * es;
    const int64_t copy_begin = outside ? row_length : interior_begin;
    const int64_t copy_end = outside ? row_length : interior_end;
    for (int64_t o = 0; o < row_length; ++o) {
      if (o == copy_begin && copy_end > copy_begin) {
        std::memcpy(out + o * es, src_row + (o - last_pad_begin) * es,
                    static_cast<size_t>((copy_end - copy_begin) * es));
        o = copy_end - 1;
        continue;
      }
      const int64_t i = outside ? -1 : source_index(o, begin[rank - 1], in_shape[rank - 1], mode);
      std::memcpy(out + o * es, i < 0 ? value : src_row + i * es, element_size);
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
  if (Status fits = check_output_fits(y, context.options); !fits.ok()) {
    return fits.with_context(context.node.label());
  }

  // X's bytes as they arrive (LayoutClass::kNative): Y keeps X's layout.
  const Layout layout = context.inputs[0].layout;
  if (std::all_of(begin.begin(), begin.end(), [](int64_t p) { return p == 0; }) &&
      std::all_of(end.begin(), end.end(), [](int64_t p) { return p == 0; })) {
    PreparedOp op = make_view_op(x, physical_shape(x.shape, layout), "pad (all pads 0: no copy)");
    op.outputs = {y};
    op.output_layouts = {layout};
    return op;
  }
  const Shape x_bytes = physical_shape(x.shape, layout);
  const Shape y_bytes = physical_shape(y.shape, layout);
  std::vector<int64_t> begin_bytes(begin.size()), end_bytes(end.size());
  for (size_t a = 0; a < begin.size(); ++a) {
    begin_bytes[physical_axis(a, begin.size(), layout)] = begin[a];
    end_bytes[physical_axis(a, end.size(), layout)] = end[a];
  }
  plan.element_size = dtype_size(x.dtype);
  plan.out_shape = y_bytes;
  plan.in_shape = x_bytes;
  plan.in_strides = contiguous_strides(x_bytes);
  plan.begin = begin_bytes;
  plan.mode = mode;
  if (!x_bytes.empty()) {
    const int64_t pad = begin_bytes.back();
    plan.last_pad_begin = pad;
    plan.interior_begin = std::clamp<int64_t>(pad, 0, y_bytes.back());
    plan.interior_end = std::clamp<int64_t>(pad + x_bytes.back(), 0, y_bytes.back());
  }
  const char* name = layout == Layout::kChannelsLast ? "pad (channels-last)" : "pad";
  PreparedOp op = make_prepared({y}, name, [plan = std::move(plan)](KernelArgs args) -> Status {
    const bool has_value = args.inputs.size() > 2 && !args.inputs[2].empty();
    const auto* value =
        has_value ? static_cast<const std::byte*>(args.inputs[2].raw_data()) : plan.constant.data();
    plan.run(static_cast<const std::byte*>(args.inputs[0].raw_data()),
             static_cast<std::byte*>(args.outputs[0].raw_data()), value);
    return Status::Ok();
  });
  op.output_layouts = {layout};
  return op;
}

}  // namespace ort_lite::tensor_ops

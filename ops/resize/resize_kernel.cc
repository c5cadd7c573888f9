#include "resize/resize_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <type_traits>

#include <fmt/format.h>

#include "ort_lite/ops/op_support.h"

namespace ort_lite::resize {

namespace {

// The extrapolation value in the element type (float16 as its bits, out-of-range integers
// saturated rather than undefined).
template <typename T>
T from_float(float v) {
  if constexpr (std::is_same_v<T, uint16_t>) {
    return float_to_half(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if (std::isnan(v)) return T{0};
    const double lo = static_cast<double>(std::numeric_limits<T>::lowest());
    const double hi = static_cast<double>(std::numeric_limits<T>::max());
    const double clamped = std::clamp(static_cast<double>(v), lo, hi);
    // int64's max is not a double: keep the conversion in range.
    if (clamped >= hi) return std::numeric_limits<T>::max();
    return static_cast<T>(clamped);
  } else {
    return static_cast<T>(v);
  }
}

// Calls row(row_index, input_offset, outside) for every row of the output (all axes but the
// last), with the input offset the leading axes' taps select (nearest: one tap per axis).
template <typename RowFn>
void for_each_row(const ResizePlan& plan, RowFn&& row) {
  const size_t rank = plan.out_shape.size();
  const std::vector<int64_t> in_strides = contiguous_strides(plan.in_shape);
  int64_t rows = 1;
  for (size_t a = 0; a + 1 < rank; ++a) rows *= plan.out_shape[a];
  std::vector<int64_t> position(rank - 1, 0);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t offset = 0;
    bool outside = false;
    for (size_t a = 0; a + 1 < rank; ++a) {
      const AxisTaps& taps = plan.axes[a];
      const auto p = static_cast<size_t>(position[a]);
      outside = outside || taps.outside[p] != 0;
      offset += taps.index[p * static_cast<size_t>(taps.taps)] * in_strides[a];
    }
    row(r, offset, outside);
    for (size_t a = rank - 1; a-- > 0;) {
      if (++position[a] < plan.out_shape[a]) break;
      position[a] = 0;
    }
  }
}

template <typename T>
void gather_nearest(const ResizePlan& plan, const T* src, T* dst) {
  const T extrapolation = from_float<T>(plan.extrapolation_value);
  const AxisTaps& last = plan.axes.back();
  const int64_t width = plan.out_shape.back();
  // Upsampling repeats input rows: a row reading the same input row as the one before is a
  // copy of it.
  int64_t previous_offset = -1;
  for_each_row(plan, [&](int64_t r, int64_t offset, bool outside) {
    T* out = dst + r * width;
    if (outside) {
      std::fill(out, out + width, extrapolation);
      previous_offset = -1;
    } else if (offset == previous_offset) {
      std::copy(out - width, out, out);
    } else {
      const T* in = src + offset;
      for (int64_t o = 0; o < width; ++o) {
        out[o] = last.outside[static_cast<size_t>(o)] ? extrapolation : in[last.index[o]];
      }
      previous_offset = offset;
    }
  });
}

void fill_outside(const ResizePlan& plan, float* dst) {
  const AxisTaps& last = plan.axes.back();
  const int64_t width = plan.out_shape.back();
  const float value = plan.extrapolation_value;
  for_each_row(plan, [&](int64_t r, int64_t, bool outside) {
    float* out = dst + r * width;
    if (outside) {
      std::fill(out, out + width, value);
      return;
    }
    if (!last.any_outside) return;
    for (int64_t o = 0; o < width; ++o) {
      if (last.outside[static_cast<size_t>(o)]) out[o] = value;
    }
  });
}

class NearestKernel final : public Kernel {
 public:
  explicit NearestKernel(ResizePlan plan) : plan_(std::move(plan)) {}

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    if (outputs[0].element_count() == 0) return Status::Ok();
    visit_dtype(plan_.dtype, [&](auto zero) {
      using T = decltype(zero);
      gather_nearest<T>(plan_, static_cast<const T*>(inputs[0].raw_data()),
                        static_cast<T*>(outputs[0].raw_data()));
    });
    return Status::Ok();
  }
  std::string implementation() const override { return "resize nearest (gather)"; }

 private:
  ResizePlan plan_;
};

// One weighted pass over one axis: [outer, in, inner] -> [outer, out, inner].
struct Pass {
  size_t axis = 0;
  int64_t outer = 1, in = 1, out = 1, inner = 1;
};

// out[o] = sum_k weight[o][k] * in[index[o][k]]: the pass over the last axis. kTaps > 0 fixes
// the tap count at compile time (2 for linear, 4 for cubic), which lets the loop unroll.
template <int64_t kTaps>
void weighted_gather(const float* in, const AxisTaps& taps, float* out, int64_t count) {
  const int64_t n = kTaps > 0 ? kTaps : taps.taps;
  const int64_t* index = taps.index.data();
  const float* weight = taps.weight.data();
  for (int64_t o = 0; o < count; ++o, index += n, weight += n) {
    float sum = 0;
    for (int64_t k = 0; k < n; ++k) sum += weight[k] * in[index[k]];
    out[o] = sum;
  }
}

void run_pass(const Pass& pass, const AxisTaps& taps, const float* src, float* dst) {
  const int64_t n = taps.taps;
  for (int64_t b = 0; b < pass.outer; ++b) {
    const float* in = src + b * pass.in * pass.inner;
    float* out = dst + b * pass.out * pass.inner;
    if (pass.inner == 1) {
      if (n == 2) {
        weighted_gather<2>(in, taps, out, pass.out);
      } else if (n == 4) {
        weighted_gather<4>(in, taps, out, pass.out);
      } else {
        weighted_gather<0>(in, taps, out, pass.out);
      }
      continue;
    }
    // Whole rows of the inner dims at once: contiguous, vectorizable.
    for (int64_t o = 0; o < pass.out; ++o) {
      const int64_t* index = &taps.index[static_cast<size_t>(o * n)];
      const float* weight = &taps.weight[static_cast<size_t>(o * n)];
      float* row = out + o * pass.inner;
      const float* first = in + index[0] * pass.inner;
      for (int64_t i = 0; i < pass.inner; ++i) row[i] = weight[0] * first[i];
      for (int64_t k = 1; k < n; ++k) {
        const float* source = in + index[k] * pass.inner;
        const float w = weight[k];
        for (int64_t i = 0; i < pass.inner; ++i) row[i] += w * source[i];
      }
    }
  }
}

size_t aligned(size_t bytes) { return (bytes + 63) / 64 * 64; }

class SeparableKernel final : public Kernel {
 public:
  explicit SeparableKernel(ResizePlan plan) : plan_(std::move(plan)) {
    // Shrinking axes first keeps the intermediate tensors small; among equal ratios the last
    // axis goes first, so its strided gather (inner == 1) runs on the smaller tensor.
    std::vector<size_t> order;
    for (size_t a = plan_.axes.size(); a-- > 0;) {
      if (!plan_.axes[a].identity) order.push_back(a);
    }
    const auto ratio = [&](size_t a) {
      return static_cast<double>(plan_.out_shape[a]) / static_cast<double>(plan_.in_shape[a]);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return ratio(a) < ratio(b); });
    Shape shape = plan_.in_shape;
    for (size_t i = 0; i < order.size(); ++i) {
      Pass pass;
      pass.axis = order[i];
      pass.outer = element_count(std::span(shape).first(pass.axis));
      pass.inner = element_count(std::span(shape).subspan(pass.axis + 1));
      pass.in = shape[pass.axis];
      pass.out = plan_.out_shape[pass.axis];
      shape[pass.axis] = pass.out;
      passes_.push_back(pass);
      // Every pass but the last writes an intermediate, alternating between two buffers.
      if (i + 1 < order.size()) {
        size_t& bytes = buffer_bytes_[i % 2];
        bytes = std::max(bytes, static_cast<size_t>(element_count(shape)) * sizeof(float));
      }
    }
  }

  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    if (outputs[0].element_count() == 0) return Status::Ok();
    float* buffers[2] = {reinterpret_cast<float*>(scratch.data()),
                         reinterpret_cast<float*>(scratch.data() + aligned(buffer_bytes_[0]))};
    float* result = outputs[0].data<float>();
    const float* src = inputs[0].data<float>();
    for (size_t i = 0; i < passes_.size(); ++i) {
      float* dst = i + 1 == passes_.size() ? result : buffers[i % 2];
      run_pass(passes_[i], plan_.axes[passes_[i].axis], src, dst);
      src = dst;
    }
    if (any_outside()) fill_outside(plan_, result);
    return Status::Ok();
  }
  size_t scratch_bytes() const override {
    return aligned(buffer_bytes_[0]) + aligned(buffer_bytes_[1]);
  }
  std::string implementation() const override {
    return fmt::format("resize {} (separable, {} pass{})",
                       plan_.mode == InterpolationMode::kCubic ? "cubic" : "linear", passes_.size(),
                       passes_.size() == 1 ? "" : "es");
  }

 private:
  bool any_outside() const {
    return std::any_of(plan_.axes.begin(), plan_.axes.end(),
                       [](const AxisTaps& t) { return t.any_outside; });
  }

  ResizePlan plan_;
  std::vector<Pass> passes_;
  size_t buffer_bytes_[2] = {0, 0};
};

}  // namespace

AxisTaps identity_taps(int64_t size) {
  AxisTaps t;
  t.taps = 1;
  t.index.resize(static_cast<size_t>(size));
  std::iota(t.index.begin(), t.index.end(), int64_t{0});
  t.weight.assign(static_cast<size_t>(size), 1.0f);
  t.outside.assign(static_cast<size_t>(size), 0);
  t.identity = true;
  return t;
}

PreparedOp make_resize_op(ResizePlan plan) {
  const TensorType output{plan.dtype, plan.out_shape};
  const bool identity =
      std::all_of(plan.axes.begin(), plan.axes.end(), [](const AxisTaps& t) { return t.identity; });
  if (identity) {
    // Tensors are immutable once produced, so Y can share X's buffer.
    PreparedOp op =
        make_prepared({output}, "resize (identity, no copy)", [](KernelArgs args) -> Status {
          args.outputs[0] = args.inputs[0];
          return Status::Ok();
        });
    op.kernel_sets_outputs = true;
    return op;
  }
  if (element_count(plan.out_shape) == 0) {
    return make_prepared({output}, "resize (empty output)",
                         [](KernelArgs) -> Status { return Status::Ok(); });
  }
  PreparedOp op;
  op.outputs = {output};
  if (plan.mode == InterpolationMode::kNearest) {
    op.kernel = std::make_unique<NearestKernel>(std::move(plan));
  } else {
    op.kernel = std::make_unique<SeparableKernel>(std::move(plan));
  }
  return op;
}

}  // namespace ort_lite::resize

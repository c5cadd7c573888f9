#include "onednn/layout_reorder.h"

#include <cstring>

#include <fmt/format.h>

#include "onednn/onednn_common.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

namespace {

using dnnl::memory;

memory::desc desc_of(const Shape& logical, Layout layout) {
  return layout == Layout::kChannelsLast ? channels_last_desc(logical) : plain_desc(logical);
}

class FloatReorder final : public Kernel {
 public:
  FloatReorder(const Shape& logical, Layout from, Layout to)
      : from_(desc_of(logical, from)),
        to_(desc_of(logical, to)),
        reorder_(memory(from_, cpu_engine(), nullptr), memory(to_, cpu_engine(), nullptr)),
        name_(fmt::format("onednn reorder {} -> {}", format_name(from_), format_name(to_))) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    try {
      dnnl::stream stream(cpu_engine());
      memory src(from_, cpu_engine(), const_cast<void*>(inputs[0].raw_data()));
      memory dst(to_, cpu_engine(), outputs[0].raw_data());
      reorder_.execute(stream, src, dst);
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN reorder failed: {}", e.what()));
    }
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  memory::desc from_, to_;
  dnnl::reorder reorder_;
  std::string name_;
};

// Any element type: (N, C, S) <-> (N, S, C) with S the spatial cells, element by element.
class BytesReorder final : public Kernel {
 public:
  BytesReorder(const TensorType& logical, Layout to)
      : element_(dtype_size(logical.dtype)),
        batch_(logical.shape[0]),
        channels_(logical.shape[1]),
        spatial_(element_count(logical.shape) / std::max<int64_t>(1, batch_ * channels_)),
        to_channels_last_(to == Layout::kChannelsLast) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    const auto* src = static_cast<const std::byte*>(inputs[0].raw_data());
    auto* dst = static_cast<std::byte*>(outputs[0].raw_data());
    const int64_t c = channels_, s = spatial_;
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t n = 0; n < batch_; ++n) {
      for (int64_t ci = 0; ci < c; ++ci) {
        for (int64_t si = 0; si < s; ++si) {
          const int64_t plain = (n * c + ci) * s + si, last = (n * s + si) * c + ci;
          const int64_t from = to_channels_last_ ? plain : last;
          const int64_t to = to_channels_last_ ? last : plain;
          std::memcpy(dst + to * static_cast<int64_t>(element_),
                      src + from * static_cast<int64_t>(element_), element_);
        }
      }
    }
    return Status::Ok();
  }
  std::string implementation() const override { return "transpose loop"; }

 private:
  size_t element_;
  int64_t batch_, channels_, spatial_;
  bool to_channels_last_;
};

}  // namespace

std::unique_ptr<Kernel> make_layout_reorder(const TensorType& logical, Layout from, Layout to) {
  if (logical.dtype == DType::kFloat32) {
    try {
      return std::make_unique<FloatReorder>(logical.shape, from, to);
    } catch (const dnnl::error&) {
      // fall through to the loop
    }
  }
  return std::make_unique<BytesReorder>(logical, to);
}

}  // namespace ort_lite::onednn

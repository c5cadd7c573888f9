#include "onednn/binary_kernel.h"

#include <fmt/format.h>

#include "onednn/onednn_common.h"
#include "ort_lite/layout.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::onednn {

namespace {

class BinaryKernel final : public Kernel {
 public:
  BinaryKernel(dnnl::binary primitive, dnnl::memory::desc full, dnnl::memory::desc broadcast,
               bool swapped, std::string name)
      : primitive_(std::move(primitive)),
        full_(std::move(full)),
        broadcast_(std::move(broadcast)),
        swapped_(swapped),
        name_(std::move(name)) {}
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte>) const override {
    try {
      auto& engine = cpu_engine();
      dnnl::stream stream(engine);
      const Tensor& full = inputs[swapped_ ? 1 : 0];
      const Tensor& broadcast = inputs[swapped_ ? 0 : 1];
      dnnl::memory src0(full_, engine, const_cast<void*>(full.raw_data()));
      dnnl::memory src1(broadcast_, engine, const_cast<void*>(broadcast.raw_data()));
      dnnl::memory dst(full_, engine, outputs[0].raw_data());
      primitive_.execute(stream,
                         {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}});
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN binary failed: {}", e.what()));
    }
    return Status::Ok();
  }
  std::string implementation() const override { return name_; }

 private:
  dnnl::binary primitive_;
  dnnl::memory::desc full_, broadcast_;
  bool swapped_;
  std::string name_;
};

// The logical dims of an operand of the op's rank, and its descriptor in `layout`.
dnnl::memory::desc operand_desc(const Shape& physical, size_t rank, Layout layout) {
  if (element_count(physical) == 1) return plain_desc(Shape(rank, 1));  // a scalar: any layout
  Shape dims(rank - physical.size(), 1);
  dims.insert(dims.end(), physical.begin(), physical.end());
  if (layout == Layout::kChannelsLast) return channels_last_desc(logical_shape(dims, layout));
  return plain_desc(dims);
}

bool broadcasts_to(const Shape& b, const Shape& out) {
  if (b.size() > out.size()) return false;
  const size_t offset = out.size() - b.size();
  for (size_t d = 0; d < b.size(); ++d) {
    if (b[d] != 1 && b[d] != out[offset + d]) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Kernel> make_binary_kernel(BinaryOp op, const Shape& a, const Shape& b,
                                           const Shape& out, Layout layout) {
  const size_t rank = out.size();
  if (rank == 0 || element_count(out) == 0) return nullptr;
  if (layout == Layout::kChannelsLast && rank < 3) return nullptr;
  // oneDNN broadcasts its second source only: the full-shape operand goes first.
  bool swapped = false;
  if (a != out) {
    const bool commutes = op == BinaryOp::kAdd || op == BinaryOp::kMul;
    if (!commutes || b != out) return nullptr;
    swapped = true;
  }
  const Shape& broadcast = swapped ? a : b;
  if (!broadcasts_to(broadcast, out)) return nullptr;
  const bool scalar = element_count(broadcast) == 1;
  if (layout == Layout::kChannelsLast && !scalar && broadcast.size() != rank) return nullptr;
  dnnl::algorithm algorithm = dnnl::algorithm::binary_add;
  const char* name = "add";
  switch (op) {
    case BinaryOp::kAdd:
      break;
    case BinaryOp::kSub:
      algorithm = dnnl::algorithm::binary_sub;
      name = "sub";
      break;
    case BinaryOp::kMul:
      algorithm = dnnl::algorithm::binary_mul;
      name = "mul";
      break;
    case BinaryOp::kDiv:
      algorithm = dnnl::algorithm::binary_div;
      name = "div";
      break;
  }
  try {
    const dnnl::memory::desc full = operand_desc(out, rank, layout);
    const dnnl::memory::desc other = operand_desc(broadcast, rank, layout);
    dnnl::binary::primitive_desc pd({algorithm, full, other, full}, cpu_engine());
    const std::string impl = pd.impl_info_str();
    // The reference implementation walks element by element: slower than our loop.
    if (impl.find("ref") != std::string::npos) return nullptr;
    return std::make_unique<BinaryKernel>(dnnl::binary(pd), full, other, swapped,
                                          fmt::format("onednn binary {} ({})", name, impl));
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

}  // namespace ort_lite::onednn

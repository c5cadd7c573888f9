#include "onednn/matmul_kernel.h"

#include <unordered_map>

#include <fmt/format.h>

#include "onednn/onednn_common.h"
#include "onednn/post_ops.h"

namespace ort_lite::onednn {

namespace {

using dnnl::memory;

// A row-major matrix stack, optionally read with its last two dims swapped.
memory::desc matrix_desc(const Shape& shape, bool transposed) {
  memory::dims dims(shape.begin(), shape.end()), strides(shape.size());
  const size_t r = shape.size();
  if (!transposed) {
    memory::dim stride = 1;
    for (size_t i = r; i-- > 0;) {
      strides[i] = stride;
      stride *= shape[i];
    }
  } else {
    // The stored tensor is (..., cols, rows): dims (..., rows, cols) read across.
    const memory::dim rows = shape[r - 2], cols = shape[r - 1];
    strides[r - 1] = rows;
    strides[r - 2] = 1;
    memory::dim stride = rows * cols;
    for (size_t i = r - 2; i-- > 0;) {
      strides[i] = stride;
      stride *= shape[i];
    }
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

class MatMulKernel final : public Kernel {
 public:
  Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
             std::span<std::byte> scratch) const override {
    try {
      auto& engine = cpu_engine();
      dnnl::stream stream(engine);
      auto ptr = [](const Tensor& t) { return const_cast<void*>(t.raw_data()); };
      std::unordered_map<int, memory> args{
          {DNNL_ARG_SRC, memory(a_md_, engine, ptr(inputs[0]))},
          {DNNL_ARG_WEIGHTS,
           memory(b_md_, engine, packed_b_.empty() ? ptr(inputs[1]) : ptr(packed_b_))},
          {DNNL_ARG_DST, memory(out_md_, engine, outputs[0].raw_data())},
          {DNNL_ARG_SCRATCHPAD, memory(scratchpad_md_, engine, scratch.data())}};
      if (has_bias_) args.emplace(DNNL_ARG_BIAS, memory(bias_md_, engine, ptr(inputs[2])));
      primitive_.execute(stream, args);
      stream.wait();
    } catch (const dnnl::error& e) {
      return internal_error(fmt::format("oneDNN matmul failed: {}", e.what()));
    }
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return scratchpad_md_.get_size(); }
  std::string implementation() const override { return name_; }

  memory::desc a_md_, b_md_, out_md_, bias_md_, scratchpad_md_;
  bool has_bias_ = false;
  Tensor packed_b_;
  dnnl::primitive primitive_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Kernel> make_matmul_kernel(const MatMulSpec& spec) {
  // oneDNN 2.6 divides by an empty dim while choosing a matmul implementation (SIGFPE; fuzz
  // finding: Gemm of a [0, 10] A): empty problems stay with our loop.
  for (const Shape* shape : {&spec.a, &spec.b, &spec.out}) {
    for (int64_t d : *shape) {
      if (d == 0) return nullptr;
    }
  }
  try {
    auto kernel = std::make_unique<MatMulKernel>();
    auto& engine = cpu_engine();
    kernel->a_md_ = matrix_desc(spec.a, spec.transpose_a);
    const memory::desc b_user = matrix_desc(spec.b, spec.transpose_b);
    // A constant B (a layer's weights): let the primitive pick its layout, reorder once.
    const memory::desc b_any(memory::dims(spec.b.begin(), spec.b.end()), memory::data_type::f32,
                             memory::format_tag::any);
    kernel->out_md_ = matrix_desc(spec.out, false);
    if (spec.bias) {
      kernel->bias_md_ = matrix_desc(*spec.bias, false);
      kernel->has_bias_ = true;
    }
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (spec.activation) attr.set_post_ops(make_post_ops({false, spec.activation}));
    dnnl::matmul::primitive_desc pd(
        {kernel->a_md_, spec.constant_b ? b_any : b_user,
         spec.bias ? kernel->bias_md_ : memory::desc(), kernel->out_md_},
        attr, engine);
    kernel->b_md_ = pd.weights_desc();
    kernel->scratchpad_md_ = pd.scratchpad_desc();
    kernel->primitive_ = dnnl::matmul(pd);
    if (spec.constant_b) {
      kernel->packed_b_ = Tensor(DType::kUInt8, {static_cast<int64_t>(kernel->b_md_.get_size())});
      reorder_now(b_user, spec.constant_b->raw_data(), kernel->b_md_, kernel->packed_b_.raw_data());
    }
    kernel->name_ = fmt::format(
        "onednn matmul {}{}{}{}", pd.impl_info_str(),
        spec.constant_b ? fmt::format(" (weights {})", format_name(kernel->b_md_)) : "",
        spec.bias ? " + bias" : "", spec.activation ? " + " + spec.activation->op_type : "");
    return kernel;
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

}  // namespace ort_lite::onednn

// MatMul and Gemm.
//
// MatMul (opset 1-22): numpy.matmul. A (..., M, K) times B (..., K, N) -> (..., M, N); the
//   batch dims broadcast (numpy rules). A 1-D A is (1, K) and a 1-D B is (K, 1), and that dim
//   is dropped from the output. No attributes.
// Gemm: Y = alpha * A' B' + beta * C, with A' = transA ? A^T : A (M, K) and
//   B' = transB ? B^T : B (K, N); A and B are 2-D.
//   alpha (float, 1.0), beta (float, 1.0), transA (int, 0), transB (int, 0).
//   C: broadcast to (M, N) one way (each dim 1 or equal, rank <= 2); required up to opset 10,
//     optional from 11. Opset 1-6 also have `broadcast` (int, 0): with 0, C must be (M, N).
//   When C is given, beta * C is always added (also with beta = 0, as ONNX's reference: an
//   infinite C gives NaN).
// Types: float32. Sums are carried in float32, in k order.
//
// Domain ai.ort_lite, op MatMul (from the fuse_matmul_bias rewrite): MatMul(A, B) + bias, then
//   the fused activation if any (activation attributes as ort_lite/ops/conv_fusion.h). Inputs
//   A (..., K), B a constant (K, N), bias a constant (N).
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "elementwise/fused_activation.h"
#include "nn/nn_ops.h"
#include "onednn/matmul_kernel.h"
#include "ort_lite/ops/attributes.h"
#include "ort_lite/ops/conv_fusion.h"
#include "ort_lite/ops/op_support.h"

namespace ort_lite::nn_ops {

namespace {

// A row-major operand seen through strides: element (r, c) is at r * row + c * col.
struct Operand {
  const float* data;
  int64_t row;
  int64_t col;
};

// c (M x N, row-major, dense) = a (M x K) * b (K x N).
void matmul_block(int64_t m_size, int64_t n_size, int64_t k_size, Operand a, Operand b, float* c) {
  std::memset(c, 0, static_cast<size_t>(m_size * n_size) * sizeof(float));
  if (b.col == 1) {
    // i-k-j: the inner loop runs along rows of b and c.
    for (int64_t m = 0; m < m_size; ++m) {
      float* c_row = c + m * n_size;
      for (int64_t k = 0; k < k_size; ++k) {
        const float a_mk = a.data[m * a.row + k * a.col];
        const float* b_row = b.data + k * b.row;
        for (int64_t n = 0; n < n_size; ++n) c_row[n] += a_mk * b_row[n];
      }
    }
    return;
  }
  // b transposed: each output is a dot product along k.
  for (int64_t m = 0; m < m_size; ++m) {
    for (int64_t n = 0; n < n_size; ++n) {
      float sum = 0;
      for (int64_t k = 0; k < k_size; ++k) {
        sum += a.data[m * a.row + k * a.col] * b.data[k * b.row + n * b.col];
      }
      c[m * n_size + n] = sum;
    }
  }
}

Status check_rank2(const OpInputs& in, const TensorType& t, const char* name) {
  if (t.shape.size() == 2) return Status::Ok();
  return in.error(
      StatusCode::kInvalidArgument,
      fmt::format("input {} has shape {}; expected a 2-D matrix", name, shape_to_string(t.shape)));
}

}  // namespace

Result<PreparedOp> prepare_matmul(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_RETURN_IF_ERROR(in.expect_count(2, 2));
  ORTL_ASSIGN_OR_RETURN(TensorType a, in.required(0, "A", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType b, in.required(1, "B", kFloatTypes));
  if (a.shape.empty() || b.shape.empty()) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("inputs A {} and B {} must have rank >= 1",
                                shape_to_string(a.shape), shape_to_string(b.shape)));
  }
  // A 1-D A is a (1, K) matrix and a 1-D B a (K, 1) one; those dims are not in the output.
  const size_t a_rank = a.shape.size(), b_rank = b.shape.size();
  const int64_t m_size = a_rank > 1 ? a.shape[a_rank - 2] : 1;
  const int64_t k_size = a.shape.back();
  const int64_t b_rows = b_rank > 1 ? b.shape[b_rank - 2] : b.shape[0];
  const int64_t n_size = b_rank > 1 ? b.shape.back() : 1;
  if (b_rows != k_size) {
    return in.error(
        StatusCode::kInvalidArgument,
        fmt::format("A {} and B {} do not match: A has {} columns, B has {} rows",
                    shape_to_string(a.shape), shape_to_string(b.shape), k_size, b_rows));
  }
  const Shape a_batch(a.shape.begin(), a.shape.end() - std::min<size_t>(a_rank, 2));
  const Shape b_batch(b.shape.begin(), b.shape.end() - std::min<size_t>(b_rank, 2));
  auto batch = broadcast_shapes(std::vector<Shape>{a_batch, b_batch});
  if (!batch.ok()) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("batch dims of A {} and B {}: {}", shape_to_string(a.shape),
                                shape_to_string(b.shape), batch.status().message()));
  }
  Shape out = *batch;
  if (a_rank > 1) out.push_back(m_size);
  if (b_rank > 1) out.push_back(n_size);

  // oneDNN's matmul: every operand as a stack of matrices of one rank (leading 1s added).
  {
    onednn::MatMulSpec spec;
    if (element_count(b_batch) == 1) {
      // One B for every batch (a Linear layer's weights over [N, H, W, C] activations): A's
      // batch dims are rows of one (batch * M, K) matrix, as A and the output are dense
      // row-major. One large GEMM instead of many small ones, and a constant B packed once.
      const int64_t rows = element_count(a_batch) * m_size;
      spec.a = {rows, k_size};
      spec.b = {k_size, n_size};
      spec.out = {rows, n_size};
      spec.constant_b = context.inputs[1].constant;
    } else {
      const size_t rank = batch->size() + 2;
      auto stacked = [&](const Shape& batch_dims, int64_t rows, int64_t cols) {
        Shape s(rank - 2 - batch_dims.size(), 1);
        s.insert(s.end(), batch_dims.begin(), batch_dims.end());
        s.push_back(rows);
        s.push_back(cols);
        return s;
      };
      spec.a = stacked(a_batch, m_size, k_size);
      spec.b = stacked(b_batch, k_size, n_size);
      spec.out = stacked(*batch, m_size, n_size);
    }
    if (auto kernel = onednn::make_matmul_kernel(spec)) {
      PreparedOp op;
      op.outputs = {TensorType{DType::kFloat32, out}};
      op.kernel = std::move(kernel);
      if (spec.constant_b) op.inputs_taken_at_prepare = {1};  // packed into the primitive's layout
      return op;
    }
  }

  // The offsets of each batch's A and B matrices, walked once here.
  const int64_t batches = element_count(*batch);
  const std::vector<int64_t> a_strides = broadcast_strides(a_batch, *batch);
  const std::vector<int64_t> b_strides = broadcast_strides(b_batch, *batch);
  std::vector<int64_t> a_offsets, b_offsets;
  a_offsets.reserve(static_cast<size_t>(batches));
  b_offsets.reserve(static_cast<size_t>(batches));
  std::vector<int64_t> index(batch->size(), 0);
  for (int64_t i = 0; i < batches; ++i) {
    int64_t a_off = 0, b_off = 0;
    for (size_t d = 0; d < index.size(); ++d) {
      a_off += index[d] * a_strides[d];
      b_off += index[d] * b_strides[d];
    }
    a_offsets.push_back(a_off * m_size * k_size);
    b_offsets.push_back(b_off * k_size * n_size);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < (*batch)[d]) break;
      index[d] = 0;
    }
  }
  return make_prepared(
      {TensorType{DType::kFloat32, out}}, "matmul (i-k-j loops)", [=](KernelArgs args) {
        const float* a_data = args.inputs[0].data<float>();
        const float* b_data = args.inputs[1].data<float>();
        float* y = args.outputs[0].data<float>();
        for (int64_t i = 0; i < batches; ++i) {
          matmul_block(m_size, n_size, k_size, {a_data + a_offsets[i], k_size, 1},
                       {b_data + b_offsets[i], n_size, 1}, y + i * m_size * n_size);
        }
        return Status::Ok();
      });
}

Result<PreparedOp> prepare_gemm(const PrepareContext& context) {
  OpInputs in(context);
  AttributeReader attrs = in.attributes();
  const int64_t opset = context.node.opset;
  if (opset <= 6) {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"alpha", "beta", "broadcast", "transA", "transB"}));
  } else {
    ORTL_RETURN_IF_ERROR(attrs.check_known({"alpha", "beta", "transA", "transB"}));
  }
  ORTL_RETURN_IF_ERROR(in.expect_count(opset >= 11 ? 2 : 3, 3));
  ORTL_ASSIGN_OR_RETURN(TensorType a, in.required(0, "A", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType b, in.required(1, "B", kFloatTypes));
  std::optional<TensorType> c;
  if (opset >= 11) {
    ORTL_ASSIGN_OR_RETURN(c, in.optional(2, "C", kFloatTypes));
  } else {
    ORTL_ASSIGN_OR_RETURN(c, in.required(2, "C", kFloatTypes));
  }
  ORTL_ASSIGN_OR_RETURN(float alpha, attrs.get_float("alpha", 1.0f));
  ORTL_ASSIGN_OR_RETURN(float beta, attrs.get_float("beta", 1.0f));
  ORTL_ASSIGN_OR_RETURN(int64_t trans_a, attrs.get_int("transA", 0));
  ORTL_ASSIGN_OR_RETURN(int64_t trans_b, attrs.get_int("transB", 0));
  ORTL_ASSIGN_OR_RETURN(int64_t broadcast, attrs.get_int("broadcast", opset <= 6 ? 0 : 1));
  for (auto [name, value] : {std::pair{"transA", trans_a}, std::pair{"transB", trans_b},
                             std::pair{"broadcast", broadcast}}) {
    if (value != 0 && value != 1) {
      return attrs.error(StatusCode::kInvalidModel, name, fmt::format("{} must be 0 or 1", value));
    }
  }
  ORTL_RETURN_IF_ERROR(check_rank2(in, a, "A"));
  ORTL_RETURN_IF_ERROR(check_rank2(in, b, "B"));
  const int64_t m_size = trans_a ? a.shape[1] : a.shape[0];
  const int64_t k_size = trans_a ? a.shape[0] : a.shape[1];
  const int64_t n_size = trans_b ? b.shape[0] : b.shape[1];
  const int64_t b_k = trans_b ? b.shape[1] : b.shape[0];
  if (b_k != k_size) {
    return in.error(StatusCode::kInvalidArgument,
                    fmt::format("A {} (transA {}) and B {} (transB {}) do not match: K = {} vs {}",
                                shape_to_string(a.shape), trans_a, shape_to_string(b.shape),
                                trans_b, k_size, b_k));
  }
  const Shape out{m_size, n_size};
  std::vector<int64_t> c_strides;
  if (c) {
    bool fits = c->shape.size() <= 2;
    for (size_t i = 0; fits && i < c->shape.size(); ++i) {
      const int64_t d = c->shape[i], o = out[out.size() - c->shape.size() + i];
      fits = d == o || (d == 1 && broadcast == 1);
    }
    if (!fits || (broadcast == 0 && c->shape != out)) {
      return in.error(
          StatusCode::kInvalidArgument,
          fmt::format("C {} cannot be broadcast to the output (M, N) = {}{}",
                      shape_to_string(c->shape), shape_to_string(out),
                      broadcast == 0 ? " (attribute broadcast = 0: C must be (M, N))" : ""));
    }
    c_strides = broadcast_strides(c->shape, out);
  }

  // oneDNN's matmul where it computes exactly Gemm: alpha 1, and C (if any) added unscaled.
  if (alpha == 1.0f && (!c || beta == 1.0f)) {
    onednn::MatMulSpec spec;
    spec.a = a.shape;
    spec.b = b.shape;
    spec.out = out;
    spec.transpose_a = trans_a == 1;
    spec.transpose_b = trans_b == 1;
    // A's and B's shapes as read (transposed where asked).
    if (spec.transpose_a) spec.a = {a.shape[1], a.shape[0]};
    if (spec.transpose_b) spec.b = {b.shape[1], b.shape[0]};
    spec.constant_b = context.inputs[1].constant;
    if (c) {
      Shape bias(2 - c->shape.size(), 1);
      bias.insert(bias.end(), c->shape.begin(), c->shape.end());
      spec.bias = bias;
    }
    if (auto kernel = onednn::make_matmul_kernel(spec)) {
      PreparedOp op;
      op.outputs = {TensorType{DType::kFloat32, out}};
      op.kernel = std::move(kernel);
      if (spec.constant_b) op.inputs_taken_at_prepare = {1};  // packed into the primitive's layout
      return op;
    }
  }

  const Operand a_view{nullptr, trans_a ? 1 : k_size, trans_a ? m_size : 1};
  // A constant B^T (a Linear layer's weight as PyTorch exports it) is transposed once here,
  // so every run takes the contiguous i-k-j loop.
  Tensor b_packed;
  if (trans_b && context.inputs[1].constant) {
    b_packed = Tensor(DType::kFloat32, {k_size, n_size});
    const float* src = context.inputs[1].constant->data<float>();
    float* dst = b_packed.data<float>();
    for (int64_t n = 0; n < n_size; ++n) {
      for (int64_t k = 0; k < k_size; ++k) dst[k * n_size + n] = src[n * k_size + k];
    }
  }
  const Operand b_view = b_packed.empty()
                             ? Operand{nullptr, trans_b ? 1 : n_size, trans_b ? k_size : 1}
                             : Operand{nullptr, n_size, 1};
  const bool has_c = c.has_value();
  return make_prepared({TensorType{DType::kFloat32, out}},
                       b_packed.empty() ? "gemm" : "gemm (B pre-transposed)", [=](KernelArgs args) {
                         Operand a_op = a_view, b_op = b_view;
                         a_op.data = args.inputs[0].data<float>();
                         b_op.data = b_packed.empty() ? args.inputs[1].data<float>()
                                                      : b_packed.data<float>();
                         float* y = args.outputs[0].data<float>();
                         matmul_block(m_size, n_size, k_size, a_op, b_op, y);
                         const float* c_data = has_c ? args.inputs[2].data<float>() : nullptr;
                         for (int64_t m = 0; m < m_size; ++m) {
                           float* y_row = y + m * n_size;
                           if (c_data) {
                             const float* c_row = c_data + m * c_strides[0];
                             for (int64_t n = 0; n < n_size; ++n) {
                               y_row[n] = alpha * y_row[n] + beta * c_row[n * c_strides[1]];
                             }
                           } else if (alpha != 1.0f) {
                             for (int64_t n = 0; n < n_size; ++n) y_row[n] *= alpha;
                           }
                         }
                         return Status::Ok();
                       });
}

Result<PreparedOp> prepare_fused_matmul(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.attributes().check_known(
      {"activation", "activation_alpha", "activation_beta", "activation_approximate"}));
  ORTL_ASSIGN_OR_RETURN(conv::ConvFusion fusion, conv::parse_conv_fusion(context.node));
  ORTL_RETURN_IF_ERROR(in.expect_count(3, 3));
  ORTL_ASSIGN_OR_RETURN(TensorType a, in.required(0, "A", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType b, in.required(1, "B", kFloatTypes));
  ORTL_ASSIGN_OR_RETURN(TensorType bias, in.required(2, "bias", kFloatTypes));
  const Tensor* b_values = context.inputs[1].constant;
  const Tensor* bias_values = context.inputs[2].constant;
  if (!b_values || !bias_values || b.shape.size() != 2 || bias.shape != Shape{b.shape[1]} ||
      a.shape.empty()) {
    return in.error(StatusCode::kInvalidModel,
                    fmt::format("a fused MatMul takes A (..., K), a constant B (K, N) and a "
                                "constant bias (N); got A {}, B {}, bias {}",
                                shape_to_string(a.shape), shape_to_string(b.shape),
                                shape_to_string(bias.shape)));
  }
  const int64_t k_size = b.shape[0], n_size = b.shape[1];
  if (a.shape.back() != k_size) {
    return in.error(
        StatusCode::kInvalidArgument,
        fmt::format("A {} and B {} do not match: A has {} columns, B has {} rows",
                    shape_to_string(a.shape), shape_to_string(b.shape), a.shape.back(), k_size));
  }
  // The output (..., N) is the rows of A, each times B, plus the bias.
  Shape out = a.shape;
  out.back() = n_size;
  const TensorType out_type{DType::kFloat32, out};
  ORTL_RETURN_IF_ERROR(check_output_fits(out_type, context.options));
  const int64_t rows = element_count(Shape(a.shape.begin(), a.shape.end() - 1));

  if (context.options.backend != Backend::kReference) {
    onednn::MatMulSpec spec;
    spec.a = {rows, k_size};
    spec.b = {k_size, n_size};
    spec.out = {rows, n_size};
    spec.constant_b = b_values;
    spec.bias = Shape{1, n_size};
    spec.activation = fusion.activation;
    if (auto kernel = onednn::make_matmul_kernel(spec)) {
      PreparedOp op;
      op.outputs = {out_type};
      op.kernel = std::move(kernel);
      op.inputs_taken_at_prepare = {1};  // packed into the primitive's layout
      return op;
    }
  }

  // The unfused ops' way: the loop above, the bias added row by row, then the activation's own
  // kernel (ops/elementwise). The reference backend's, and the fallback where oneDNN cannot
  // take the problem.
  std::shared_ptr<Kernel> activation;
  if (fusion.activation) {
    ORTL_ASSIGN_OR_RETURN(activation,
                          elementwise::make_activation_kernel(*fusion.activation, out_type,
                                                              Layout::kPlain, context.options));
  }
  std::string name = "matmul (i-k-j loops) + bias";
  if (fusion.activation) name += " + " + fusion.activation->op_type;
  return make_prepared({out_type}, name, [=](KernelArgs args) {
    const float* a_data = args.inputs[0].data<float>();
    const float* b_data = args.inputs[1].data<float>();
    const float* bias_data = args.inputs[2].data<float>();
    Tensor sum = activation ? Tensor(DType::kFloat32, out) : args.outputs[0];
    float* y = sum.data<float>();
    matmul_block(rows, n_size, k_size, {a_data, k_size, 1}, {b_data, n_size, 1}, y);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t n = 0; n < n_size; ++n) y[r * n_size + n] += bias_data[n];
    }
    if (activation) {
      ORTL_RETURN_IF_ERROR(activation->run({&sum, 1}, args.outputs.subspan(0, 1), {}));
    }
    return Status::Ok();
  });
}

}  // namespace ort_lite::nn_ops

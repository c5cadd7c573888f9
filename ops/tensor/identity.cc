// Identity (opset 1-22): Y = X. Tensors only (the sequence and optional types of opset 14+
//   are not ort-lite types).
// Dropout (opset 1-22), for inference: Y = X; the optional `mask` output is all ones (bool
//   from opset 10, X's type before). Attributes: ratio (opset 1-11, a float), is_test
//   (opset 1-6), consumed_inputs (opset 1, a legacy hint), seed (opset 12+): all accepted and
//   unused. Opset 12+ inputs: ratio (optional float scalar in [0, 1); unused), training_mode
//   (optional bool scalar): true is refused as unsupported, and it must be known at prepare
//   time.
// Deliberate divergence: is_test = 0 (opset 1-6: training) still runs as inference, as ONNX
//   Runtime does: ort-lite only runs inference, and old exporters left is_test at its default.
// Y shares X's buffer (no copy): tensors are immutable once produced.
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

namespace {

constexpr size_t kData = 0, kRatio = 1, kTrainingMode = 2;
constexpr size_t kOutput = 0, kMask = 1;

constexpr std::initializer_list<DType> kRatioTypes = {DType::kFloat32, DType::kFloat64,
                                                      DType::kFloat16};
constexpr std::initializer_list<DType> kTrainingModeTypes = {DType::kBool};

void alias_input(KernelArgs args) { args.outputs[kOutput] = args.inputs[kData]; }

double read_ratio(const Tensor* ratio) {
  if (!ratio) return 0.5;  // the spec's default
  return visit_dtype(ratio->dtype(), [&](auto zero) -> double {
    using T = decltype(zero);
    const T v = *static_cast<const T*>(ratio->raw_data());
    if constexpr (std::is_same_v<T, uint16_t>) return half_to_float(v);  // float16 bits
    return static_cast<double>(v);
  });
}

// Dropout is the identity unless training_mode is true with a ratio above 0, which would need
// random numbers.
Status check_inference(const Tensor* ratio, const Tensor* training_mode) {
  if (!training_mode || !training_mode->values<bool>()[0] || read_ratio(ratio) == 0) {
    return Status::Ok();
  }
  return unsupported(
      fmt::format("training_mode = true with ratio {} (random dropout) is not "
                  "supported: ort-lite runs inference only",
                  read_ratio(ratio)));
}

Status check_inference(KernelArgs args) {
  auto input = [&](size_t i) {
    return i < args.inputs.size() && !args.inputs[i].empty() ? &args.inputs[i] : nullptr;
  };
  return check_inference(input(kRatio), input(kTrainingMode));
}

}  // namespace

Result<PreparedOp> prepare_identity(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_RETURN_IF_ERROR(in.attributes().check_known({}));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  PreparedOp op = make_prepared({x}, "identity (no copy)", [](KernelArgs args) -> Status {
    alias_input(args);
    return Status::Ok();
  });
  op.kernel_sets_outputs = true;
  return op;
}

Result<PreparedOp> prepare_dropout(const PrepareContext& context) {
  OpInputs in(context);
  const int64_t opset = context.node.opset;
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(kData, "data"));
  bool check_at_run = false;  // training_mode or ratio known only at run time
  if (opset < 12) {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
    if (opset == 1) {
      ORTL_RETURN_IF_ERROR(in.attributes().check_known({"ratio", "is_test", "consumed_inputs"}));
    } else if (opset < 7) {
      ORTL_RETURN_IF_ERROR(in.attributes().check_known({"ratio", "is_test"}));
    } else {
      ORTL_RETURN_IF_ERROR(in.attributes().check_known({"ratio"}));
    }
    ORTL_RETURN_IF_ERROR(in.attributes().get_float("ratio", 0.5f).status());
    ORTL_RETURN_IF_ERROR(in.attributes().get_int("is_test", 0).status());
  } else {
    ORTL_RETURN_IF_ERROR(in.expect_count(1, 3));
    ORTL_RETURN_IF_ERROR(in.attributes().check_known({"seed"}));
    ORTL_RETURN_IF_ERROR(in.attributes().get_int("seed", 0).status());
    const std::pair<size_t, const char*> scalars[] = {{kRatio, "ratio"},
                                                      {kTrainingMode, "training_mode"}};
    for (const auto& [i, name] : scalars) {
      const auto allowed = i == kRatio ? kRatioTypes : kTrainingModeTypes;
      ORTL_ASSIGN_OR_RETURN(std::optional<TensorType> t, in.optional(i, name, allowed));
      if (t && element_count(t->shape) != 1) {
        return in.error(
            StatusCode::kInvalidArgument,
            fmt::format("{} must be a scalar, got shape {}", name, shape_to_string(t->shape)));
      }
    }
    const Tensor* ratio = in.present(kRatio) ? context.inputs[kRatio].constant : nullptr;
    if (ratio && !(read_ratio(ratio) >= 0 && read_ratio(ratio) < 1)) {
      return in.error(StatusCode::kInvalidArgument,
                      fmt::format("ratio = {} must be in [0, 1)", read_ratio(ratio)));
    }
    const Tensor* training =
        in.present(kTrainingMode) ? context.inputs[kTrainingMode].constant : nullptr;
    const bool known = !in.present(kTrainingMode) || (training && (!in.present(kRatio) || ratio));
    if (known) {
      ORTL_RETURN_IF_ERROR(check_inference(ratio, training).with_context(context.node.label()));
    } else {
      check_at_run = true;
    }
  }

  if (!output_wanted(context.node, kMask)) {
    PreparedOp op =
        make_prepared({x}, "dropout: identity (no copy)", [check_at_run](KernelArgs args) {
          if (check_at_run) ORTL_RETURN_IF_ERROR(check_inference(args));
          alias_input(args);
          return Status::Ok();
        });
    op.kernel_sets_outputs = true;
    return op;
  }
  const TensorType mask{opset < 10 ? x.dtype : DType::kBool, x.shape};
  const std::array<std::byte, 8> one = element_bytes(mask.dtype, 1.0);
  // The output is set by the kernel (it aliases X), so the mask is made here too.
  PreparedOp op =
      make_prepared({x, mask}, "dropout: identity (no copy) and an all-ones mask",
                    [mask, one, check_at_run](KernelArgs args) -> Status {
                      if (check_at_run) ORTL_RETURN_IF_ERROR(check_inference(args));
                      alias_input(args);
                      ORTL_ASSIGN_OR_RETURN(Tensor m, Tensor::create(mask.dtype, mask.shape));
                      const size_t size = dtype_size(mask.dtype);
                      auto* dst = static_cast<std::byte*>(m.raw_data());
                      for (int64_t i = 0; i < m.element_count(); ++i, dst += size) {
                        std::memcpy(dst, one.data(), size);
                      }
                      args.outputs[kMask] = std::move(m);
                      return Status::Ok();
                    });
  op.kernel_sets_outputs = true;
  return op;
}

}  // namespace ort_lite::tensor_ops

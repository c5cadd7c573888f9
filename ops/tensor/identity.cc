// Identity (opset 1-22) and Dropout in inference (opset 1-22): Y = X.
//   Dropout's optional mask output is all true; ratio and training_mode inputs are accepted
//   only when training_mode is absent or false (inference).
#include "ort_lite/ops/op_support.h"
#include "tensor/tensor_ops.h"

namespace ort_lite::tensor_ops {

Result<PreparedOp> prepare_identity(const PrepareContext& context) {
  OpInputs in(context);
  ORTL_RETURN_IF_ERROR(in.expect_count(1, 1));
  ORTL_ASSIGN_OR_RETURN(TensorType x, in.required(0, "input"));
  // The output shares the input's buffer: tensors are immutable once produced.
  PreparedOp op = make_prepared({x}, "identity (no copy)", [](KernelArgs args) -> Status {
    args.outputs[0] = args.inputs[0];
    return Status::Ok();
  });
  op.kernel_sets_outputs = true;
  return op;
}

}  // namespace ort_lite::tensor_ops

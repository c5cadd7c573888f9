// The contract between the runtime and the ops.
//
// Lifecycle of one node: the runtime finds the node's OpDefinition in the registry, then, once
// all input shapes are known, calls prepare() with the input types and any constant inputs.
// prepare() validates attributes, infers the output types and returns an immutable Kernel that
// owns everything reusable (packed weights, primitives). Kernel::run() may be called from many
// threads at once; per-call memory comes from the scratch span the runtime passes in.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/layout.h"
#include "ort_lite/options.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite {

struct TensorType {
  DType dtype = DType::kFloat32;
  Shape shape;
  bool operator==(const TensorType&) const = default;
};

struct PrepareInput {
  bool present = false;              // false: an omitted optional input
  TensorType type;                   // valid when present (see LayoutClass for which shape)
  const Tensor* constant = nullptr;  // the value, when it is known at prepare time
  Layout layout = Layout::kPlain;    // how the bytes arrive
};

// How an op treats activation layouts (layout.h); the plan converts inputs accordingly.
enum class LayoutClass : uint8_t {
  kPlain,             // every input arrives plain; types are logical (the default)
  kElementwise,       // layout-blind: every input arrives in the op's layout and its type is the
                      // physical one (the op computes on physical shapes, which broadcast alike)
  kNative,            // each input keeps its layout (PrepareInput::layout), types are logical, and
                      // the op states its outputs' layouts (PreparedOp::output_layouts)
  kUniform,           // every input of rank >= 3 arrives in one layout (channels-last when any
                      // comes so), types are logical, and the op states its outputs' layouts
                      // (Concat, Split: they remap their axis)
  kChannelsLastData,  // the data inputs, 0 and 3 (a convolution's X and a fused residual),
                      // arrive channels-last (when rank >= 3), the others (weights, bias)
                      // plain; types are logical and the op states its outputs' layouts
};
using LayoutClassFn = LayoutClass (*)(const Node& node);

struct PrepareContext {
  const Node& node;
  std::vector<PrepareInput> inputs;  // one per node input
  const SessionOptions& options;
  // Set when the op needed the value of an input that is not known at prepare time (see
  // OpInputs::constant): the runtime may then prepare again with small graph inputs' values.
  bool* needed_unknown_value = nullptr;
};

// An error when a tensor of this type may not be created under `options`: a negative or
// overflowing shape, more bytes than the machine's memory, or more than max_tensor_bytes. The
// plan checks every output with it; ops whose prepare does heavy work (primitives, packed
// weights) check their outputs first, so that a hostile size never reaches that work.
Status check_output_fits(const TensorType& type, const SessionOptions& options);

class Kernel {
 public:
  virtual ~Kernel() = default;
  // Computes the outputs. `inputs` has one Tensor per node input (empty() for an omitted one);
  // `outputs` arrive allocated with the prepared types. `scratch` holds scratch_bytes() bytes,
  // 64-byte aligned, owned by this call.
  virtual Status run(std::span<const Tensor> inputs, std::span<Tensor> outputs,
                     std::span<std::byte> scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
  // What runs, for reports: "onednn jit:avx512_core, weights ABcd16b16a", "reference".
  virtual std::string implementation() const = 0;
};

struct PreparedOp {
  std::vector<TensorType> outputs;
  std::unique_ptr<Kernel> kernel;
  // The outputs' values when prepare already knows them (Shape, Size...): the node is then
  // folded into constants and never runs. The runtime also folds every node whose inputs are
  // all constants by running its kernel once at prepare time.
  std::vector<Tensor> known_outputs;
  // The kernel sets its outputs itself (e.g. to alias an input buffer: Identity, Reshape)
  // instead of writing into outputs the runtime allocated.
  bool kernel_sets_outputs = false;
  // LayoutClass::kNative ops: each output's layout (empty: all plain). `outputs` stay logical.
  std::vector<Layout> output_layouts;
  // Constant inputs the kernel took (packed) at prepare and never reads at run time, such as a
  // convolution's weights: the plan hands the kernel an empty tensor there, and frees the
  // unpacked value once no other node reads it.
  std::vector<size_t> inputs_taken_at_prepare;
};

using PrepareFn = Result<PreparedOp> (*)(const PrepareContext&);

struct OpDefinition {
  std::string domain;  // "" = ai.onnx
  std::string op_type;
  int64_t first_opset = 1;  // the op's meaning is the same for every opset in [first, last]
  int64_t last_opset = 22;
  PrepareFn prepare = nullptr;            // the default (fast) implementation
  PrepareFn prepare_reference = nullptr;  // optional: the plain reference implementation
  LayoutClassFn layout_class = nullptr;   // nullptr: LayoutClass::kPlain (the fast one only)
};

// Makes the kernel that converts a (logical) tensor type between layouts.
using ReorderFactory = std::unique_ptr<Kernel> (*)(const TensorType& logical, Layout from,
                                                   Layout to);

// The explicit list of ops a session can run (filled by ops/'s register_builtin_ops()).
class OpRegistry {
 public:
  void add(OpDefinition definition);
  // An op of the default (ai.onnx) domain.
  void add(std::string op_type, int64_t first_opset, int64_t last_opset, PrepareFn prepare,
           PrepareFn prepare_reference = nullptr) {
    add(OpDefinition{"", std::move(op_type), first_opset, last_opset, prepare, prepare_reference});
  }
  // The definition covering `opset`, or nullptr.
  const OpDefinition* find(const std::string& domain, const std::string& op_type,
                           int64_t opset) const;
  // Whether any opset of op_type is known (to tell "unsupported opset" from "unknown op").
  bool knows(const std::string& domain, const std::string& op_type) const;
  const std::vector<OpDefinition>& definitions() const { return definitions_; }
  // Sets the layout class of every definition of op_type added so far.
  void set_layout_class(const std::string& op_type, LayoutClassFn layout_class);

  // The kernel that converts layouts (a oneDNN reorder, from ops/).
  void set_reorder_factory(ReorderFactory factory) { reorder_factory_ = factory; }
  ReorderFactory reorder_factory() const { return reorder_factory_; }

 private:
  std::vector<OpDefinition> definitions_;
  ReorderFactory reorder_factory_ = nullptr;
};

}  // namespace ort_lite

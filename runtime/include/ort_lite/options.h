// Options chosen when a model is loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ort_lite/status.h"

namespace ort_lite {

// Which implementation runs each op that has more than one.
enum class Backend {
  kOneDnn,     // the fast path: oneDNN primitives where an op has them (the default)
  kReference,  // plain loops written straight from the ONNX definitions: the oracle
};
std::string_view backend_name(Backend backend);
std::optional<Backend> backend_from_name(std::string_view name);

// How a ConvTranspose is computed (the result is the same; the speed is not). kAuto picks per
// layer by the rule in ops/onednn/deconv_algorithm.cc; the others force one where it applies
// (elsewhere the layer falls back to kAuto's choice and its report says so), for tests and for
// the benchmark.
enum class DeconvAlgorithm {
  kAuto,
  kPrimitive,        // oneDNN's deconvolution primitive
  kSubPixel,         // one forward convolution over the input giving all stride phases, then
                     // an interleaving scatter (kernel == stride is its 1x1 case)
  kGemmCol2Im,       // one GEMM (1x1 convolution) giving every tap, then a col2im accumulation
  kDepthwiseDirect,  // depthwise: a channel-vectorized direct loop
};
std::string_view deconv_algorithm_name(DeconvAlgorithm algorithm);
std::optional<DeconvAlgorithm> deconv_algorithm_from_name(std::string_view name);

// What the plan may change about how a model is computed (never what it computes, beyond
// float rounding). Each switch is its own rewrite (ops/rewrites/) or plan stage; level 0 turns
// every one off: plain tensors, one kernel per node, as the model is written.
struct Optimizations {
  bool channels_last = true;         // keep conv-family activations channels-last (layout.h)
  bool fold_batch_norm = true;       // BatchNormalization into the preceding Conv's weights
  bool fold_channel_affine = true;   // Mul / Add by per-channel constants into a Conv
  bool fuse_residual_add = true;     // Conv -> Add(other) as one kernel
  bool fuse_matmul_bias = true;      // MatMul(constant B) -> Add(constant bias) as one matmul
  bool fuse_gelu = true;             // GELU written as Div/Erf/Add/Mul/Mul becomes one Gelu
  bool fuse_activation = true;       // Conv -> Relu / Clip / Sigmoid / ... as one kernel
  bool fuse_batch_norm_relu = true;  // BatchNormalization -> Relu (not after a conv) in one pass
  bool fuse_channel_shuffle = true;  // Reshape -> Transpose -> Reshape (ShuffleNet) as one op
  // For tests: rank >= 3 float graph inputs enter the plan channels-last, so that every op's
  // channels-last path runs on the conformance suite (not an optimization).
  bool eager_channels_last = false;
  // Level 0: all off; 1 (the default): all on.
  static Optimizations level(int level);
};

struct SessionOptions {
  Backend backend = Backend::kOneDnn;
  // Threads for one run. 0: one per core the process may use. At most max_threads(): more
  // threads than that only oversubscribe the cores (and very large counts exhaust the OpenMP
  // runtime, which would end the process).
  int threads = 0;
  // ConvTranspose with output_shape and an odd total padding: the current ONNX spec puts the
  // extra pixel at the start unless auto_pad is SAME_UPPER. ONNX Runtime < 1.14, TensorRT and
  // MNN put it at the end; set this to reproduce models validated against them.
  bool legacy_output_shape_padding = false;
  // How many prepared plans (one per distinct set of input shapes) to keep.
  int plan_cache_size = 8;
  // The largest tensor a plan may create, in bytes; a node whose output would be larger is
  // refused when the plan is prepared. 0: the machine's physical memory.
  int64_t max_tensor_bytes = 0;
  DeconvAlgorithm deconv_algorithm = DeconvAlgorithm::kAuto;
  Optimizations optimizations;
};

// The cores this process may use, and the largest SessionOptions::threads accepted.
inline constexpr int kMaxThreadsPerCore = 4;
int available_cores();
int max_threads();

// An error naming the first option out of range; Session::create calls it.
Status check_session_options(const SessionOptions& options);

}  // namespace ort_lite

#include "ort_lite/options.h"

#include <omp.h>

#include <utility>

#include <fmt/format.h>

namespace ort_lite {

std::string_view backend_name(Backend backend) {
  return backend == Backend::kReference ? "reference" : "onednn";
}

std::optional<Backend> backend_from_name(std::string_view name) {
  if (name == "onednn") return Backend::kOneDnn;
  if (name == "reference") return Backend::kReference;
  return std::nullopt;
}

namespace {
constexpr std::pair<DeconvAlgorithm, std::string_view> kDeconvAlgorithms[] = {
    {DeconvAlgorithm::kAuto, "auto"},
    {DeconvAlgorithm::kPrimitive, "onednn-deconv"},
    {DeconvAlgorithm::kSubPixel, "subpixel-conv"},
    {DeconvAlgorithm::kGemmCol2Im, "gemm-col2im"},
    {DeconvAlgorithm::kDepthwiseDirect, "depthwise-direct"},
};
}  // namespace

std::string_view deconv_algorithm_name(DeconvAlgorithm algorithm) {
  for (const auto& [value, name] : kDeconvAlgorithms) {
    if (value == algorithm) return name;
  }
  return "?";
}

std::optional<DeconvAlgorithm> deconv_algorithm_from_name(std::string_view name) {
  for (const auto& [value, known] : kDeconvAlgorithms) {
    if (known == name) return value;
  }
  return std::nullopt;
}

Optimizations Optimizations::level(int level) {
  const bool on = level > 0;
  return {.channels_last = on,
          .fold_batch_norm = on,
          .fold_channel_affine = on,
          .fuse_residual_add = on,
          .fuse_matmul_bias = on,
          .fuse_gelu = on,
          .fuse_activation = on,
          .fuse_batch_norm_relu = on,
          .fuse_channel_shuffle = on};
}

int available_cores() {
  const int cores = omp_get_num_procs();
  return cores > 0 ? cores : 1;
}

int max_threads() { return kMaxThreadsPerCore * available_cores(); }

Status check_session_options(const SessionOptions& options) {
  if (options.backend != Backend::kOneDnn && options.backend != Backend::kReference) {
    return invalid_argument(fmt::format("backend = {} is not a Backend value (onednn, reference)",
                                        static_cast<int>(options.backend)));
  }
  if (options.threads < 0 || options.threads > max_threads()) {
    return invalid_argument(fmt::format(
        "threads = {} must be between 0 (one per core) and {} ({} per core on this machine's {} "
        "cores)",
        options.threads, max_threads(), kMaxThreadsPerCore, available_cores()));
  }
  if (options.plan_cache_size < 1) {
    return invalid_argument(
        fmt::format("plan_cache_size = {} must be >= 1", options.plan_cache_size));
  }
  if (deconv_algorithm_name(options.deconv_algorithm) == "?") {
    return invalid_argument(fmt::format("deconv_algorithm = {} is not a DeconvAlgorithm value",
                                        static_cast<int>(options.deconv_algorithm)));
  }
  if (options.max_tensor_bytes < 0) {
    return invalid_argument(fmt::format(
        "max_tensor_bytes = {} must be >= 0 (0: the machine's memory)", options.max_tensor_bytes));
  }
  return Status::Ok();
}

}  // namespace ort_lite

#include "ort_lite/options.h"

#include <omp.h>

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
  if (options.max_tensor_bytes < 0) {
    return invalid_argument(fmt::format(
        "max_tensor_bytes = {} must be >= 0 (0: the machine's memory)", options.max_tensor_bytes));
  }
  return Status::Ok();
}

}  // namespace ort_lite

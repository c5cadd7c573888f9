// The C API (ort_lite/ort_lite_c.h) over the C++ Session: handles own C++ objects, each entry
// point turns a Status (or an exception a dependency threw) into an ortl_code and the calling
// thread's last-error message.
#include "ort_lite/ort_lite_c.h"

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/session.h"

struct ortl_options {
  ort_lite::SessionOptions options;
};

struct ortl_session {
  std::unique_ptr<ort_lite::Session> session;
  // What ortl_value_info points into, one entry per input and per output.
  struct Declared {
    std::vector<int64_t> dims;
    std::vector<std::string> names;
    std::vector<const char*> name_pointers;
  };
  std::vector<Declared> inputs, outputs;
};

struct ortl_outputs {
  std::vector<ort_lite::NamedTensor> tensors;
  std::vector<ortl_tensor> views;
};

namespace {

using ort_lite::DType;
using ort_lite::Status;
using ort_lite::StatusCode;

thread_local std::string last_error;

ortl_code fail(const Status& status);

// The API's own checks: a NULL, a bad option, or an exception from below.
ortl_code fail(ortl_code code, std::string message) {
  return fail(code == ORTL_INTERNAL ? ort_lite::internal_error(std::move(message))
                                    : ort_lite::invalid_argument(std::move(message)));
}

ortl_code fail(const Status& status) {
  last_error = status.to_string();
  switch (status.code()) {
    case StatusCode::kOk:
      return ORTL_OK;
    case StatusCode::kInvalidModel:
      return ORTL_INVALID_MODEL;
    case StatusCode::kInvalidArgument:
      return ORTL_INVALID_ARGUMENT;
    case StatusCode::kUnsupported:
      return ORTL_UNSUPPORTED;
    case StatusCode::kIoError:
      return ORTL_IO_ERROR;
    case StatusCode::kInternal:
      return ORTL_INTERNAL;
  }
  return ORTL_INTERNAL;
}

// Runs `body` (returning ortl_code) with every exception turned into an error code.
template <typename Body>
ortl_code guarded(Body&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(ORTL_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(ORTL_INTERNAL, fmt::format("internal error: {}", e.what()));
  } catch (...) {
    return fail(ORTL_INTERNAL, "internal error: unknown exception");
  }
}

constexpr DType kDTypes[] = {DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kInt8,
                             DType::kUInt8,   DType::kInt32,   DType::kInt64,   DType::kBool};

ortl_dtype to_c(std::optional<DType> dtype) {
  for (size_t i = 0; i < std::size(kDTypes); ++i) {
    if (dtype == kDTypes[i]) return static_cast<ortl_dtype>(i);
  }
  return ORTL_DTYPE_UNKNOWN;
}

ortl_session::Declared declare(const ort_lite::ValueInfo& info) {
  ortl_session::Declared d;
  if (info.shape) {
    for (const ort_lite::Dim& dim : *info.shape) {
      d.dims.push_back(dim.is_fixed() ? dim.value : -1);
      d.names.push_back(dim.symbol);
    }
  }
  for (const std::string& name : d.names) d.name_pointers.push_back(name.c_str());
  return d;
}

ortl_code describe(const ortl_session* session, size_t index, ortl_value_info* info, bool input) {
  if (!session || !info) return fail(ORTL_INVALID_ARGUMENT, "session and info must not be NULL");
  const auto& values = input ? session->session->inputs() : session->session->outputs();
  if (index >= values.size()) {
    return fail(ORTL_INVALID_ARGUMENT,
                fmt::format("the model has {} {}s; index {} is past them", values.size(),
                            input ? "input" : "output", index));
  }
  const ortl_session::Declared& d = (input ? session->inputs : session->outputs)[index];
  info->name = values[index].name.c_str();
  info->dtype = to_c(values[index].dtype);
  info->rank = values[index].shape ? static_cast<int64_t>(d.dims.size()) : -1;
  info->dims = d.dims.data();
  info->dim_names = d.name_pointers.data();
  return ORTL_OK;
}

// The caller's tensors as ort-lite's: shared without a copy when the data is aligned as the
// kernels want it, copied otherwise.
ort_lite::Result<std::vector<ort_lite::NamedTensor>> to_named(const ortl_tensor* inputs,
                                                              size_t count) {
  std::vector<ort_lite::NamedTensor> named;
  if (count > 0 && !inputs) return ort_lite::invalid_argument("inputs is NULL");
  for (size_t i = 0; i < count; ++i) {
    const ortl_tensor& t = inputs[i];
    if (!t.name) return ort_lite::invalid_argument(fmt::format("input {} has no name", i));
    if (static_cast<size_t>(t.dtype) >= std::size(kDTypes)) {
      return ort_lite::invalid_argument(
          fmt::format("input '{}': dtype {} is not an ortl_dtype", t.name, int(t.dtype)));
    }
    if (t.rank > 0 && !t.dims) {
      return ort_lite::invalid_argument(fmt::format("input '{}': dims is NULL", t.name));
    }
    const DType dtype = kDTypes[t.dtype];
    ort_lite::Shape shape(t.dims, t.dims + t.rank);
    ORTL_RETURN_IF_ERROR(ort_lite::check_tensor_fits(dtype, shape));
    ORTL_ASSIGN_OR_RETURN(int64_t elements, ort_lite::checked_element_count(shape));
    const size_t bytes = static_cast<size_t>(elements) * ort_lite::dtype_size(dtype);
    if (bytes > 0 && !t.data) {
      return ort_lite::invalid_argument(fmt::format("input '{}': data is NULL", t.name));
    }
    ort_lite::Tensor tensor;
    if (bytes > 0 && reinterpret_cast<uintptr_t>(t.data) % 64 == 0) {
      // Borrowed for the run: the no-op deleter leaves the caller's memory to the caller.
      std::shared_ptr<std::byte> borrowed(static_cast<std::byte*>(t.data), [](std::byte*) {});
      tensor = ort_lite::Tensor::wrap(dtype, shape, std::move(borrowed));
    } else {
      ORTL_ASSIGN_OR_RETURN(tensor, ort_lite::Tensor::create_uninitialized(dtype, shape));
      if (bytes > 0) std::memcpy(tensor.raw_data(), t.data, bytes);
    }
    named.push_back({t.name, std::move(tensor)});
  }
  return named;
}

}  // namespace

extern "C" {

const char* ortl_last_error(void) { return last_error.c_str(); }

const char* ortl_version(void) { return ORTL_VERSION; }

ortl_code ortl_options_create(ortl_options** options) {
  return guarded([&] {
    if (!options) return fail(ORTL_INVALID_ARGUMENT, "options must not be NULL");
    *options = new ortl_options();
    return ORTL_OK;
  });
}

ortl_code ortl_options_set_threads(ortl_options* options, int threads) {
  if (!options) return fail(ORTL_INVALID_ARGUMENT, "options must not be NULL");
  ort_lite::SessionOptions checked = options->options;
  checked.threads = threads;
  if (Status s = ort_lite::check_session_options(checked); !s.ok()) return fail(s);
  options->options.threads = threads;
  return ORTL_OK;
}

ortl_code ortl_options_set_backend(ortl_options* options, const char* backend) {
  if (!options || !backend) return fail(ORTL_INVALID_ARGUMENT, "arguments must not be NULL");
  auto parsed = ort_lite::backend_from_name(backend);
  if (!parsed) {
    return fail(ORTL_INVALID_ARGUMENT,
                fmt::format("backend '{}' is not onednn or reference", backend));
  }
  options->options.backend = *parsed;
  return ORTL_OK;
}

void ortl_options_destroy(ortl_options* options) { delete options; }

ortl_code ortl_session_load(const char* model_path, const ortl_options* options,
                            ortl_session** session) {
  return guarded([&] {
    if (!model_path || !session) {
      return fail(ORTL_INVALID_ARGUMENT, "model_path and session must not be NULL");
    }
    *session = nullptr;
    auto loaded = ort_lite::Session::load(model_path,
                                          options ? options->options : ort_lite::SessionOptions{});
    if (!loaded.ok()) return fail(loaded.status());
    auto handle = std::make_unique<ortl_session>();
    handle->session = std::move(*loaded);
    for (const auto& info : handle->session->inputs()) handle->inputs.push_back(declare(info));
    for (const auto& info : handle->session->outputs()) handle->outputs.push_back(declare(info));
    *session = handle.release();
    return ORTL_OK;
  });
}

void ortl_session_destroy(ortl_session* session) { delete session; }

size_t ortl_session_input_count(const ortl_session* session) {
  return session ? session->inputs.size() : 0;
}

size_t ortl_session_output_count(const ortl_session* session) {
  return session ? session->outputs.size() : 0;
}

ortl_code ortl_session_input(const ortl_session* session, size_t index, ortl_value_info* info) {
  return describe(session, index, info, true);
}

ortl_code ortl_session_output(const ortl_session* session, size_t index, ortl_value_info* info) {
  return describe(session, index, info, false);
}

ortl_code ortl_session_run(const ortl_session* session, const ortl_tensor* inputs,
                           size_t input_count, ortl_outputs** outputs) {
  return guarded([&] {
    if (!session || !outputs)
      return fail(ORTL_INVALID_ARGUMENT, "session and outputs must not be NULL");
    *outputs = nullptr;
    auto named = to_named(inputs, input_count);
    if (!named.ok()) return fail(named.status());
    auto result = session->session->run(*named);
    if (!result.ok()) return fail(result.status());
    auto handle = std::make_unique<ortl_outputs>();
    handle->tensors = std::move(*result);
    for (ort_lite::NamedTensor& t : handle->tensors) {
      handle->views.push_back({t.name.c_str(), to_c(t.tensor.dtype()), t.tensor.shape().size(),
                               t.tensor.shape().data(), t.tensor.raw_data()});
    }
    *outputs = handle.release();
    return ORTL_OK;
  });
}

size_t ortl_outputs_count(const ortl_outputs* outputs) {
  return outputs ? outputs->views.size() : 0;
}

const ortl_tensor* ortl_outputs_get(const ortl_outputs* outputs, size_t index) {
  return outputs && index < outputs->views.size() ? &outputs->views[index] : nullptr;
}

void ortl_outputs_destroy(ortl_outputs* outputs) { delete outputs; }

ortl_code ortl_session_run_into(const ortl_session* session, const ortl_tensor* inputs,
                                size_t input_count, void* const* buffers, const size_t* capacities,
                                size_t output_count, int64_t* dims_out, size_t max_rank,
                                size_t* ranks_out) {
  return guarded([&] {
    if (!session || (output_count > 0 && (!buffers || !capacities))) {
      return fail(ORTL_INVALID_ARGUMENT, "session, buffers and capacities must not be NULL");
    }
    if (output_count != session->outputs.size()) {
      return fail(ORTL_INVALID_ARGUMENT, fmt::format("output_count is {}; the model has {} outputs",
                                                     output_count, session->outputs.size()));
    }
    auto named = to_named(inputs, input_count);
    if (!named.ok()) return fail(named.status());
    auto result = session->session->run(*named);
    if (!result.ok()) return fail(result.status());
    for (size_t i = 0; i < output_count; ++i) {
      const ort_lite::Tensor& t = (*result)[i].tensor;
      if (t.byte_size() > capacities[i] || (t.byte_size() > 0 && !buffers[i])) {
        return fail(
            ORTL_INVALID_ARGUMENT,
            fmt::format("output '{}' {} {} needs {} bytes; buffer {} holds {}", (*result)[i].name,
                        ort_lite::dtype_name(t.dtype()), ort_lite::shape_to_string(t.shape()),
                        t.byte_size(), i, capacities[i]));
      }
      if (dims_out && t.shape().size() > max_rank) {
        return fail(ORTL_INVALID_ARGUMENT,
                    fmt::format("output '{}' has rank {}, more than max_rank {}", (*result)[i].name,
                                t.shape().size(), max_rank));
      }
    }
    for (size_t i = 0; i < output_count; ++i) {
      const ort_lite::Tensor& t = (*result)[i].tensor;
      if (t.byte_size() > 0) std::memcpy(buffers[i], t.raw_data(), t.byte_size());
      if (dims_out) std::copy(t.shape().begin(), t.shape().end(), dims_out + i * max_rank);
      if (ranks_out) ranks_out[i] = t.shape().size();
    }
    return ORTL_OK;
  });
}

}  // extern "C"

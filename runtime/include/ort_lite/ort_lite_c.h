/* ort-lite's C API (C99): load an ONNX model once, inspect it, run it many times.
 *
 *   ortl_session* session = NULL;
 *   if (ortl_session_load("model.onnx", NULL, &session) != ORTL_OK) {
 *     fprintf(stderr, "%s\n", ortl_last_error());
 *     return 1;
 *   }
 *   int64_t dims[4] = {1, 3, 64, 64};
 *   ortl_tensor x = {"input", ORTL_FLOAT32, 4, dims, pixels};
 *   ortl_outputs* y = NULL;
 *   if (ortl_session_run(session, &x, 1, &y) != ORTL_OK) ...
 *   const ortl_tensor* out = ortl_outputs_get(y, 0);   (owned by y)
 *   ortl_outputs_destroy(y);
 *   ortl_session_destroy(session);
 *
 * Every function that can fail returns an ortl_code; on failure ortl_last_error() gives the
 * message (naming the file, node and reason, as the C++ API's Status does) for the calling
 * thread, until its next failing call. No C++ exception crosses this API. A session may be
 * run from several threads at once; options, outputs and the last error belong to one thread
 * at a time. */
#ifndef ORT_LITE_C_H_
#define ORT_LITE_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ORTL_OK = 0,
  ORTL_INVALID_MODEL = 1,    /* the model file breaks the ONNX spec */
  ORTL_INVALID_ARGUMENT = 2, /* the caller passed something wrong (name, shape, dtype, NULL) */
  ORTL_UNSUPPORTED = 3,      /* valid ONNX that ort-lite does not implement */
  ORTL_IO_ERROR = 4,         /* a file could not be read, or is malformed */
  ORTL_INTERNAL = 5          /* a bug in ort-lite or a failure inside a dependency */
} ortl_code;

typedef enum {
  ORTL_FLOAT32 = 0,
  ORTL_FLOAT64 = 1,
  ORTL_FLOAT16 = 2,
  ORTL_INT8 = 3,
  ORTL_UINT8 = 4,
  ORTL_INT32 = 5,
  ORTL_INT64 = 6,
  ORTL_BOOL = 7,
  ORTL_DTYPE_UNKNOWN = 100 /* ortl_value_info: not declared, or a type ort-lite cannot hold */
} ortl_dtype;

/* A dense, C-ordered tensor the caller describes (inputs) or the library returns (outputs). */
typedef struct {
  const char* name;
  ortl_dtype dtype;
  size_t rank;
  const int64_t* dims;
  void* data; /* rank-product elements of dtype; inputs are read, never written */
} ortl_tensor;

/* A model input or output as the model declares it. */
typedef struct {
  const char* name;
  ortl_dtype dtype;
  int64_t rank;                 /* -1: unknown */
  const int64_t* dims;          /* rank values; -1 for a symbolic or unknown dim */
  const char* const* dim_names; /* rank entries: the symbol ("batch") or "" for a fixed dim */
} ortl_value_info;

typedef struct ortl_options ortl_options;
typedef struct ortl_session ortl_session;
typedef struct ortl_outputs ortl_outputs;

/* The message of the calling thread's last failure ("" if none). */
const char* ortl_last_error(void);
const char* ortl_version(void);

/* Options: threads 0 = one per core (the default); backend "onednn" (default) or
 * "reference". */
ortl_code ortl_options_create(ortl_options** options);
ortl_code ortl_options_set_threads(ortl_options* options, int threads);
ortl_code ortl_options_set_backend(ortl_options* options, const char* backend);
void ortl_options_destroy(ortl_options* options);

/* options may be NULL (defaults); they are copied. */
ortl_code ortl_session_load(const char* model_path, const ortl_options* options,
                            ortl_session** session);
void ortl_session_destroy(ortl_session* session);

size_t ortl_session_input_count(const ortl_session* session);
size_t ortl_session_output_count(const ortl_session* session);
/* The pointers in *info stay valid while the session lives. */
ortl_code ortl_session_input(const ortl_session* session, size_t index, ortl_value_info* info);
ortl_code ortl_session_output(const ortl_session* session, size_t index, ortl_value_info* info);

/* Runs the model: every model input given once by name. The outputs are library-owned, in
 * the model's output order, and live until ortl_outputs_destroy. */
ortl_code ortl_session_run(const ortl_session* session, const ortl_tensor* inputs,
                           size_t input_count, ortl_outputs** outputs);
size_t ortl_outputs_count(const ortl_outputs* outputs);
const ortl_tensor* ortl_outputs_get(const ortl_outputs* outputs, size_t index);
void ortl_outputs_destroy(ortl_outputs* outputs);

/* The same run, writing each output into a caller buffer: buffers[i] of capacities[i] bytes
 * for output i (all output_count = ortl_session_output_count outputs). A buffer too small is
 * ORTL_INVALID_ARGUMENT naming the bytes needed, and no buffer is written. dims_out, if not
 * NULL, receives each output's dims: output i's at dims_out[i * max_rank], up to max_rank
 * values, with ranks_out[i] its rank. */
ortl_code ortl_session_run_into(const ortl_session* session, const ortl_tensor* inputs,
                                size_t input_count, void* const* buffers, const size_t* capacities,
                                size_t output_count, int64_t* dims_out, size_t max_rank,
                                size_t* ranks_out);

#ifdef __cplusplus
}
#endif

#endif /* ORT_LITE_C_H_ */

/* The C API (ort_lite/ort_lite_c.h) from a C99 program: load and inspect a bundled model, run
 * it with library-owned and with caller-provided buffers (aligned input, borrowed; misaligned,
 * copied), compare with the expected output, and get each error as a code and a message.
 *
 *   c_api_test MODEL.onnx INPUT.npy EXPECTED.npy */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ort_lite/ort_lite_c.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* A float32 .npy (format 1.0, C order) read into memory; returns the element count. */
static size_t read_npy_floats(const char* path, float** values) {
  FILE* f = fopen(path, "rb");
  unsigned char head[10];
  size_t n = 0;
  if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0 || head[6] != 1) {
    fprintf(stderr, "%s: not a .npy 1.0 file\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  n = ((size_t)ftell(f) - 10 - (head[8] | (head[9] << 8))) / sizeof(float);
  fseek(f, 10 + (head[8] | (head[9] << 8)), SEEK_SET);
  /* 64-byte aligned, as ort-lite borrows (rather than copies) such inputs. */
  if (posix_memalign((void**)values, 64, n * sizeof(float) + 64) != 0) exit(2);
  if (fread(*values, sizeof(float), n, f) != n) exit(2);
  fclose(f);
  return n;
}

static int contains(const char* text, const char* part) { return strstr(text, part) != NULL; }

static double worst_error(const float* actual, const float* expected, size_t n) {
  double worst = 0;
  size_t i;
  for (i = 0; i < n; ++i) {
    double e = fabs(actual[i] - expected[i]) / (1e-5 + 1e-4 * fabs(expected[i]));
    if (e > worst) worst = e;
  }
  return worst;
}

int main(int argc, char** argv) {
  ortl_session* session = NULL;
  ortl_options* options = NULL;
  ortl_value_info info;
  ortl_outputs* outputs = NULL;
  const ortl_tensor* y;
  float *x_values, *expected, *misaligned, *buffer;
  size_t x_count, y_count, rank = 0;
  int64_t dims[8];
  void* buffers[1];
  size_t capacities[1];

  if (argc != 4) {
    fprintf(stderr, "usage: %s MODEL.onnx INPUT.npy EXPECTED.npy\n", argv[0]);
    return 2;
  }
  x_count = read_npy_floats(argv[2], &x_values);
  y_count = read_npy_floats(argv[3], &expected);
  CHECK(strlen(ortl_version()) > 0);

  /* Load and inspect. */
  CHECK(ortl_session_load(argv[1], NULL, &session) == ORTL_OK);
  if (!session) {
    fprintf(stderr, "%s\n", ortl_last_error());
    return 1;
  }
  CHECK(ortl_session_input_count(session) == 1);
  CHECK(ortl_session_output_count(session) == 1);
  CHECK(ortl_session_input(session, 0, &info) == ORTL_OK);
  CHECK(info.dtype == ORTL_FLOAT32);
  CHECK(info.rank == 4);
  printf("input '%s': float32, rank %lld, dims", info.name, (long long)info.rank);
  {
    int64_t i, product = 1;
    for (i = 0; i < info.rank; ++i) {
      printf(" %lld%s%s", (long long)info.dims[i], info.dim_names[i][0] ? "=" : "",
             info.dim_names[i]);
      product *= info.dims[i] > 0 ? info.dims[i] : 1;
    }
    printf("\n");
    CHECK((size_t)product == x_count);
  }
  CHECK(ortl_session_output(session, 1, &info) == ORTL_INVALID_ARGUMENT);
  CHECK(contains(ortl_last_error(), "index 1"));

  /* Library-owned outputs. */
  {
    ortl_value_info in;
    int64_t x_dims[4];
    ortl_tensor x;
    ortl_session_input(session, 0, &in);
    memcpy(x_dims, in.dims, sizeof x_dims);
    x.name = in.name;
    x.dtype = ORTL_FLOAT32;
    x.rank = 4;
    x.dims = x_dims;
    x.data = x_values;
    CHECK(ortl_session_run(session, &x, 1, &outputs) == ORTL_OK);
    CHECK(ortl_outputs_count(outputs) == 1);
    y = ortl_outputs_get(outputs, 0);
    CHECK(y != NULL && y->dtype == ORTL_FLOAT32);
    if (y) {
      size_t i, n = 1;
      for (i = 0; i < y->rank; ++i) n *= (size_t)y->dims[i];
      CHECK(n == y_count);
      CHECK(worst_error(y->data, expected, y_count) <= 1);
      printf("run: output '%s', %zu values, worst error %.3g of the tolerance\n", y->name, n,
             worst_error(y->data, expected, y_count));
    }
    CHECK(ortl_outputs_get(outputs, 1) == NULL);
    ortl_outputs_destroy(outputs);

    /* Caller buffers, with a misaligned input (copied) and the reference backend. */
    misaligned = (float*)((char*)malloc(x_count * sizeof(float) + 8) + 4);
    memcpy(misaligned, x_values, x_count * sizeof(float));
    x.data = misaligned;
    buffer = malloc(y_count * sizeof(float));
    buffers[0] = buffer;
    capacities[0] = y_count * sizeof(float);
    CHECK(ortl_options_create(&options) == ORTL_OK);
    CHECK(ortl_options_set_threads(options, 1) == ORTL_OK);
    CHECK(ortl_options_set_backend(options, "reference") == ORTL_OK);
    {
      ortl_session* reference = NULL;
      CHECK(ortl_session_load(argv[1], options, &reference) == ORTL_OK);
      CHECK(ortl_session_run_into(reference, &x, 1, buffers, capacities, 1, dims, 8, &rank) ==
            ORTL_OK);
      CHECK(rank == 4);
      CHECK(worst_error(buffer, expected, y_count) <= 1);
      printf("run_into (reference backend, 1 thread): rank %zu, worst error %.3g\n", rank,
             worst_error(buffer, expected, y_count));
      capacities[0] = 16;
      CHECK(ortl_session_run_into(reference, &x, 1, buffers, capacities, 1, NULL, 0, NULL) ==
            ORTL_INVALID_ARGUMENT);
      CHECK(contains(ortl_last_error(), "bytes"));
      printf("small buffer: %s\n", ortl_last_error());
      ortl_session_destroy(reference);
    }

    /* Errors: wrong input name, wrong shape, bad options, missing file, NULLs. */
    x.name = "no_such_input";
    CHECK(ortl_session_run(session, &x, 1, &outputs) == ORTL_INVALID_ARGUMENT);
    CHECK(outputs == NULL);
    printf("wrong name: %s\n", ortl_last_error());
    x.name = in.name;
    x_dims[3] -= 1; /* smaller, so the buffer still holds every element the dims claim */
    CHECK(ortl_session_run(session, &x, 1, &outputs) == ORTL_INVALID_ARGUMENT);
    printf("wrong shape: %s\n", ortl_last_error());
  }
  CHECK(ortl_options_set_threads(options, -1) == ORTL_INVALID_ARGUMENT);
  printf("threads -1: %s\n", ortl_last_error());
  CHECK(ortl_options_set_backend(options, "gpu") == ORTL_INVALID_ARGUMENT);
  CHECK(contains(ortl_last_error(), "gpu"));
  {
    ortl_session* none = NULL;
    CHECK(ortl_session_load("/nonexistent/model.onnx", NULL, &none) != ORTL_OK);
    CHECK(none == NULL);
    CHECK(contains(ortl_last_error(), "/nonexistent/model.onnx"));
    printf("missing file: %s\n", ortl_last_error());
    CHECK(ortl_session_load(NULL, NULL, &none) == ORTL_INVALID_ARGUMENT);
  }
  ortl_options_destroy(options);
  ortl_session_destroy(session);
  free(x_values);
  free(expected);
  free(buffer);
  free((char*)misaligned - 4);

  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}

// SessionOptions::threads is a contract: a session decides the thread count of every parallel
// region of its prepare and its runs, oneDNN's and ours, whatever OMP_NUM_THREADS says.
//
//   thread_contract_test THREADS MODEL.onnx INPUT.npy
//
// Loads and runs the model with SessionOptions::threads = THREADS in a fresh process and then
// counts the process's threads (/proc/self/task): with THREADS = 1 no second thread may ever
// have existed (OpenMP creates its pool on the first parallel region with more than one thread,
// and keeps it), with THREADS > 1 the pool must be there. ctest runs it both ways, each with an
// OMP_NUM_THREADS that says the opposite. Exit 0 when the contract holds.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s THREADS MODEL.onnx INPUT.npy\n", argv[0]);
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  ort_lite::SessionOptions options;
  options.threads = threads;
  auto session = ort_lite::Session::load(argv[2], options);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().to_string().c_str());
    return 2;
  }
  auto input = ort_lite::read_tensor_file(argv[3]);
  if (!input.ok()) {
    std::fprintf(stderr, "%s\n", input.status().to_string().c_str());
    return 2;
  }
  for (int run = 0; run < 3; ++run) {
    auto out = (*session)->run({{(*session)->inputs()[0].name, *input}});
    if (!out.ok()) {
      std::fprintf(stderr, "%s\n", out.status().to_string().c_str());
      return 2;
    }
  }
  int tasks = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/self/task")) {
    ++tasks;
  }
  const char* omp = std::getenv("OMP_NUM_THREADS");
  std::printf("threads option %d, OMP_NUM_THREADS %s: the process has %d thread(s)\n", threads,
              omp ? omp : "(unset)", tasks);
  const bool holds = threads == 1 ? tasks == 1 : tasks >= threads;
  std::printf("%s\n", holds ? "PASS" : "FAIL: the session did not obey its thread count");
  return holds ? 0 : 1;
}

// Session options a test run is given through the environment, so that ctest can run the same
// suite with each ConvTranspose algorithm forced: ORTL_TEST_DECONV_ALGORITHM=<name> (the names
// of deconv_algorithm_name(); unset: auto).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ort_lite/options.h"

namespace ort_lite::testing_util {

inline SessionOptions test_session_options(Backend backend) {
  SessionOptions options;
  options.backend = backend;
  if (const char* name = std::getenv("ORTL_TEST_DECONV_ALGORITHM")) {
    const auto algorithm = deconv_algorithm_from_name(name);
    if (!algorithm) {
      std::fprintf(stderr, "ORTL_TEST_DECONV_ALGORITHM=%s names no algorithm\n", name);
      std::abort();  // a test set-up mistake, not a library path
    }
    options.deconv_algorithm = *algorithm;
  }
  // ORTL_TEST_EAGER_CHANNELS_LAST=1: graph inputs enter channels-last (every op's
  // channels-last path); ORTL_TEST_OPT_LEVEL=0: no layouts, no fusions.
  if (const char* eager = std::getenv("ORTL_TEST_EAGER_CHANNELS_LAST")) {
    options.optimizations.eager_channels_last = std::string(eager) == "1";
  }
  if (const char* level = std::getenv("ORTL_TEST_OPT_LEVEL")) {
    options.optimizations = Optimizations::level(std::atoi(level));
  }
  return options;
}

}  // namespace ort_lite::testing_util

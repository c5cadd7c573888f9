// This machine's peak float32 FMA throughput, measured: the denominator of "% of peak".
#pragma once

#include <string>

namespace ort_lite::bench {

struct Peak {
  double gflops = 0;  // all threads together
  std::string isa;    // "avx512f" or "avx2+fma"
};

// Runs independent FMA chains on `threads` OpenMP threads (best of a few trials, ~0.1 s).
Peak measure_peak(int threads);

}  // namespace ort_lite::bench

// The raw oneDNN primitive on a Conv / ConvTranspose problem, timed on its own: what a user
// who calls oneDNN directly gets (every layout `any`, nothing reordered inside the timing).
// The benchmark tool shows it beside ort-lite's op path, as the baseline to beat.
#pragma once

#include <memory>
#include <string>

#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/status.h"

namespace ort_lite::onednn {

class RawPrimitive {
 public:
  // Creates the primitive under the caller's OpenMP thread count (oneDNN fixes it now) with
  // its inputs filled. Problems that need a window (pads outside oneDNN's range) get the
  // window's primitive.
  static Result<std::unique_ptr<RawPrimitive>> create(const conv::ConvProblem& problem);
  ~RawPrimitive();

  // Executes once and returns the wall time in milliseconds.
  double run_once();
  // oneDNN's impl_info_str(), e.g. "brg:avx512_core".
  const std::string& implementation() const;

 private:
  struct State;
  explicit RawPrimitive(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ort_lite::onednn

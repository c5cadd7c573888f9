// The public C++ API: load a model once, run it many times, from many threads.
//
//   auto session = ort_lite::Session::load("model.onnx");
//   if (!session.ok()) { std::cerr << session.status().to_string() << "\n"; return 2; }
//   auto outputs = (*session)->run({{"input", tensor}});
//
// A Session holds the imported graph and a bounded cache of prepared plans, one per distinct
// set of input shapes (a plan holds packed weights and oneDNN primitives for those shapes).
// run() is const and thread-safe; each call has its own intermediate tensors.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/options.h"
#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

// What a prepared plan chose for one node.
struct NodeReport {
  std::string node;            // node label: "Conv 'conv1'"
  std::string implementation;  // e.g. "onednn brgconv:avx512_core, weights AcdB64a4b"
  std::vector<Shape> output_shapes;
};

// One executed step of a profiled run: a node, or a step the plan added (a layout reorder).
struct StepProfile {
  std::string node;            // "Conv 'conv1'"
  std::string op_type;         // "Conv"
  std::string implementation;  // as in NodeReport
  double start_us = 0;         // since the run began
  double duration_us = 0;
};

struct RunProfile {
  double total_us = 0;
  std::vector<StepProfile> steps;  // in execution order; folded nodes do not run
};

// The memory one run of a prepared plan uses for activations.
struct PlanMemory {
  size_t arena_bytes = 0;    // every intermediate, packed by lifetime (one arena per run)
  size_t scratch_bytes = 0;  // the kernels' scratch (oneDNN scratchpads, reorders)
  size_t output_bytes = 0;   // the graph outputs, allocated per run for the caller
  size_t total() const { return arena_bytes + scratch_bytes + output_bytes; }
};

class Session {
 public:
  // Imports an ONNX file and checks that every op is supported (all unsupported ops are listed
  // in one error).
  static Result<std::unique_ptr<Session>> load(const std::string& model_path,
                                               SessionOptions options = {});
  // Same from an already imported graph.
  static Result<std::unique_ptr<Session>> create(Graph graph, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::vector<ValueInfo>& inputs() const;
  const std::vector<ValueInfo>& outputs() const;
  const SessionOptions& options() const;

  // Runs the model. Every graph input must be given once by name; outputs come back in the
  // graph's output order and never share bytes with the inputs (an output that is a view of an
  // input is copied), so the caller may reuse or free its input buffers after the call.
  Result<std::vector<NamedTensor>> run(const std::vector<NamedTensor>& inputs) const;
  // The same, and fills `profile` with each step's wall time (two clock reads per step).
  Result<std::vector<NamedTensor>> run(const std::vector<NamedTensor>& inputs,
                                       RunProfile* profile) const;

  // Prepares (or finds) the plan for these input shapes and reports each node's choice.
  Result<std::vector<NodeReport>> describe(const std::vector<NamedTensor>& inputs) const;
  // ... and the activation memory a run of that plan needs.
  Result<PlanMemory> memory(const std::vector<NamedTensor>& inputs) const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ort_lite

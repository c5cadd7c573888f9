// One Conv or ConvTranspose layer for the benchmark: parsed from a benchdnn-style one-line
// descriptor, turned into a one-node ONNX graph, and run through ort-lite's own op path.
//
// Descriptor: letters followed by numbers, in any order, e.g. g1mb1ic64ih16oc32oh32kh4sh2ph1.
//   g groups (1)  mb batch (1)  ic, oc channels (required)
//   i/o/k/s/d/p + d|h|w: input, output, kernel, stride, dilation, pads per axis (depth, height,
//   width). The axes present set the rank: any 'd' axis -> 3-D, else any 'h' -> 2-D, else 1-D;
//   a missing h or w value copies the first axis (ih16 alone means 16x16).
//   Pads: ph1 is 1 at both ends, ph1_2 is 1 at the start and 2 at the end (negative allowed).
//   op + axis: ConvTranspose output_padding (oph1).
//   Dilation is ONNX's (1 = dense), not benchdnn's gap count. Strides default to 1, pads to 0.
//   o values are checked against the computed size; for a ConvTranspose without pads they set
//   output_shape instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/status.h"

namespace ort_lite::bench {

struct LayerSpec {
  std::string name;        // the suite's name, or the descriptor
  std::string descriptor;  // as given
  conv::ConvKind kind = conv::ConvKind::kConv;
  std::string auto_pad;  // empty: NOTSET
  bool bias = true;
  int64_t batch = 1, groups = 1, in_channels = 0, out_channels = 0;
  std::vector<int64_t> input, kernel, strides, dilations, pads_begin, pads_end, output_padding;
  std::vector<int64_t> output;  // requested output sizes; empty when not given

  int rank() const { return static_cast<int>(input.size()); }
};

Result<LayerSpec> parse_layer(const std::string& descriptor, conv::ConvKind kind);

// The one-node graph (X a graph input, W and B random initializers with a fixed seed) and the
// resolved problem it computes.
struct LayerModel {
  Graph graph;
  conv::ConvProblem problem;
};
Result<LayerModel> build_layer_model(const LayerSpec& spec);

// Multiply-adds times two.
double layer_flops(const conv::ConvProblem& problem);

}  // namespace ort_lite::bench

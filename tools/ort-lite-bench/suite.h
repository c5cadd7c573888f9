// The bundled suite: realistic Conv / ConvTranspose layers from the nets ort-lite is built for.
#pragma once

#include <vector>

#include "ort_lite/ops/conv_problem.h"

namespace ort_lite::bench {

struct SuiteLayer {
  const char* name;
  conv::ConvKind kind;
  const char* descriptor;  // layer.h's syntax
  const char* auto_pad;    // "" or an ONNX auto_pad value
  const char* from;        // where a layer like it runs
};

const std::vector<SuiteLayer>& suite_layers();

}  // namespace ort_lite::bench

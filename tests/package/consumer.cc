// A program using ort-lite as an installed library would: load a model, read an input and the
// expected output from .npy files, run, and compare. Exit 0 only when every value matches.
//
//   consumer MODEL.onnx INPUT.npy EXPECTED.npy
#include <cmath>
#include <cstdio>

#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL.onnx INPUT.npy EXPECTED.npy\n", argv[0]);
    return 2;
  }
  auto session = ort_lite::Session::load(argv[1]);
  auto input = ort_lite::read_npy(argv[2]);
  auto expected = ort_lite::read_npy(argv[3]);
  for (const ort_lite::Status& status : {session.status(), input.status(), expected.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.to_string().c_str());
      return 1;
    }
  }
  auto outputs = (*session)->run({{(*session)->inputs()[0].name, *input}});
  if (!outputs.ok()) {
    std::fprintf(stderr, "%s\n", outputs.status().to_string().c_str());
    return 1;
  }
  const auto actual = (*outputs)[0].tensor.values<float>();
  const auto wanted = expected->values<float>();
  if (actual.size() != wanted.size()) {
    std::fprintf(stderr, "%zu output values, expected %zu\n", actual.size(), wanted.size());
    return 1;
  }
  double worst = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    worst =
        std::fmax(worst, std::fabs(actual[i] - wanted[i]) / (1e-5 + 1e-4 * std::fabs(wanted[i])));
  }
  std::printf("%s: %zu values, worst error %.3g of the tolerance\n", argv[1], actual.size(), worst);
  return worst <= 1 ? 0 : 1;
}

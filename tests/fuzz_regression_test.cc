// Inputs the fuzzers once broke ort-lite with, replayed on every test run: each must end in a
// clear error (or success), never a crash, and each keeps the message that names its cause.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_model_body.h"

namespace ort_lite {
namespace {

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const std::filesystem::path kRegressions =
    std::filesystem::path(ORTL_SOURCE_DIR) / "tests" / "fuzz" / "regressions";

// Found by fuzz_model: a Tile whose output needed 31.5 GiB. It used to reach the allocator
// (and, with overcommit, the OOM killer); now prepare refuses it naming the node.
TEST(FuzzRegression, TileOutputLargerThanMemoryIsRefusedAtLoad) {
  const Status status = fuzz::load_and_run_model_bytes(
      read_bytes(kRegressions / "tile_output_larger_than_memory.onnx"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("Tile 'Tile#3': output '4': a float32 tensor of shape [1, 2, 3, "
                                  "1409286152] would need 31.5 GiB"),
            std::string::npos)
      << status.message();
}

// Found by fuzz_model: a PRelu node that names no output. Its kernel was handed no output
// tensor and wrote through a null span. Such a node breaks the operator's schema (PRelu has one
// required output), and the plan now refuses it like the one below.
TEST(FuzzRegression, PReluWithoutOutputsIsRefused) {
  const Status status =
      fuzz::load_and_run_model_bytes(read_bytes(kRegressions / "node_without_outputs.onnx"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidModel) << status.to_string();
  EXPECT_NE(status.message().find("PRelu"), std::string::npos) << status.message();
}

// Found by fuzz_model: a BatchNormalization (opset 6) with no outputs at all. Its prepare wrote
// the output type into an empty list (UBSan: reference binding to null); now the plan refuses
// any node without outputs before its op sees it.
TEST(FuzzRegression, NodeWithNoOutputsIsRefused) {
  const Status status =
      fuzz::load_and_run_model_bytes(read_bytes(kRegressions / "batch_norm_without_outputs.onnx"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidModel) << status.to_string();
  EXPECT_NE(status.message().find("the node has no outputs"), std::string::npos)
      << status.message();
}

// Found by fuzz_model: a Gemm whose A is [0, 10]. oneDNN 2.6 divided by the empty dim while
// choosing its matmul (SIGFPE, the process died); empty problems now stay with our loop.
TEST(FuzzRegression, GemmWithEmptyRowsRuns) {
  const Status status =
      fuzz::load_and_run_model_bytes(read_bytes(kRegressions / "gemm_with_empty_rows.onnx"));
  EXPECT_TRUE(status.ok()) << status.to_string();
}

// Found by fuzz_model: an empty initializer of shape [0, 2, 0, 0, 47, 68, ...] (rank 18) read
// by an Add the plan ran channels-last. Its layout reorder planned strides from the huge other
// dims (UBSan: signed overflow); an empty tensor now changes layout as a relabel.
TEST(FuzzRegression, ReorderOfAnEmptyTensorWithHugeDims) {
  const Status status = fuzz::load_and_run_model_bytes(
      read_bytes(kRegressions / "reorder_of_empty_tensor_with_huge_dims.onnx"));
  // The model is invalid further on (a Conv without W): the Add and Mul before it plan.
  EXPECT_EQ(status.code(), StatusCode::kInvalidModel) << status.to_string();
  EXPECT_NE(status.message().find("Conv 'Conv#2': takes inputs X, W"), std::string::npos)
      << status.message();
}

// Found by fuzz_model: a Tile whose repeats hold a 0 beside values near 2^38 and 2^56. The
// output is empty (so allowed), but planning its copy multiplied the huge strides (UBSan:
// signed overflow). An empty copy now plans nothing.
TEST(FuzzRegression, TileToAnEmptyOutputWithHugeRepeats) {
  const Status status = fuzz::load_and_run_model_bytes(
      read_bytes(kRegressions / "tile_empty_with_huge_repeats.onnx"));
  EXPECT_TRUE(status.ok()) << status.to_string();
}

// Found by fuzz_model: a Tile whose output (2.3e18 elements) fits an int64 count but not in
// bytes: planning its copy overflowed the byte strides before the plan could refuse the size.
// Prepare-time sizes now saturate, and the output is refused naming the node.
TEST(FuzzRegression, TileOutputOverflowingBytesIsRefused) {
  const Status status = fuzz::load_and_run_model_bytes(
      read_bytes(kRegressions / "tile_output_overflowing_bytes.onnx"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.to_string();
  EXPECT_NE(status.message().find("Tile"), std::string::npos) << status.to_string();
}

// Found by fuzz_model (campaign of 19.5 million runs): Pad nodes (opset 6) whose pads make an
// output of 13 billion rows, or an axis of 268 million elements. Prepare built a table of
// source indices per output axis before the output's size was checked: 107 GB asked of the
// allocator (ASan: out of memory; in release, std::bad_alloc or the OOM killer). Pad now
// computes its source indices and checks its output first; both are refused naming the node.
TEST(FuzzRegression, PadOutputLargerThanMemoryIsRefusedBeforeAnyTable) {
  for (const char* file : {"pad_with_an_output_axis_of_13_billion.onnx",
                           "pad_with_an_output_axis_of_268_million.onnx"}) {
    const Status status = fuzz::load_and_run_model_bytes(read_bytes(kRegressions / file));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << file << ": " << status.to_string();
    EXPECT_NE(status.message().find("Pad 'Pad#0'"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("would need"), std::string::npos) << status.message();
  }
}

// Found by fuzz_model (UBSan): a Pad-2 on int64 data with `value` -1.6e26 converted the float
// out of the integer's range at prepare (undefined behaviour), before the misspelled mode was
// refused. The value now converts as Cast does (saturating); the model is refused for its mode.
TEST(FuzzRegression, Pad2FloatValueOutOfTheIntegerRange) {
  const Status status = fuzz::load_and_run_model_bytes(
      read_bytes(kRegressions / "pad2_integer_data_with_a_float_value_of_-1.6e26.onnx"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidModel) << status.to_string();
  EXPECT_NE(status.message().find("attribute 'mode'"), std::string::npos) << status.message();
}

// Every kept input, whatever its outcome, runs without crashing.
TEST(FuzzRegression, EveryKeptInputEndsWithoutCrashing) {
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kRegressions)) {
    (void)fuzz::load_and_run_model_bytes(read_bytes(entry.path()));
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

}  // namespace
}  // namespace ort_lite

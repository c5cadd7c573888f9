// ONNX backend conformance: ONNX's own backend tests (Debian's libonnx-testdata).
//
// tests/conformance/*.txt is an allow-list of test folders (relative to
// ORTL_ONNX_TESTDATA_DIR) expected to pass; each runs once per backend, over every
// test_data_set_*. Exclusions sit in the same files as "# exclude <dir>: <reason>".
// ManifestCoversEveryImplementedTest fails on any test folder under node/, pytorch-converted/ or
// pytorch-operator/ whose ops are all registered (at the model's opset) but which the manifest
// does not mention, so the manifest grows as ops land, as a diff. When the run ends, a summary
// prints the manifest size, the passes per backend and the passes per operator type.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/kernel.h"
#include "ort_lite/session.h"
#include "test_options.h"

#if __has_include("ort_lite/ops/registry.h")
#include "ort_lite/ops/registry.h"
#else
// ort_lite links ort_lite_ops privately, so its include folder does not reach this test; the
// library itself is on the link line. TODO(models issue): link ort_lite_ops into
// conformance_test (tests/CMakeLists.txt) and drop this declaration.
namespace ort_lite {
void register_builtin_ops(OpRegistry& registry);
}  // namespace ort_lite
#endif

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

// Floating-point outputs: |actual - expected| <= kAtol + kRtol * |expected| (NaN matches NaN);
// integer and bool outputs must be equal.
constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-4;
// The test-data folders the manifest must cover.
constexpr const char* kSearchedFolders[] = {"node", "pytorch-converted", "pytorch-operator"};

fs::path testdata_dir() { return ORTL_ONNX_TESTDATA_DIR; }
// The allow-list: every *.txt file in this folder (one per area of ops).
fs::path manifest_path() { return fs::path(ORTL_SOURCE_DIR) / "tests" / "conformance"; }

std::string trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

struct Manifest {
  bool readable = false;
  std::vector<std::string> tests;
  std::map<std::string, std::string> exclusions;  // dir -> reason
  std::vector<std::string> problems;              // malformed lines, duplicates
};

void read_manifest_file(const fs::path& path, Manifest& manifest, std::set<std::string>& seen) {
  std::ifstream in(path);
  if (!in) {
    manifest.problems.push_back(fmt::format("{}: cannot read", path.string()));
    return;
  }
  const std::string file = path.filename().string();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(line);
    if (line.empty()) continue;
    if (line[0] == '#') {
      const std::string comment = trim(line.substr(1));
      if (!comment.starts_with("exclude ")) continue;
      const size_t colon = comment.find(':');
      const std::string dir =
          trim(comment.substr(8, colon == std::string::npos ? std::string::npos : colon - 8));
      const std::string reason = colon == std::string::npos ? "" : trim(comment.substr(colon + 1));
      if (dir.empty() || reason.empty()) {
        manifest.problems.push_back(
            fmt::format("{}:{}: an exclusion needs '# exclude <dir>: <reason>'", file, number));
        continue;
      }
      if (!seen.insert(dir).second) {
        manifest.problems.push_back(fmt::format("{}:{}: {} listed twice", file, number, dir));
      }
      manifest.exclusions[dir] = reason;
      continue;
    }
    if (!seen.insert(line).second) {
      manifest.problems.push_back(fmt::format("{}:{}: {} listed twice", file, number, line));
      continue;
    }
    manifest.tests.push_back(line);
  }
}

Manifest read_manifest() {
  Manifest manifest;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(manifest_path(), ec)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  if (files.empty()) return manifest;
  std::sort(files.begin(), files.end());
  manifest.readable = true;
  std::set<std::string> seen;
  for (const fs::path& file : files) read_manifest_file(file, manifest, seen);
  return manifest;
}

const Manifest& manifest() {
  static const Manifest kManifest = read_manifest();
  return kManifest;
}

struct ConformanceCase {
  std::string test;  // "node/test_convtranspose_pads"
  Backend backend;
  std::string backend_label;
};

// For gtest's messages ("where GetParam() = node/test_convtranspose_pads [onednn]").
void PrintTo(const ConformanceCase& c, std::ostream* os) {
  *os << c.test << " [" << c.backend_label << "]";
}

std::vector<ConformanceCase> conformance_cases() {
  std::vector<ConformanceCase> cases;
  for (const std::string& test : manifest().tests) {
    cases.push_back({test, Backend::kOneDnn, "onednn"});
    cases.push_back({test, Backend::kReference, "reference"});
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<ConformanceCase>& info) {
  std::string name = info.param.test + "_" + info.param.backend_label;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Element i of a floating-point tensor as double.
double float_at(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat32:
      return t.data<float>()[i];
    case DType::kFloat64:
      return t.data<double>()[i];
    case DType::kFloat16:
      return half_to_float(static_cast<const uint16_t*>(t.raw_data())[i]);
    default:
      return NAN;
  }
}

// Element i of an integer or bool tensor as int64.
int64_t int_at(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kInt8:
      return t.data<int8_t>()[i];
    case DType::kUInt8:
      return t.data<uint8_t>()[i];
    case DType::kInt32:
      return t.data<int32_t>()[i];
    case DType::kInt64:
      return t.data<int64_t>()[i];
    case DType::kBool:
      return t.data<bool>()[i] ? 1 : 0;
    default:
      return 0;
  }
}

bool is_floating(DType dtype) {
  return dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kFloat16;
}

std::string index_string(const Shape& shape, int64_t flat) {
  Shape index(shape.size());
  for (int64_t axis = static_cast<int64_t>(shape.size()) - 1; axis >= 0; --axis) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return shape_to_string(index);
}

// Element-wise comparison; an empty string when `actual` matches `expected`. Every dtype is
// compared: floating point within kRtol/kAtol, integers and bools exactly.
std::string compare(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != expected.dtype()) {
    return fmt::format("dtype {} differs from expected {}", dtype_name(actual.dtype()),
                       dtype_name(expected.dtype()));
  }
  if (actual.shape() != expected.shape()) {
    return fmt::format("shape {} differs from expected {}", shape_to_string(actual.shape()),
                       shape_to_string(expected.shape()));
  }
  const int64_t n = actual.element_count();
  int64_t mismatches = 0;
  int64_t worst = -1;
  if (!is_floating(actual.dtype())) {
    for (int64_t i = 0; i < n; ++i) {
      if (int_at(actual, i) == int_at(expected, i)) continue;
      if (mismatches++ == 0) worst = i;
    }
    if (mismatches == 0) return "";
    return fmt::format("{} of {} {} elements differ; first at {}: actual {}, expected {}",
                       mismatches, n, dtype_name(actual.dtype()),
                       index_string(actual.shape(), worst), int_at(actual, worst),
                       int_at(expected, worst));
  }
  double worst_ratio = 0;
  double max_abs_error = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double a = float_at(actual, i);
    const double e = float_at(expected, i);
    double ratio = 0;
    if (std::isnan(a) || std::isnan(e)) {
      ratio = std::isnan(a) && std::isnan(e) ? 0 : INFINITY;
    } else if (a != e) {  // also equal infinities
      const double error = std::abs(a - e);
      max_abs_error = std::max(max_abs_error, error);
      ratio = error / (kAtol + kRtol * std::abs(e));
      if (std::isnan(ratio)) ratio = INFINITY;  // inf - inf
    }
    if (ratio > 1) ++mismatches;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  if (mismatches == 0) return "";
  return fmt::format(
      "{} of {} elements outside rtol {} atol {}; max abs error {:.3g}; worst at {}: actual "
      "{:.9g}, expected {:.9g}",
      mismatches, n, kRtol, kAtol, max_abs_error, index_string(actual.shape(), worst),
      float_at(actual, worst), float_at(expected, worst));
}

// input_0.pb, input_1.pb, ... (or output_*) in numeric order.
std::vector<fs::path> numbered_files(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0; fs::exists(dir / fmt::format("{}_{}.pb", prefix, i)); ++i) {
    files.push_back(dir / fmt::format("{}_{}.pb", prefix, i));
  }
  return files;
}

std::vector<fs::path> data_sets(const fs::path& test_dir) {
  std::vector<fs::path> sets;
  for (const fs::directory_entry& entry : fs::directory_iterator(test_dir)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_")) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

// Reads a data set's inputs: by the .pb's name when it names a free graph input, else the next
// free graph input in order.
Result<std::vector<NamedTensor>> read_inputs(const Session& session, const fs::path& set_dir) {
  std::vector<NamedTensor> files;
  for (const fs::path& path : numbered_files(set_dir, "input")) {
    ORTL_ASSIGN_OR_RETURN(NamedTensor named, read_tensor_pb(path.string()));
    files.push_back(std::move(named));
  }
  std::set<std::string> graph_names;
  for (const ValueInfo& info : session.inputs()) graph_names.insert(info.name);
  std::set<std::string> taken;
  std::vector<bool> by_name(files.size(), false);
  for (size_t i = 0; i < files.size(); ++i) {
    if (graph_names.count(files[i].name) > 0 && taken.insert(files[i].name).second) {
      by_name[i] = true;
    }
  }
  std::vector<NamedTensor> inputs;
  size_t next = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!by_name[i]) {
      while (next < session.inputs().size() && taken.count(session.inputs()[next].name) > 0) {
        ++next;
      }
      if (next == session.inputs().size()) {
        return invalid_argument(
            fmt::format("{}: more input files than graph inputs", set_dir.string()));
      }
      files[i].name = session.inputs()[next].name;
      taken.insert(files[i].name);
    }
    inputs.push_back(std::move(files[i]));
  }
  return inputs;
}

// What the run saw, for the summary printed when it ends.
struct RunSummary {
  std::map<std::string, int> passes;  // backend -> passing tests
  std::map<std::string, int> runs;    // backend -> tests run
  // op type -> backend -> passing tests that use it
  std::map<std::string, std::map<std::string, int>> op_passes;
};

RunSummary& run_summary() {
  static RunSummary summary;
  return summary;
}

// The op types of a model, as imported (Constant nodes are folded by the importer).
std::set<std::string> op_types(const Graph& graph) {
  std::set<std::string> types;
  for (const Node& node : graph.nodes) {
    types.insert(node.domain.empty() || node.domain == "ai.onnx"
                     ? node.op_type
                     : node.domain + "." + node.op_type);
  }
  return types;
}

class Conformance : public testing::TestWithParam<ConformanceCase> {};

TEST_P(Conformance, MatchesExpectedOutputs) {
  const ConformanceCase& param = GetParam();
  const fs::path test_dir = testdata_dir() / param.test;
  ASSERT_TRUE(fs::is_directory(test_dir))
      << test_dir << " does not exist: install libonnx-testdata (scripts install it)";
  ++run_summary().runs[param.backend_label];

  const SessionOptions options = testing_util::test_session_options(param.backend);
  Result<std::unique_ptr<Session>> session =
      Session::load((test_dir / "model.onnx").string(), options);
  ASSERT_TRUE(session.ok()) << session.status().to_string();

  const std::vector<fs::path> sets = data_sets(test_dir);
  ASSERT_FALSE(sets.empty()) << test_dir << " holds no test_data_set_*";
  for (const fs::path& set_dir : sets) {
    SCOPED_TRACE(set_dir.string());
    Result<std::vector<NamedTensor>> inputs = read_inputs(**session, set_dir);
    ASSERT_TRUE(inputs.ok()) << inputs.status().to_string();
    Result<std::vector<NamedTensor>> outputs = (*session)->run(*inputs);
    ASSERT_TRUE(outputs.ok()) << outputs.status().to_string();

    const std::vector<fs::path> expected_files = numbered_files(set_dir, "output");
    ASSERT_EQ(outputs->size(), expected_files.size()) << "outputs vs output_*.pb files";
    for (size_t i = 0; i < expected_files.size(); ++i) {
      Result<NamedTensor> expected = read_tensor_pb(expected_files[i].string());
      ASSERT_TRUE(expected.ok()) << expected.status().to_string();
      const std::string mismatch = compare((*outputs)[i].tensor, expected->tensor);
      EXPECT_TRUE(mismatch.empty())
          << "output " << i << " '" << (*outputs)[i].name << "': " << mismatch;
    }
  }
  if (HasFailure()) return;
  ++run_summary().passes[param.backend_label];
  Result<Graph> graph = import_onnx_file((test_dir / "model.onnx").string());
  if (graph.ok()) {
    for (const std::string& type : op_types(*graph)) {
      ++run_summary().op_passes[type][param.backend_label];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Onnx, Conformance, testing::ValuesIn(conformance_cases()), case_name);

TEST(ConformanceManifest, IsReadableAndWellFormed) {
  ASSERT_TRUE(manifest().readable) << "cannot read " << manifest_path();
  EXPECT_FALSE(manifest().tests.empty());
  EXPECT_TRUE(manifest().problems.empty())
      << fmt::format("{}", fmt::join(manifest().problems, "\n"));
  for (const auto& [dir, reason] : manifest().exclusions) {
    EXPECT_EQ(std::count(manifest().tests.begin(), manifest().tests.end(), dir), 0)
        << dir << " is both listed and excluded";
  }
}

// Every test folder whose model ort-lite can import and whose nodes' ops are all registered at
// the model's opsets must be listed or excluded: as ops land, their tests join the manifest.
// And every listed or excluded folder must exist.
TEST(ConformanceManifest, ManifestCoversEveryImplementedTest) {
  ASSERT_TRUE(fs::is_directory(testdata_dir()))
      << testdata_dir() << " does not exist: install libonnx-testdata (scripts install it)";
  ASSERT_TRUE(manifest().readable) << "cannot read " << manifest_path();
  OpRegistry registry;
  register_builtin_ops(registry);
  const std::set<std::string> listed(manifest().tests.begin(), manifest().tests.end());
  std::vector<std::string> missing;
  int implemented = 0;
  int not_importable = 0;
  int scanned = 0;
  for (const char* folder : kSearchedFolders) {
    const fs::path dir = testdata_dir() / folder;
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " does not exist";
    std::vector<fs::path> tests;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      if (entry.is_directory() && fs::exists(entry.path() / "model.onnx")) {
        tests.push_back(entry.path());
      }
    }
    std::sort(tests.begin(), tests.end());
    for (const fs::path& test : tests) {
      ++scanned;
      const std::string relative = std::string(folder) + "/" + test.filename().string();
      Result<Graph> graph = import_onnx_file((test / "model.onnx").string());
      if (!graph.ok()) {
        ++not_importable;
        continue;
      }
      const bool all_registered =
          std::all_of(graph->nodes.begin(), graph->nodes.end(), [&](const Node& node) {
            return registry.find(node.domain, node.op_type, node.opset) != nullptr;
          });
      if (!all_registered) continue;
      ++implemented;
      if (listed.count(relative) == 0 && manifest().exclusions.count(relative) == 0) {
        missing.push_back(relative);
      }
    }
  }
  std::printf(
      "[ coverage ] %d test folders scanned, %d not importable, %d with every op "
      "registered, %zu of those not in the manifest\n",
      scanned, not_importable, implemented, missing.size());
  EXPECT_GT(implemented, 0);
  EXPECT_TRUE(missing.empty()) << missing.size()
                               << " test folder(s) implemented but not in the manifest "
                               << manifest_path() << " (list them, or exclude with a reason):\n  "
                               << fmt::format("{}", fmt::join(missing, "\n  "));
  for (const std::string& test : manifest().tests) {
    EXPECT_TRUE(fs::is_directory(testdata_dir() / test)) << test << " is listed but missing";
  }
  for (const auto& [test, reason] : manifest().exclusions) {
    EXPECT_TRUE(fs::is_directory(testdata_dir() / test)) << test << " is excluded but missing";
  }
}

// When the run ends: the manifest size, the passes per backend and per operator type, for the
// closing note of an issue. (Under ctest each test runs in its own process; run the binary
// itself for the whole table.)
class SummaryEnvironment : public testing::Environment {
 public:
  void TearDown() override {
    const RunSummary& s = run_summary();
    if (s.runs.empty()) return;
    std::printf("\n[ summary  ] manifest: %zu tests listed, %zu excluded\n",
                manifest().tests.size(), manifest().exclusions.size());
    for (const auto& [backend, runs] : s.runs) {
      const auto pass = s.passes.find(backend);
      std::printf("[ summary  ] %s: %d of %d passed\n", backend.c_str(),
                  pass == s.passes.end() ? 0 : pass->second, runs);
    }
    std::printf("[ summary  ] passing tests per op type (onednn / reference):\n");
    for (const auto& [type, by_backend] : s.op_passes) {
      auto count = [&](const char* backend) {
        auto it = by_backend.find(backend);
        return it == by_backend.end() ? 0 : it->second;
      };
      std::printf("[ summary  ]   %-28s %4d / %4d\n", type.c_str(), count("onednn"),
                  count("reference"));
    }
  }
};
[[maybe_unused]] testing::Environment* const kSummaryEnvironment =
    testing::AddGlobalTestEnvironment(new SummaryEnvironment);

}  // namespace
}  // namespace ort_lite

// ONNX backend conformance: the Conv/ConvTranspose tests of ONNX's own test data.
//
// tests/conformance/*.txt is an allow-list of test folders (relative to
// ORTL_ONNX_TESTDATA_DIR, from Debian's libonnx-testdata) expected to pass; each runs once per
// backend. Exclusions sit in the same file as "# exclude <dir>: <reason>".
// ManifestCoversEveryConvTest fails on any conv test folder the manifest does not mention, so
// new test data shows up as a manifest diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-4;
// The test-data folders whose conv tests the manifest must cover.
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

// Element-wise comparison; an empty string when `actual` matches `expected`.
std::string compare(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != expected.dtype()) {
    return fmt::format("dtype {} differs from expected {}", dtype_name(actual.dtype()),
                       dtype_name(expected.dtype()));
  }
  if (actual.shape() != expected.shape()) {
    return fmt::format("shape {} differs from expected {}", shape_to_string(actual.shape()),
                       shape_to_string(expected.shape()));
  }
  if (actual.dtype() != DType::kFloat32) {
    return fmt::format("dtype {}: only float32 outputs are compared", dtype_name(actual.dtype()));
  }
  std::span<const float> a = actual.values<float>();
  std::span<const float> e = expected.values<float>();
  int64_t mismatches = 0;
  int64_t worst = -1;
  double worst_ratio = 0;
  double max_abs_error = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double ratio = 0;
    if (std::isnan(a[i]) || std::isnan(e[i])) {
      ratio = std::isnan(a[i]) && std::isnan(e[i]) ? 0 : INFINITY;
    } else if (a[i] != e[i]) {
      const double error = std::abs(static_cast<double>(a[i]) - e[i]);
      max_abs_error = std::max(max_abs_error, error);
      ratio = error / (kAtol + kRtol * std::abs(static_cast<double>(e[i])));
    }
    if (ratio > 1) ++mismatches;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = static_cast<int64_t>(i);
    }
  }
  if (mismatches == 0) return "";
  Shape index(actual.shape().size());
  for (int64_t axis = actual.rank() - 1, flat = worst; axis >= 0; --axis) {
    index[axis] = flat % actual.shape()[axis];
    flat /= actual.shape()[axis];
  }
  return fmt::format(
      "{} of {} elements outside rtol {} atol {}; max abs error {:.3g}; worst at {}: actual "
      "{:.9g}, expected {:.9g}",
      mismatches, a.size(), kRtol, kAtol, max_abs_error, shape_to_string(index), a[worst],
      e[worst]);
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

class Conformance : public testing::TestWithParam<ConformanceCase> {};

TEST_P(Conformance, MatchesExpectedOutputs) {
  const ConformanceCase& param = GetParam();
  const fs::path test_dir = testdata_dir() / param.test;
  ASSERT_TRUE(fs::is_directory(test_dir))
      << test_dir << " does not exist: install libonnx-testdata (scripts install it)";

  SessionOptions options;
  options.backend = param.backend;
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

TEST(ConformanceManifest, ManifestCoversEveryConvTest) {
  ASSERT_TRUE(fs::is_directory(testdata_dir()))
      << testdata_dir() << " does not exist: install libonnx-testdata (scripts install it)";
  ASSERT_TRUE(manifest().readable) << "cannot read " << manifest_path();
  const std::set<std::string> listed(manifest().tests.begin(), manifest().tests.end());
  std::vector<std::string> missing;
  int found = 0;
  for (const char* folder : kSearchedFolders) {
    const fs::path dir = testdata_dir() / folder;
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " does not exist";
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (!entry.is_directory() || lower.find("conv") == std::string::npos) continue;
      ++found;
      const std::string relative = std::string(folder) + "/" + name;
      if (listed.count(relative) == 0 && manifest().exclusions.count(relative) == 0) {
        missing.push_back(relative);
      }
    }
  }
  std::sort(missing.begin(), missing.end());
  EXPECT_GT(found, 0);
  EXPECT_TRUE(missing.empty()) << "conv tests neither in " << manifest_path()
                               << " nor excluded there:\n  "
                               << fmt::format("{}", fmt::join(missing, "\n  "));
  // And the other way round: every listed or excluded folder exists.
  for (const std::string& test : manifest().tests) {
    EXPECT_TRUE(fs::is_directory(testdata_dir() / test)) << test << " is listed but missing";
  }
  for (const auto& [test, reason] : manifest().exclusions) {
    EXPECT_TRUE(fs::is_directory(testdata_dir() / test)) << test << " is excluded but missing";
  }
}

}  // namespace
}  // namespace ort_lite

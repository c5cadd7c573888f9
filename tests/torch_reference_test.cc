// Conv / ConvTranspose against PyTorch: expected values and sizes computed outside ort-lite.
//
// tests/data/torch_conv/cases.txt lists one single-node model per line ("name op attr=v1,v2 ...",
// ONNX attribute names); <name>.{x,w,b,y}.npy hold the input, weights, optional bias and the
// output PyTorch computed (regenerate with tests/data/torch_conv/make_cases.py). Every case runs
// on both backends; one test per case and backend, named after both.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "conv_test_util.h"
#include "ort_lite/importers/tensor_io.h"
#include "torch_cases.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

// Up to `limit` cells where |a - e| > atol + rtol * |e|, as "[n,c,...] actual vs expected".
std::string differing_cells(const Tensor& actual, const Tensor& expected, double rtol, double atol,
                            int limit = 8) {
  if (actual.shape() != expected.shape()) return {};
  auto a = actual.values<float>();
  auto e = expected.values<float>();
  const Shape& shape = expected.shape();
  std::string out;
  int listed = 0;
  for (size_t i = 0; i < a.size() && listed < limit; ++i) {
    const double diff = std::abs(static_cast<double>(a[i]) - e[i]);
    if (diff <= atol + rtol * std::abs(e[i])) continue;
    std::vector<int64_t> index(shape.size());
    size_t rest = i;
    for (size_t d = shape.size(); d-- > 0;) {
      index[d] = static_cast<int64_t>(rest % static_cast<size_t>(shape[d]));
      rest /= static_cast<size_t>(shape[d]);
    }
    out += fmt::format("\n    {}: {} vs expected {}", shape_to_string(index), a[i], e[i]);
    ++listed;
  }
  return out;
}

struct Param {
  TorchCase c;
  Backend backend;
};

// gtest prints the parameter of a failing test: the cases.txt line and the backend.
void PrintTo(const Param& p, std::ostream* os) {
  *os << "'" << p.c.line << "' on " << backend_name(p.backend);
}

std::vector<Param> all_params() {
  std::vector<Param> params;
  for (const TorchCase& c : case_file().cases) {
    for (Backend backend : {Backend::kOneDnn, Backend::kReference}) params.push_back({c, backend});
  }
  return params;
}

class TorchReference : public testing::TestWithParam<Param> {};

TEST_P(TorchReference, MatchesPyTorch) {
  const auto& [c, backend] = GetParam();
  SCOPED_TRACE(c.line);
  const fs::path base = kCaseDir / c.name;
  auto x = read_npy(base.string() + ".x.npy");
  ASSERT_TRUE(x.ok()) << x.status().to_string();
  auto w = read_npy(base.string() + ".w.npy");
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  auto y = read_npy(base.string() + ".y.npy");
  ASSERT_TRUE(y.ok()) << y.status().to_string();

  testing_util::SingleConvModel model;
  model.node.name = c.name;
  model.node.op_type = c.op_type;
  model.node.attributes = c.attributes;
  model.x_shape = x->shape();
  model.weights = *w;
  const std::string bias_path = base.string() + ".b.npy";
  if (fs::exists(bias_path)) {
    auto b = read_npy(bias_path);
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    model.bias = *b;
  }

  SessionOptions options;
  options.backend = backend;
  auto session = Session::create(testing_util::make_graph(model), options);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  auto outputs = (*session)->run(testing_util::feeds(model, *x));
  ASSERT_TRUE(outputs.ok()) << outputs.status().to_string();
  ASSERT_EQ(outputs->size(), 1u);
  const Tensor& actual = (*outputs)[0].tensor;
  ASSERT_EQ(shape_to_string(actual.shape()), shape_to_string(y->shape()));
  const std::string diff = testing_util::compare(actual, *y, 1e-4, 1e-4);
  EXPECT_TRUE(diff.empty()) << diff << differing_cells(actual, *y, 1e-4, 1e-4);
}

std::string test_name(const testing::TestParamInfo<Param>& info) {
  std::string name = info.param.c.name + "_" + std::string(backend_name(info.param.backend));
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, TorchReference, testing::ValuesIn(all_params()), test_name);
// An unreadable cases.txt instantiates nothing; CaseFile.WellFormed reports why.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TorchReference);

TEST(TorchReferenceCases, FileIsWellFormedAndLargeEnough) {
  for (const std::string& error : case_file().errors) ADD_FAILURE() << error;
  EXPECT_GE(case_file().cases.size(), kMinimumCases)
      << "tests/data/torch_conv/cases.txt must list at least " << kMinimumCases << " cases";
}

// From the "Known bugs elsewhere" table: C = 32 with group 3 must be a clear error on both
// backends (at load or at the first run), never a crash or a wrong result.
TEST(TorchReferenceCases, GroupNotDividingChannelsIsRefused) {
  std::mt19937 rng(32);
  testing_util::SingleConvModel model;
  model.node.name = "c32_group3";
  model.node.op_type = "ConvTranspose";
  model.node.attributes["group"] = int64_t{3};
  model.node.attributes["strides"] = std::vector<int64_t>{2, 2};
  model.x_shape = {1, 32, 3, 3};
  model.weights = testing_util::random_tensor({32, 2, 3, 3}, rng);
  for (Backend backend : {Backend::kOneDnn, Backend::kReference}) {
    SCOPED_TRACE(std::string(backend_name(backend)));
    SessionOptions options;
    options.backend = backend;
    auto session = Session::create(testing_util::make_graph(model), options);
    std::string message;
    if (session.ok()) {
      auto outputs = (*session)->run(
          testing_util::feeds(model, testing_util::random_tensor(model.x_shape, rng)));
      ASSERT_FALSE(outputs.ok());
      message = outputs.status().message();
    } else {
      message = session.status().message();
    }
    EXPECT_NE(message.find("not divisible by group = 3"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ort_lite

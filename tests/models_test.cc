// Real conv and deconv nets exported from PyTorch (and one laid out as tf2onnx lays out a Keras
// model), run end to end on both backends against PyTorch's float32 outputs.
//
// The models, inputs and expected outputs are made by tests/data/models/make_real_models.py
// (its docstring says what each model covers). Each test prints the largest absolute and
// relative error it saw ("[ model    ] ..." lines and the gtest property max_abs_error), and a
// table of them all ends the run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"
#include "test_options.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

fs::path models_dir() { return fs::path(ORTL_TEST_DATA_DIR) / "models"; }

// float32 through a deep net: PyTorch and ort-lite sum in different orders, so a few ulps of
// the larger intermediate values; 1e-4 leaves room for that and nothing more.
constexpr double kFloat32Rtol = 1e-4;
constexpr double kFloat32Atol = 1e-4;
// A float16 output is rounded to float16 (relative step 2^-10): compare at that resolution.
constexpr double kFloat16Rtol = 1e-3;
constexpr double kFloat16Atol = 1e-3;

struct ModelCase {
  std::string name;                // <name>.onnx
  std::vector<std::string> sizes;  // tags of per-size sets (dynamic shapes); empty: one set
  double rtol = kFloat32Rtol;
  double atol = kFloat32Atol;
};

const std::vector<ModelCase>& model_cases() {
  static const std::vector<ModelCase> kCases = {
      {"dcgan_generator", {}},
      {"unet", {}},
      {"unet_bilinear", {}},
      {"espcn", {}},
      {"espcn_opset9", {}},
      {"fsrcnn", {}},
      {"conv1d_autoencoder", {}},
      {"decoder3d", {}},
      {"vae_decoder", {}},
      {"resnet_block", {}},
      {"shufflenet_unit", {}},
      {"gelu_block", {}},
      {"keras_nhwc", {}},
      // One Session, run at each size in turn and then at the first size again.
      {"dynamic_batch", {"b1", "b3", "b1"}},
      {"dynamic_hw", {"b1_16x16", "b2_24x20", "b1_16x16"}},
      {"fp16_upsampler", {}, kFloat16Rtol, kFloat16Atol},
  };
  return kCases;
}

struct ModelParam {
  ModelCase model;
  Backend backend;
};

void PrintTo(const ModelParam& p, std::ostream* os) {
  *os << p.model.name << " [" << backend_name(p.backend) << "]";
}

std::vector<ModelParam> model_params() {
  std::vector<ModelParam> params;
  for (const ModelCase& m : model_cases()) {
    params.push_back({m, Backend::kOneDnn});
    params.push_back({m, Backend::kReference});
  }
  return params;
}

std::string param_name(const testing::TestParamInfo<ModelParam>& info) {
  return info.param.model.name + "_" + std::string(backend_name(info.param.backend));
}

// "<prefix>.<kind>.npy", or "<prefix>.<kind>0.npy", "<prefix>.<kind>1.npy"...
std::vector<fs::path> numbered_npy(const std::string& prefix, const std::string& kind) {
  const fs::path single = models_dir() / fmt::format("{}.{}.npy", prefix, kind);
  if (fs::exists(single)) return {single};
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    const fs::path file = models_dir() / fmt::format("{}.{}{}.npy", prefix, kind, i);
    if (!fs::exists(file)) break;
    files.push_back(file);
  }
  return files;
}

Tensor as_float32(const Tensor& t) {
  if (t.dtype() != DType::kFloat16) return t;
  Tensor out(DType::kFloat32, t.shape());
  const auto* src = static_cast<const uint16_t*>(t.raw_data());
  float* dst = out.data<float>();
  for (int64_t i = 0; i < t.element_count(); ++i) dst[i] = half_to_float(src[i]);
  return out;
}

struct Errors {
  double max_abs = 0;
  double max_rel = 0;  // |a - e| / |e| over elements with |e| >= 1e-3
  int64_t mismatches = 0;
  std::string worst;  // the element furthest outside the tolerance
};

// |a - e| <= atol + rtol * |e|, NaN matching NaN.
Errors compare(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  Errors errors;
  std::span<const float> a = actual.values<float>();
  std::span<const float> e = expected.values<float>();
  double worst_ratio = 1;
  for (size_t i = 0; i < a.size(); ++i) {
    double ratio = 0;
    if (std::isnan(a[i]) || std::isnan(e[i])) {
      ratio = std::isnan(a[i]) && std::isnan(e[i]) ? 0 : INFINITY;
      if (ratio > 0) errors.max_abs = INFINITY;
    } else {
      const double error = std::abs(static_cast<double>(a[i]) - e[i]);
      errors.max_abs = std::max(errors.max_abs, error);
      if (std::abs(e[i]) >= 1e-3) errors.max_rel = std::max(errors.max_rel, error / std::abs(e[i]));
      ratio = error / (atol + rtol * std::abs(static_cast<double>(e[i])));
    }
    if (ratio > 1) {
      ++errors.mismatches;
      if (ratio > worst_ratio) {
        worst_ratio = ratio;
        errors.worst = fmt::format("flat index {}: actual {:.9g}, expected {:.9g}", i, a[i], e[i]);
      }
    }
  }
  return errors;
}

// Per model and backend, for the closing table.
std::map<std::string, std::map<std::string, std::string>>& summary() {
  static std::map<std::string, std::map<std::string, std::string>> table;
  return table;
}

class Models : public testing::TestWithParam<ModelParam> {};

TEST_P(Models, MatchTorch) {
  const ModelParam& p = GetParam();
  const std::string backend(backend_name(p.backend));
  std::string& cell = summary()[p.model.name][backend];
  cell = "FAIL";
  SessionOptions options = testing_util::test_session_options(p.backend);
  auto session = Session::load((models_dir() / (p.model.name + ".onnx")).string(), options);
  ASSERT_TRUE(session.ok()) << session.status().to_string();

  std::vector<std::string> prefixes;
  if (p.model.sizes.empty()) prefixes.push_back(p.model.name);
  for (const std::string& tag : p.model.sizes) prefixes.push_back(p.model.name + "." + tag);

  Errors total;
  for (const std::string& prefix : prefixes) {
    SCOPED_TRACE(prefix);
    const std::vector<fs::path> input_files = numbered_npy(prefix, "input");
    const std::vector<fs::path> expected_files = numbered_npy(prefix, "expected");
    ASSERT_FALSE(input_files.empty()) << "no " << prefix << ".input*.npy";
    ASSERT_FALSE(expected_files.empty()) << "no " << prefix << ".expected*.npy";
    ASSERT_EQ(input_files.size(), (*session)->inputs().size());
    std::vector<NamedTensor> inputs;
    for (size_t i = 0; i < input_files.size(); ++i) {
      auto tensor = read_npy(input_files[i].string());
      ASSERT_TRUE(tensor.ok()) << tensor.status().to_string();
      inputs.push_back({(*session)->inputs()[i].name, *tensor});
    }
    auto outputs = (*session)->run(inputs);
    ASSERT_TRUE(outputs.ok()) << outputs.status().to_string();
    ASSERT_EQ(outputs->size(), expected_files.size());
    for (size_t i = 0; i < expected_files.size(); ++i) {
      auto expected = read_npy(expected_files[i].string());
      ASSERT_TRUE(expected.ok()) << expected.status().to_string();
      const Tensor& actual = (*outputs)[i].tensor;
      ASSERT_EQ(actual.shape(), expected->shape()) << "output " << (*outputs)[i].name;
      // The model's declared output type (float16 for fp16_upsampler) comes back as such.
      ASSERT_EQ(actual.dtype(), (*session)->outputs()[i].dtype.value_or(DType::kFloat32));
      const Errors e = compare(as_float32(actual), *expected, p.model.rtol, p.model.atol);
      EXPECT_EQ(e.mismatches, 0) << "output '" << (*outputs)[i].name << "': " << e.mismatches
                                 << " of " << actual.element_count() << " elements outside rtol "
                                 << p.model.rtol << " atol " << p.model.atol << "; max abs error "
                                 << e.max_abs << "; worst at " << e.worst;
      total.max_abs = std::max(total.max_abs, e.max_abs);
      total.max_rel = std::max(total.max_rel, e.max_rel);
      total.mismatches += e.mismatches;
    }
  }
  RecordProperty("max_abs_error", fmt::format("{:.3g}", total.max_abs));
  RecordProperty("max_rel_error", fmt::format("{:.3g}", total.max_rel));
  std::printf("[ model    ] %s [%s]: max abs error %.3g, max rel error %.3g\n",
              p.model.name.c_str(), backend.c_str(), total.max_abs, total.max_rel);
  cell = fmt::format("{} {:.2e}", total.mismatches == 0 ? "ok" : "FAIL", total.max_abs);
}

INSTANTIATE_TEST_SUITE_P(Real, Models, testing::ValuesIn(model_params()), param_name);

// A model with several ops ort-lite lacks fails at load with ONE error naming each of them
// (and none of the supported nodes).
TEST(ModelsLoad, UnsupportedOpsAreAllListedInOneError) {
  auto session = Session::load((models_dir() / "unsupported_many.onnx").string());
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kUnsupported) << session.status().to_string();
  const std::string& message = session.status().message();
  EXPECT_NE(message.find("unsupported_many.onnx"), std::string::npos) << message;
  // Conv, Transpose, ReduceMax and Reshape are implemented: exactly two nodes are named.
  EXPECT_NE(message.find("2 node(s)"), std::string::npos) << message;
  EXPECT_NE(message.find("LSTM 'lstm0'"), std::string::npos) << message;
  EXPECT_NE(message.find("NonMaxSuppression 'nms0'"), std::string::npos) << message;
  EXPECT_EQ(message.find("conv0"), std::string::npos) << message;
}

// keras_nhwc's ONNX weights are the Keras kernels transposed by (3, 2, 0, 1), no flip:
// Conv2D (kh, kw, in, out) -> (out, in, kh, kw); Conv2DTranspose (kh, kw, out, in) ->
// (in, out, kh, kw) (../shared/CONV_SEMANTICS.md, weight layouts).
TEST(ModelsLoad, KerasKernelsMapToOnnxLayoutByTransposeOnly) {
  auto graph = import_onnx_file((models_dir() / "keras_nhwc.onnx").string());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  for (const auto& [init, file] : {std::pair{"conv_w", "keras_nhwc.conv_kernel_keras.npy"},
                                   std::pair{"deconv_w", "keras_nhwc.deconv_kernel_keras.npy"}}) {
    SCOPED_TRACE(init);
    auto keras = read_npy((models_dir() / file).string());
    ASSERT_TRUE(keras.ok()) << keras.status().to_string();
    ASSERT_EQ(graph->initializers.count(init), 1u);
    const Tensor& onnx = graph->initializers.at(init);
    const Shape& k = keras->shape();  // (kh, kw, a, b)
    ASSERT_EQ(onnx.shape(), (Shape{k[3], k[2], k[0], k[1]}));
    const float* kv = keras->data<float>();
    const float* ov = onnx.data<float>();
    int64_t differ = 0;
    for (int64_t y = 0; y < k[0]; ++y) {
      for (int64_t x = 0; x < k[1]; ++x) {
        for (int64_t a = 0; a < k[2]; ++a) {
          for (int64_t b = 0; b < k[3]; ++b) {
            differ += kv[((y * k[1] + x) * k[2] + a) * k[3] + b] !=
                      ov[((b * k[2] + a) * k[0] + y) * k[1] + x];
          }
        }
      }
    }
    EXPECT_EQ(differ, 0);
  }
}

// After all tests: the table of every model's result, for the closing note (under ctest, each
// process runs one test and prints its own row).
class SummaryEnvironment : public testing::Environment {
 public:
  void TearDown() override {
    if (summary().empty()) return;
    std::printf("\n%-20s %-22s %-22s\n", "model", "onednn (max abs err)", "reference");
    for (const ModelCase& m : model_cases()) {
      auto row = summary().find(m.name);
      if (row == summary().end()) continue;
      auto get = [&](const char* backend) -> std::string {
        return row->second.count(backend) ? row->second.at(backend) : "not run";
      };
      std::printf("%-20s %-22s %-22s\n", m.name.c_str(), get("onednn").c_str(),
                  get("reference").c_str());
    }
  }
};
[[maybe_unused]] testing::Environment* const kSummaryEnvironment =
    testing::AddGlobalTestEnvironment(new SummaryEnvironment);

}  // namespace
}  // namespace ort_lite

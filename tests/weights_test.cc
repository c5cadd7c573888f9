// Weight conventions and framework padding (ort_lite/ops/weight_conventions.h,
// framework_padding.h): the layouts element by element, each convention proven through the
// runtime against the graph form its exporter writes, the padding conversions, and the five
// questions people ask about moving conv weights, each answered by a named test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/ops/framework_padding.h"
#include "ort_lite/ops/weight_conventions.h"
#include "ort_lite/session.h"
#include "torch_cases.h"

namespace ort_lite {
namespace {

using weights::AxisShape;
using weights::Convention;
using weights::KerasAxis;
using weights::KerasPadding;
using weights::Layer;
using weights::LayerKind;
using weights::TorchAxis;

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  Tensor t(DType::kFloat32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float* data = t.data<float>();
  for (int64_t i = 0; i < t.element_count(); ++i) data[i] = dist(rng);
  return t;
}

// Row-major offset of `index` in `shape`.
int64_t offset(const Shape& shape, const std::vector<int64_t>& index) {
  int64_t off = 0;
  for (size_t i = 0; i < shape.size(); ++i) off = off * shape[i] + index[i];
  return off;
}

// Where canonical element (g, m, c, k..) sits in each convention, written out per cell of the
// table in weight_conventions.h (independently of its layout code).
std::vector<int64_t> position(const Layer& l, Convention convention, int64_t g, int64_t m,
                              int64_t c, const std::vector<int64_t>& k) {
  const int64_t out_per_group = l.out_channels / l.groups;
  const int64_t in_per_group = l.in_channels / l.groups;
  const int64_t out = g * out_per_group + m;  // the full output channel
  const int64_t in = g * in_per_group + c;    // the full input channel
  std::vector<int64_t> p;
  auto add_kernel = [&] { p.insert(p.end(), k.begin(), k.end()); };
  switch (convention) {
    case Convention::kCanonical:
      p = {g, m, c};
      add_kernel();
      return p;
    case Convention::kOnnx:
      p = l.kind == LayerKind::kConvTranspose ? std::vector<int64_t>{in, m}
                                              : std::vector<int64_t>{out, c};
      add_kernel();
      return p;
    case Convention::kKeras:
      add_kernel();
      if (l.kind == LayerKind::kConv) p.insert(p.end(), {c, out});
      if (l.kind == LayerKind::kConvTranspose) p.insert(p.end(), {out, in});
      if (l.kind == LayerKind::kDepthwise) p.insert(p.end(), {in, m});
      return p;
    case Convention::kTfLite:
      if (l.kind == LayerKind::kDepthwise) {
        p = {0};
        add_kernel();
        p.push_back(out);
        return p;
      }
      p = {out};
      add_kernel();
      p.push_back(l.kind == LayerKind::kConvTranspose ? in : c);
      return p;
  }
  return p;
}

// A graph built node by node, run through the default (oneDNN) Session.
struct GraphBuilder {
  Graph graph;
  GraphBuilder() {
    graph.source = "weights test graph";
    graph.opsets[""] = 17;
  }
  void input(const std::string& name, const Tensor& t) {
    std::vector<Dim> dims;
    for (int64_t d : t.shape()) dims.push_back(Dim{d, ""});
    graph.inputs.push_back(ValueInfo{name, DType::kFloat32, "float32", dims});
    feeds.push_back({name, t});
  }
  void constant(const std::string& name, const Tensor& t) { graph.initializers[name] = t; }
  void node(const std::string& op, std::vector<std::string> inputs, const std::string& output,
            std::map<std::string, AttributeValue> attributes = {}) {
    Node n;
    n.name = fmt::format("{}_{}", op, graph.nodes.size());
    n.op_type = op;
    n.opset = 17;
    n.inputs = std::move(inputs);
    n.outputs = {output};
    n.attributes = std::move(attributes);
    graph.nodes.push_back(std::move(n));
  }
  Result<Tensor> run(const std::string& output) {
    graph.outputs.push_back(ValueInfo{output, std::nullopt, "", std::nullopt});
    ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(graph));
    ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> outputs, session->run(feeds));
    return outputs[0].tensor;
  }
  std::vector<NamedTensor> feeds;
};

// x with its axes permuted: result axis i is x's axis perm[i].
Tensor permute(const Tensor& x, const std::vector<int64_t>& perm) {
  Shape shape;
  for (int64_t p : perm) shape.push_back(x.shape()[p]);
  Tensor out(DType::kFloat32, shape);
  std::vector<int64_t> index(shape.size(), 0), source(shape.size());
  for (int64_t n = 0; n < out.element_count(); ++n) {
    for (size_t i = 0; i < perm.size(); ++i) source[perm[i]] = index[i];
    out.data<float>()[n] = x.data<float>()[offset(x.shape(), source)];
    for (size_t i = shape.size(); i-- > 0;) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return INFINITY;
  float worst = 0;
  for (int64_t i = 0; i < a.element_count(); ++i) {
    worst = std::max(worst, std::abs(a.data<float>()[i] - b.data<float>()[i]));
  }
  return worst;
}

double dot(const Tensor& a, const Tensor& b) {
  double sum = 0;
  for (int64_t i = 0; i < a.element_count(); ++i) {
    sum += double{a.data<float>()[i]} * double{b.data<float>()[i]};
  }
  return sum;
}

std::string op_type(LayerKind kind) {
  return kind == LayerKind::kConvTranspose ? "ConvTranspose" : "Conv";
}

// One Conv / ConvTranspose node on ONNX weights.
Result<Tensor> run_layer(const Layer& layer, const Tensor& x, const Tensor& onnx_weight,
                         std::map<std::string, AttributeValue> attributes = {}) {
  GraphBuilder b;
  b.input("x", x);
  b.constant("w", onnx_weight);
  attributes["group"] = layer.groups;
  b.node(op_type(layer.kind), {"x", "w"}, "y", attributes);
  return b.run("y");
}

std::vector<Layer> layers_of_every_kind() {
  std::vector<Layer> layers;
  for (std::vector<int64_t> kernel : {std::vector<int64_t>{3}, {2, 3}, {2, 1, 3}}) {
    layers.push_back({LayerKind::kConv, 6, 4, 1, kernel});
    layers.push_back({LayerKind::kConv, 6, 4, 2, kernel});
    layers.push_back({LayerKind::kConvTranspose, 6, 4, 1, kernel});
    layers.push_back({LayerKind::kConvTranspose, 6, 4, 2, kernel});
    layers.push_back({LayerKind::kDepthwise, 3, 6, 3, kernel});
  }
  return layers;
}

constexpr Convention kConventions[] = {Convention::kOnnx, Convention::kKeras, Convention::kTfLite,
                                       Convention::kCanonical};

TEST(WeightConventions, ShapesAreTheFrameworksOwn) {
  auto shape = [](const Layer& l, Convention c) {
    Result<Shape> s = weights::weight_shape(l, c);
    return s.ok() ? shape_to_string(*s) : s.status().message();
  };
  const Layer deconv{LayerKind::kConvTranspose, 16, 8, 1, {4, 4}};  // ConvTranspose2d(16, 8, 4)
  EXPECT_EQ(shape(deconv, Convention::kOnnx), "[16, 8, 4, 4]");     // (in, out, kh, kw)
  EXPECT_EQ(shape(deconv, Convention::kKeras), "[4, 4, 8, 16]");    // (kh, kw, out, in)
  EXPECT_EQ(shape(deconv, Convention::kTfLite), "[8, 4, 4, 16]");   // (out, kh, kw, in)
  EXPECT_EQ(shape(deconv, Convention::kCanonical), "[1, 8, 16, 4, 4]");
  const Layer conv{LayerKind::kConv, 16, 32, 4, {3, 3}};  // Conv2d(16, 32, 3, groups=4)
  EXPECT_EQ(shape(conv, Convention::kOnnx), "[32, 4, 3, 3]");
  EXPECT_EQ(shape(conv, Convention::kKeras), "[3, 3, 4, 32]");
  EXPECT_EQ(shape(conv, Convention::kTfLite), "[32, 3, 3, 4]");
  const Layer depthwise{LayerKind::kDepthwise, 16, 32, 16, {3, 3}};  // multiplier 2
  EXPECT_EQ(shape(depthwise, Convention::kOnnx), "[32, 1, 3, 3]");
  EXPECT_EQ(shape(depthwise, Convention::kKeras), "[3, 3, 16, 2]");
  EXPECT_EQ(shape(depthwise, Convention::kTfLite), "[1, 3, 3, 32]");
  const Layer deconv3d{LayerKind::kConvTranspose, 4, 2, 1, {2, 3, 3}};
  EXPECT_EQ(shape(deconv3d, Convention::kKeras), "[2, 3, 3, 2, 4]");
  EXPECT_NE(shape(deconv3d, Convention::kTfLite).find("2-D only"), std::string::npos);
  const Layer grouped_deconv{LayerKind::kConvTranspose, 8, 4, 2, {3, 3}};
  EXPECT_NE(shape(grouped_deconv, Convention::kKeras).find("no grouped transposed"),
            std::string::npos);
  EXPECT_EQ(shape(grouped_deconv, Convention::kOnnx), "[8, 2, 3, 3]");
}

TEST(WeightConventions, AxisNamesFollowTheLayout) {
  const Layer deconv{LayerKind::kConvTranspose, 16, 8, 1, {4, 4}};
  EXPECT_EQ(*weights::axis_names(deconv, Convention::kKeras),
            (std::vector<std::string>{"kH", "kW", "M", "C"}));
  const Layer conv{LayerKind::kConv, 16, 32, 4, {3, 3, 3}};
  EXPECT_EQ(*weights::axis_names(conv, Convention::kOnnx),
            (std::vector<std::string>{"M", "C/g", "kD", "kH", "kW"}));
  const Layer depthwise{LayerKind::kDepthwise, 16, 32, 16, {5}};
  EXPECT_FALSE(weights::axis_names(depthwise, Convention::kTfLite).ok());  // 1-D
  EXPECT_EQ(*weights::axis_names(depthwise, Convention::kKeras),
            (std::vector<std::string>{"kW", "C", "mult"}));
}

// Every element of every layer kind lands where the table says, in every convention, and any
// conversion followed by its inverse gives the weight back bit for bit.
TEST(WeightConventions, EveryElementLandsWhereTheTableSays) {
  int checked_pairs = 0;
  uint32_t seed = 1;
  for (const Layer& layer : layers_of_every_kind()) {
    for (Convention from : kConventions) {
      Result<Shape> from_shape = weights::weight_shape(layer, from);
      if (!from_shape.ok()) continue;  // a cell the framework cannot express (tested above)
      const Tensor w = random_tensor(*from_shape, seed++);
      for (Convention to : kConventions) {
        Result<Tensor> converted = weights::convert(w, layer, from, to);
        if (!weights::weight_shape(layer, to).ok()) {
          EXPECT_FALSE(converted.ok());
          continue;
        }
        ASSERT_TRUE(converted.ok()) << converted.status().to_string();
        const std::vector<int64_t> sizes{layer.groups, layer.out_channels / layer.groups,
                                         layer.in_channels / layer.groups};
        std::vector<int64_t> k(layer.kernel.size(), 0);
        int64_t elements = 0;
        for (int64_t g = 0; g < sizes[0]; ++g) {
          for (int64_t m = 0; m < sizes[1]; ++m) {
            for (int64_t c = 0; c < sizes[2]; ++c) {
              std::fill(k.begin(), k.end(), 0);
              for (bool more = true; more;) {
                const float expected =
                    w.data<float>()[offset(w.shape(), position(layer, from, g, m, c, k))];
                const float got = converted->data<float>()[offset(converted->shape(),
                                                                  position(layer, to, g, m, c, k))];
                ASSERT_EQ(got, expected) << layer.to_string() << " " << convention_name(from)
                                         << " -> " << convention_name(to);
                ++elements;
                more = false;
                for (size_t i = k.size(); i-- > 0;) {
                  if (++k[i] < layer.kernel[i]) {
                    more = true;
                    break;
                  }
                  k[i] = 0;
                }
              }
            }
          }
        }
        EXPECT_EQ(elements, w.element_count());
        Result<Tensor> back = weights::convert(*converted, layer, to, from);
        ASSERT_TRUE(back.ok());
        ASSERT_EQ(std::memcmp(back->data<float>(), w.data<float>(), w.byte_size()), 0);
        ++checked_pairs;
      }
    }
  }
  // 2-D: 4 conventions each, but a grouped ConvTranspose only in ONNX and canonical (4 x 16 + 4);
  // 1-D and 3-D: no TFLite (4 x 9 + 4 each).
  EXPECT_EQ(checked_pairs, 68 + 40 + 40);
}

TEST(WeightConventions, LayerFromShapeReadsEachLayout) {
  auto layer = [](LayerKind kind, Convention c, Shape shape, std::optional<int64_t> groups) {
    Result<Layer> l = weights::layer_from_shape(kind, c, shape, groups);
    return l.ok() ? l->to_string() : l.status().message();
  };
  EXPECT_EQ(layer(LayerKind::kConvTranspose, Convention::kOnnx, {16, 8, 4, 4}, std::nullopt),
            "convtranspose C=16 M=8 groups=1 kernel=[4, 4]");
  EXPECT_EQ(layer(LayerKind::kConvTranspose, Convention::kKeras, {4, 4, 8, 16}, std::nullopt),
            "convtranspose C=16 M=8 groups=1 kernel=[4, 4]");
  EXPECT_EQ(layer(LayerKind::kConv, Convention::kTfLite, {32, 3, 3, 4}, 4),
            "conv C=16 M=32 groups=4 kernel=[3, 3]");
  EXPECT_EQ(layer(LayerKind::kDepthwise, Convention::kKeras, {3, 3, 16, 2}, std::nullopt),
            "depthwise C=16 M=32 groups=16 kernel=[3, 3]");
  EXPECT_NE(layer(LayerKind::kDepthwise, Convention::kTfLite, {1, 3, 3, 32}, std::nullopt)
                .find("give the groups"),
            std::string::npos);
  EXPECT_NE(layer(LayerKind::kDepthwise, Convention::kOnnx, {32, 2, 3, 3}, 16).find("axis 1"),
            std::string::npos);
  EXPECT_NE(layer(LayerKind::kConv, Convention::kOnnx, {32, 3}, std::nullopt).find("spatial"),
            std::string::npos);
  EXPECT_NE(layer(LayerKind::kConv, Convention::kOnnx, {30, 4, 3, 3}, 4).find("groups"),
            std::string::npos);
}

TEST(WeightConventions, ConvertRefusesAWeightOfAnotherShape) {
  const Layer deconv{LayerKind::kConvTranspose, 16, 8, 1, {4, 4}};
  Result<Tensor> r = weights::convert(Tensor(DType::kFloat32, {8, 16, 4, 4}), deconv,
                                      Convention::kOnnx, Convention::kKeras);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[16, 8, 4, 4]"), std::string::npos);
  Result<Tensor> d = weights::convert(Tensor(DType::kFloat64, {16, 8, 4, 4}), deconv,
                                      Convention::kOnnx, Convention::kKeras);
  EXPECT_FALSE(d.ok());
}

// The graph an exporter writes for a layer whose weight arrives in `convention`, run through
// the runtime: tf2onnx (Keras) puts NHWC transposes around the ONNX op and a Transpose on the
// kernel (a depthwise kernel first reshaped to (k.., 1, C * mult)); TFLite converters a
// Transpose on the filter; the canonical form is reshaped (and, for ConvTranspose, its two
// channel axes swapped back). The Transposes are ONNX's, written from the exporters' perms,
// independent of the library's layout code.
Result<Tensor> run_exported_form(const Layer& layer, Convention convention, const Tensor& weight,
                                 const Tensor& x, const std::optional<Tensor>& bias,
                                 std::map<std::string, AttributeValue> attributes) {
  const int64_t r = layer.spatial_rank();
  attributes["group"] = layer.groups;
  std::vector<int64_t> to_channels_last{0}, to_channels_first{0, r + 1};
  for (int64_t i = 0; i < r; ++i) to_channels_last.push_back(2 + i);
  to_channels_last.push_back(1);
  for (int64_t i = 0; i < r; ++i) to_channels_first.push_back(1 + i);
  auto int64s = [](const std::vector<int64_t>& v) {
    Tensor t(DType::kInt64, {static_cast<int64_t>(v.size())});
    std::copy(v.begin(), v.end(), t.data<int64_t>());
    return t;
  };
  const Shape onnx_shape = *weights::weight_shape(layer, Convention::kOnnx);
  GraphBuilder b;
  b.constant("weight", weight);
  std::vector<std::string> op_inputs{"x", "w"};
  if (bias) {
    b.constant("b", *bias);
    op_inputs.push_back("b");
  }
  switch (convention) {
    case Convention::kOnnx:
      b.node("Identity", {"weight"}, "w");
      break;
    case Convention::kKeras: {
      std::string kernel = "weight";
      if (layer.kind == LayerKind::kDepthwise) {
        Shape reshaped(layer.kernel.begin(), layer.kernel.end());
        reshaped.push_back(1);
        reshaped.push_back(layer.out_channels);
        b.constant("depthwise_shape", int64s(reshaped));
        b.node("Reshape", {"weight", "depthwise_shape"}, "kernel_1c");
        kernel = "kernel_1c";
      }
      std::vector<int64_t> perm{r + 1, r};
      for (int64_t i = 0; i < r; ++i) perm.push_back(i);
      b.node("Transpose", {kernel}, "w", {{"perm", perm}});
      break;
    }
    case Convention::kTfLite:
      b.node("Transpose", {"weight"}, "w",
             {{"perm", layer.kind == LayerKind::kConv ? std::vector<int64_t>{0, 3, 1, 2}
                                                      : std::vector<int64_t>{3, 0, 1, 2}}});
      break;
    case Convention::kCanonical:
      if (layer.kind == LayerKind::kConvTranspose) {
        std::vector<int64_t> perm{0, 2, 1};
        for (int64_t i = 0; i < r; ++i) perm.push_back(3 + i);
        b.node("Transpose", {"weight"}, "w_swapped", {{"perm", perm}});
        b.constant("onnx_shape", int64s(onnx_shape));
        b.node("Reshape", {"w_swapped", "onnx_shape"}, "w");
      } else {
        b.constant("onnx_shape", int64s(onnx_shape));
        b.node("Reshape", {"weight", "onnx_shape"}, "w");
      }
      break;
  }
  const bool nhwc = convention == Convention::kKeras;
  if (nhwc) {
    b.input("x_nhwc", permute(x, to_channels_last));
    b.node("Transpose", {"x_nhwc"}, "x", {{"perm", to_channels_first}});
  } else {
    b.input("x", x);
  }
  b.node(op_type(layer.kind), op_inputs, "y", attributes);
  if (!nhwc) return b.run("y");
  b.node("Transpose", {"y"}, "y_nhwc", {{"perm", to_channels_last}});
  ORTL_ASSIGN_OR_RETURN(Tensor y_nhwc, b.run("y_nhwc"));
  return permute(y_nhwc, to_channels_first);
}

constexpr Convention kExportedForms[] = {Convention::kKeras, Convention::kTfLite,
                                         Convention::kCanonical};

// Keras and TFLite weights (and the canonical form) run the way their exporters write them into
// ONNX and give the ONNX op's output on the weights the library converted, for every layer kind
// and rank it can express.
TEST(WeightConventions, EveryConventionRunsAsItsExporterWritesIt) {
  std::vector<Layer> layers;
  for (std::vector<int64_t> kernel : {std::vector<int64_t>{3}, {2, 3}, {2, 2, 3}}) {
    layers.push_back({LayerKind::kConv, 6, 4, 1, kernel});
    layers.push_back({LayerKind::kConv, 6, 4, 2, kernel});
    layers.push_back({LayerKind::kConvTranspose, 6, 4, 1, kernel});
    layers.push_back({LayerKind::kConvTranspose, 6, 4, 2, kernel});
    layers.push_back({LayerKind::kDepthwise, 3, 6, 3, kernel});
  }
  int runs = 0;
  uint32_t seed = 100;
  for (const Layer& layer : layers) {
    Shape x_shape{1, layer.in_channels};
    for (int64_t i = 0; i < layer.spatial_rank(); ++i) x_shape.push_back(5 + i);
    const Tensor x = random_tensor(x_shape, seed++);
    const Tensor w = random_tensor(*weights::weight_shape(layer, Convention::kOnnx), seed++);
    Result<Tensor> expected = run_layer(layer, x, w);
    ASSERT_TRUE(expected.ok()) << expected.status().to_string();
    for (Convention c : kExportedForms) {
      if (!weights::weight_shape(layer, c).ok()) continue;
      const Tensor converted = *weights::convert(w, layer, Convention::kOnnx, c);
      Result<Tensor> y = run_exported_form(layer, c, converted, x, std::nullopt, {});
      ASSERT_TRUE(y.ok()) << y.status().to_string();
      EXPECT_LE(max_abs_diff(*y, *expected), 1e-5f)
          << convention_name(c) << " " << layer.to_string();
      ++runs;
    }
  }
  // 5 layers x 3 ranks in Keras and canonical, less Keras's grouped ConvTranspose (3); TFLite
  // only 2-D, less its grouped ConvTranspose.
  EXPECT_EQ(runs, (15 - 3) + 15 + 4);
}

// The PyTorch-made cases (tests/data/torch_conv: grouped, dilated, depthwise, asymmetric pads,
// 1-D to 3-D, Conv and ConvTranspose): their PyTorch weights converted into every other
// convention and run in that convention's exported form give PyTorch's output.
TEST(WeightConventions, PyTorchCasesRunFromEveryConvention) {
  const CaseFile& file = case_file();
  ASSERT_TRUE(file.errors.empty()) << file.errors.front();
  ASSERT_GE(file.cases.size(), kMinimumCases);
  std::map<std::string, int> runs;
  for (const TorchCase& c : file.cases) {
    const std::string base = (kCaseDir / c.name).string();
    Result<Tensor> x = read_npy(base + ".x.npy"), w = read_npy(base + ".w.npy"),
                   y = read_npy(base + ".y.npy");
    ASSERT_TRUE(x.ok() && w.ok() && y.ok()) << c.name;
    std::optional<Tensor> bias;
    if (std::filesystem::exists(base + ".b.npy")) bias = *read_npy(base + ".b.npy");
    const int64_t groups =
        c.attributes.count("group") ? std::get<int64_t>(c.attributes.at("group")) : 1;
    const LayerKind kind =
        c.op_type == "ConvTranspose" ? LayerKind::kConvTranspose : LayerKind::kConv;
    Result<Layer> layer = weights::layer_from_shape(kind, Convention::kOnnx, w->shape(), groups);
    ASSERT_TRUE(layer.ok()) << c.name << ": " << layer.status().to_string();
    if (layer->kind == LayerKind::kConv && groups > 1 && layer->in_channels == groups) {
      layer->kind = LayerKind::kDepthwise;  // Keras/TFLite write these as depthwise layers
    }
    for (Convention convention : kExportedForms) {
      if (!weights::weight_shape(*layer, convention).ok()) continue;
      const Tensor converted = *weights::convert(*w, *layer, Convention::kOnnx, convention);
      Result<Tensor> out = run_exported_form(*layer, convention, converted, *x, bias, c.attributes);
      ASSERT_TRUE(out.ok()) << c.line << ": " << out.status().to_string();
      float worst = 0;
      for (int64_t i = 0; i < y->element_count(); ++i) {
        const float e = y->data<float>()[i];
        worst = std::max(worst, std::abs(out->data<float>()[i] - e) / (1e-4f + std::abs(e)));
      }
      ASSERT_EQ(out->shape(), y->shape()) << c.line;
      EXPECT_LE(worst, 1e-3f) << c.line << " from " << convention_name(convention);
      ++runs[std::string(convention_name(convention))];
    }
  }
  // Every case runs canonical; Keras and TFLite only what they can express.
  EXPECT_EQ(runs["canonical"], static_cast<int>(file.cases.size()));
  EXPECT_GE(runs["keras"], 40);
  EXPECT_GE(runs["tflite"], 15);
  for (const auto& [name, count] : runs) std::cout << name << ": " << count << " cases\n";
}

// --- Padding ----------------------------------------------------------------------------------

std::string onnx_pads(const Result<conv::AxisGeometry>& g) {
  if (!g.ok()) return g.status().message();
  return fmt::format("pads [{}, {}] -> {}", g->pads_begin, g->pads_end, g->output);
}

TorchAxis torch(int64_t padding, int64_t output_padding = 0) {
  TorchAxis t;
  t.padding = padding;
  t.output_padding = output_padding;
  return t;
}

KerasAxis keras(KerasPadding padding, std::optional<int64_t> output_padding = std::nullopt) {
  KerasAxis k;
  k.padding = padding;
  k.output_padding = output_padding;
  return k;
}

constexpr auto kSame = KerasPadding::kSame;
constexpr auto kValid = KerasPadding::kValid;
constexpr auto kT = LayerKind::kConvTranspose;
constexpr auto kC = LayerKind::kConv;

TEST(FrameworkPadding, GoldenGeometries) {
  const AxisShape a8k3s2{8, 3, 2, 1};
  // PyTorch ConvTranspose: crops p at the start and p - output_padding at the end.
  EXPECT_EQ(onnx_pads(weights::torch_geometry(kT, a8k3s2, torch(0))), "pads [0, 0] -> 17");
  EXPECT_EQ(onnx_pads(weights::torch_geometry(kT, a8k3s2, torch(1, 1))), "pads [1, 0] -> 16");
  EXPECT_EQ(onnx_pads(weights::torch_geometry(kT, a8k3s2, torch(1))), "pads [1, 1] -> 15");
  EXPECT_NE(onnx_pads(weights::torch_geometry(kT, a8k3s2, torch(1, 2))).find("output_padding <"),
            std::string::npos);
  // Keras Conv2DTranspose: 'same' -> in * stride with the odd cell cropped at the end.
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k3s2, keras(kSame))), "pads [0, 1] -> 16");
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k3s2, keras(kValid))), "pads [0, 0] -> 17");
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k3s2, keras(kValid, 1))), "pads [0, -1] -> 18");
  // 'same' with output_padding: TF's SAME rule on the resulting size, not pad = k // 2 twice.
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k3s2, keras(kSame, 1))), "pads [0, 1] -> 16");
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k3s2, keras(kSame, 0))), "pads [1, 1] -> 15");
  const AxisShape a8k4s2{8, 4, 2, 1};  // DCGAN's k4 s2
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k4s2, keras(kSame))), "pads [1, 1] -> 16");
  EXPECT_EQ(onnx_pads(weights::torch_geometry(kT, a8k4s2, torch(1))), "pads [1, 1] -> 16");
  // An even kernel with 'same' and output_padding 0 asks for 14 cells, which TF's forward rule
  // maps to 7 inputs, not 8: TF raises, and so does this.
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k4s2, keras(kSame, 0))),
            "output size 14 does not map back to input 8 under TF's 'same' rule: TF refuses it");
  const AxisShape a8k1s3{8, 1, 3, 1};  // kernel smaller than stride: bias-only cells at the end
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k1s3, keras(kSame))), "pads [0, -2] -> 24");
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kT, a8k1s3, keras(kValid))), "pads [0, -2] -> 24");
  // Conv: Keras 'same' is SAME_UPPER; PyTorch pads symmetrically.
  const AxisShape c7k4s2{7, 4, 2, 1};
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kC, c7k4s2, keras(kSame))), "pads [1, 2] -> 4");
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kC, c7k4s2, keras(kValid))), "pads [0, 0] -> 2");
  EXPECT_EQ(onnx_pads(weights::torch_geometry(kC, c7k4s2, torch(1))), "pads [1, 1] -> 3");
  const AxisShape d9k3d2{9, 3, 1, 2};
  EXPECT_EQ(onnx_pads(weights::keras_geometry(kC, d9k3d2, keras(kSame))), "pads [2, 2] -> 9");
  EXPECT_NE(onnx_pads(weights::keras_geometry(kC, {9, 3, 2, 2}, keras(kSame)))
                .find("strides > 1 together with dilation_rate > 1"),
            std::string::npos);
}

TEST(FrameworkPadding, SettingsForAsymmetricOnnxPads) {
  auto geometry = [](LayerKind kind, AxisShape a, int64_t b, int64_t e) {
    conv::AxisGeometry g;
    g.input = a.input;
    g.kernel = a.kernel;
    g.stride = a.stride;
    g.dilation = a.dilation;
    g.pads_begin = b;
    g.pads_end = e;
    g.output =
        kind == kT ? g.full() - b - e : (a.input + b + e - g.effective_kernel()) / a.stride + 1;
    return g;
  };
  auto torch_text = [](LayerKind kind, const conv::AxisGeometry& g) {
    Result<TorchAxis> t = weights::torch_setting(kind, g);
    return t.ok() ? t->to_string(kind) : t.status().message();
  };
  auto keras_text = [](LayerKind kind, const conv::AxisGeometry& g) {
    Result<KerasAxis> k = weights::keras_setting(kind, g);
    return k.ok() ? k->to_string(kind) : k.status().message();
  };
  const AxisShape a8k3s2{8, 3, 2, 1};
  // SAME_UPPER ConvTranspose k3 s2 (Keras 'same'): PyTorch needs a crop of the last cell.
  EXPECT_EQ(torch_text(kT, geometry(kT, a8k3s2, 0, 1)),
            "padding=0, output_padding=0; then crop 0 cell(s) at the start and 1 at the end of the "
            "output");
  EXPECT_EQ(keras_text(kT, geometry(kT, a8k3s2, 0, 1)), "padding='same', output_padding=None");
  // SAME_LOWER (odd cell cropped at the start): PyTorch padding 1, output_padding 1, exact.
  EXPECT_EQ(torch_text(kT, geometry(kT, a8k3s2, 1, 0)), "padding=1, output_padding=1");
  EXPECT_EQ(keras_text(kT, geometry(kT, a8k3s2, 1, 0)),
            "padding='valid', output_padding=0; then Cropping (1, 0)");
  // Cropped more at the start than output_padding can make up.
  EXPECT_EQ(torch_text(kT, geometry(kT, a8k3s2, 3, 0)),
            "padding=1, output_padding=1; then crop 2 cell(s) at the start and 0 at the end of the "
            "output");
  // Bias-only cells at the start: neither framework has them.
  EXPECT_NE(torch_text(kT, geometry(kT, a8k3s2, -1, 0)).find("before the first output cell"),
            std::string::npos);
  EXPECT_NE(keras_text(kT, geometry(kT, a8k3s2, -1, 0)).find("before the first output cell"),
            std::string::npos);
  // Bias-only cells at the end within output_padding's reach, and beyond it.
  EXPECT_EQ(torch_text(kT, geometry(kT, a8k3s2, 0, -1)), "padding=0, output_padding=1");
  EXPECT_NE(torch_text(kT, geometry(kT, a8k3s2, 0, -2)).find("adds at most 1"), std::string::npos);
  // Conv: asymmetric pads need an explicit pad first, except where Keras 'same' is exactly them.
  const AxisShape c7k4s2{7, 4, 2, 1};
  EXPECT_EQ(torch_text(kC, geometry(kC, c7k4s2, 1, 2)),
            "padding=1; first F.pad the input by (0, 1)");
  EXPECT_EQ(keras_text(kC, geometry(kC, c7k4s2, 1, 2)), "padding='same'");
  EXPECT_EQ(keras_text(kC, geometry(kC, c7k4s2, 2, 1)),
            "padding='valid'; first ZeroPadding (2, 1)");
  EXPECT_EQ(torch_text(kC, geometry(kC, c7k4s2, 2, 2)), "padding=2");
}

// Every setting found for an ONNX axis gives that axis back, over a sweep of sizes and pads.
TEST(FrameworkPadding, SettingsRoundTripOverASweep) {
  int torch_exact = 0, keras_exact = 0, refused = 0, total = 0;
  for (LayerKind kind : {kC, kT}) {
    for (int64_t input : {1, 2, 5, 8}) {
      for (int64_t kernel : {1, 2, 3, 4, 5}) {
        for (int64_t stride : {1, 2, 3}) {
          for (int64_t dilation : {1, 2}) {
            for (int64_t b = -2; b <= 4; ++b) {
              for (int64_t e = -2; e <= 4; ++e) {
                conv::AxisGeometry g;
                g.input = input;
                g.kernel = kernel;
                g.stride = stride;
                g.dilation = dilation;
                g.pads_begin = b;
                g.pads_end = e;
                const AxisShape a{input, kernel, stride, dilation};
                if (kind == kC) {
                  if (b < 0 || e < 0 || input + b + e < g.effective_kernel()) continue;
                  g.output = (input + b + e - g.effective_kernel()) / stride + 1;
                } else {
                  g.output = g.full() - b - e;
                  if (g.output < 1) continue;
                }
                ++total;
                Result<TorchAxis> t = weights::torch_setting(kind, g);
                if (t.ok()) {
                  Result<conv::AxisGeometry> back = weights::torch_geometry(kind, a, *t);
                  ASSERT_TRUE(back.ok()) << g.to_string() << ": " << back.status().to_string();
                  ASSERT_EQ(*back, g) << t->to_string(kind);
                  torch_exact += t->exact_alone();
                } else {
                  ++refused;
                  ASSERT_TRUE(b < 0 || e < 0) << g.to_string() << ": " << t.status().to_string();
                }
                if (stride > 1 && dilation > 1) continue;  // Keras refuses these
                Result<KerasAxis> k = weights::keras_setting(kind, g);
                if (k.ok()) {
                  Result<conv::AxisGeometry> back = weights::keras_geometry(kind, a, *k);
                  ASSERT_TRUE(back.ok()) << g.to_string() << ": " << back.status().to_string();
                  ASSERT_EQ(*back, g) << k->to_string(kind);
                  keras_exact += k->exact_alone();
                } else {
                  ++refused;
                  ASSERT_TRUE(b < 0 || e < 0) << g.to_string() << ": " << k.status().to_string();
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(total, 2000);
  EXPECT_GT(torch_exact, 100);
  EXPECT_GT(keras_exact, 100);
  EXPECT_GT(refused, 10);
}

// --- The five questions ---------------------------------------------------------------------

// Output cells [begin, begin + size) of every (n, c) plane of a 4-D tensor, per spatial axis.
Tensor crop2d(const Tensor& y, int64_t h0, int64_t h, int64_t w0, int64_t w) {
  const Shape& s = y.shape();
  Tensor out(DType::kFloat32, {s[0], s[1], h, w});
  for (int64_t nc = 0; nc < s[0] * s[1]; ++nc) {
    for (int64_t i = 0; i < h; ++i) {
      for (int64_t j = 0; j < w; ++j) {
        out.data<float>()[(nc * h + i) * w + j] =
            y.data<float>()[(nc * s[2] + h0 + i) * s[3] + w0 + j];
      }
    }
  }
  return out;
}

// Q1 "How do I move PyTorch ConvTranspose2d weights into a Keras Conv2DTranspose?" The common
// answer's layouts are both wrong (PyTorch is (in, out, kh, kw), Keras (kh, kw, out, in)), its
// permute(2, 3, 1, 0) happens to be right, and its padding is not: Keras 'same' (k3 s2) is 2H
// with the odd cell cropped at the end, which PyTorch padding=1, output_padding=1 only shifts.
TEST(WeightQuestions, PyTorchDeconvToKerasPermutationRightPaddingNot) {
  const Layer layer{LayerKind::kConvTranspose, 16, 8, 1, {3, 3}};  // ConvTranspose2d(16, 8, 3)
  EXPECT_EQ(*weights::weight_shape(layer, Convention::kOnnx), (Shape{16, 8, 3, 3}));   // in first
  EXPECT_EQ(*weights::weight_shape(layer, Convention::kKeras), (Shape{3, 3, 8, 16}));  // out, in
  const Tensor w = random_tensor({16, 8, 3, 3}, 7);
  const Tensor kernel = *weights::convert(w, layer, Convention::kOnnx, Convention::kKeras);
  EXPECT_EQ(max_abs_diff(kernel, permute(w, {2, 3, 1, 0})), 0.0f);

  const AxisShape axis{8, 3, 2, 1};
  EXPECT_EQ(weights::torch_geometry(kT, axis, torch(0))->output, 17);  // 2H + 1
  const conv::AxisGeometry same = *weights::keras_geometry(kT, axis, keras(kSame));
  EXPECT_EQ(same.output, 16);  // 2H
  EXPECT_EQ(same.pads_begin, 0);
  EXPECT_EQ(same.pads_end, 1);
  const TorchAxis fix = *weights::torch_setting(kT, same);
  EXPECT_EQ(fix.to_string(kT),
            "padding=0, output_padding=0; then crop 0 cell(s) at the start and 1 at the end of the "
            "output");

  // Through the runtime: Keras's graph (ONNX pads [0, 0, 1, 1]) against PyTorch's two answers.
  const Tensor x = random_tensor({1, 16, 8, 8}, 8);
  const std::map<std::string, AttributeValue> s2{{"strides", std::vector<int64_t>{2, 2}}};
  auto with = [&](std::map<std::string, AttributeValue> extra) {
    extra.insert(s2.begin(), s2.end());
    return extra;
  };
  const Tensor y_keras =
      *run_layer(layer, x, w, with({{"pads", std::vector<int64_t>{0, 0, 1, 1}}}));
  const Tensor y_shifted = *run_layer(layer, x, w,
                                      with({{"pads", std::vector<int64_t>{1, 1, 1, 1}},
                                            {"output_padding", std::vector<int64_t>{1, 1}}}));
  ASSERT_EQ(y_shifted.shape(), y_keras.shape());
  EXPECT_GT(max_abs_diff(y_shifted, y_keras), 0.1f);  // right size, wrong values
  EXPECT_LE(max_abs_diff(crop2d(y_shifted, 0, 15, 0, 15), crop2d(y_keras, 1, 15, 1, 15)), 1e-5f);
  const Tensor y_torch_p0 = *run_layer(layer, x, w, s2);                      // padding 0: 17 x 17
  EXPECT_LE(max_abs_diff(crop2d(y_torch_p0, 0, 16, 0, 16), y_keras), 1e-5f);  // then crop
}

// Q2 "Can a Conv2D kernel be reused in a Conv2DTranspose?" Yes, unchanged: the direct copy is
// exactly the adjoint, <conv(x), y> = <x, convT(y)>; swapping kh and kw, or flipping, is not.
TEST(WeightQuestions, ConvKernelIsItsAdjointDeconvKernelUnchanged) {
  const Layer conv{LayerKind::kConv, 3, 5, 1, {3, 3}};
  const Layer adjoint = *weights::adjoint_layer(conv);
  EXPECT_EQ(adjoint.in_channels, 5);
  EXPECT_EQ(adjoint.out_channels, 3);
  // Same shape, same bytes, in PyTorch's and in Keras's layout.
  for (Convention c : {Convention::kOnnx, Convention::kKeras}) {
    EXPECT_EQ(*weights::weight_shape(conv, c), *weights::weight_shape(adjoint, c));
  }
  const Tensor w = random_tensor({5, 3, 3, 3}, 11);
  EXPECT_EQ(max_abs_diff(*weights::convert(w, conv, Convention::kOnnx, Convention::kKeras),
                         *weights::convert(w, adjoint, Convention::kOnnx, Convention::kKeras)),
            0.0f);

  const Tensor x = random_tensor({1, 3, 8, 7}, 12);
  std::vector<int64_t> pads{1, 0, 1, 2};
  std::vector<int64_t> output_padding;
  conv::AxisGeometry h{.input = 8,
                       .output = 0,
                       .kernel = 3,
                       .stride = 2,
                       .dilation = 1,
                       .pads_begin = 1,
                       .pads_end = 1};
  conv::AxisGeometry wd{.input = 7,
                        .output = 0,
                        .kernel = 3,
                        .stride = 2,
                        .dilation = 1,
                        .pads_begin = 0,
                        .pads_end = 2};
  for (const auto& g : {h, wd}) output_padding.push_back(weights::adjoint_axis(g).output_padding);
  const std::map<std::string, AttributeValue> attrs{{"strides", std::vector<int64_t>{2, 2}},
                                                    {"pads", pads}};
  const Tensor cx = *run_layer(conv, x, w, attrs);
  const Tensor y = random_tensor(cx.shape(), 13);
  auto adjoint_of = [&](const Tensor& kernel) {
    std::map<std::string, AttributeValue> a = attrs;
    a["output_padding"] = output_padding;
    return *run_layer(adjoint, y, kernel, a);
  };
  const Tensor ty = adjoint_of(w);
  ASSERT_EQ(ty.shape(), x.shape());  // the shapes round-trip
  const double lhs = dot(cx, y), rhs = dot(x, ty);
  EXPECT_LE(std::abs(lhs - rhs), 1e-5 * std::abs(lhs)) << lhs << " vs " << rhs;
  // The popular "fixes" break the identity for a kernel that is not symmetric.
  const Tensor swapped = permute(w, {0, 1, 3, 2});
  const double swapped_rhs = dot(x, adjoint_of(swapped));
  EXPECT_GT(std::abs(lhs - swapped_rhs), 1e-2 * std::abs(lhs));
}

// The adjoint identity over a seeded random sweep of Conv layers (1-D to 3-D, groups,
// depthwise, strides, dilations, asymmetric pads): the unchanged weight read as ConvTranspose
// with adjoint_axis's pads and output_padding returns the Conv's input shape and satisfies
// <conv(x), y> = <x, convT(y)>.
TEST(WeightQuestions, AdjointIdentityOverARandomSweep) {
  std::mt19937 rng(2026);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int checked = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const int64_t rank = pick(1, 3);
    const int64_t groups = pick(1, 3);
    Layer conv{LayerKind::kConv, groups * pick(1, 3), groups * pick(1, 3), groups, {}};
    std::vector<int64_t> strides, dilations, pads_begin, pads_end, output_padding;
    Shape x_shape{pick(1, 2), conv.in_channels};
    for (int64_t i = 0; i < rank; ++i) {
      conv::AxisGeometry g;
      g.kernel = pick(1, 4);
      g.stride = pick(1, 3);
      g.dilation = pick(1, 2);
      g.pads_begin = pick(0, g.kernel - 1);
      g.pads_end = pick(0, g.kernel - 1);
      g.input = g.effective_kernel() + pick(0, 6);
      conv.kernel.push_back(g.kernel);
      strides.push_back(g.stride);
      dilations.push_back(g.dilation);
      pads_begin.push_back(g.pads_begin);
      pads_end.push_back(g.pads_end);
      output_padding.push_back(weights::adjoint_axis(g).output_padding);
      x_shape.push_back(g.input);
    }
    std::vector<int64_t> pads = pads_begin;
    pads.insert(pads.end(), pads_end.begin(), pads_end.end());
    const Tensor w = random_tensor(*weights::weight_shape(conv, Convention::kOnnx),
                                   static_cast<uint32_t>(trial));
    const Tensor x = random_tensor(x_shape, static_cast<uint32_t>(1000 + trial));
    const std::map<std::string, AttributeValue> attrs{
        {"strides", strides}, {"dilations", dilations}, {"pads", pads}};
    Result<Tensor> cx = run_layer(conv, x, w, attrs);
    ASSERT_TRUE(cx.ok()) << cx.status().to_string();
    const Tensor y = random_tensor(cx->shape(), static_cast<uint32_t>(2000 + trial));
    std::map<std::string, AttributeValue> adjoint_attrs = attrs;
    adjoint_attrs["output_padding"] = output_padding;
    Result<Tensor> ty = run_layer(*weights::adjoint_layer(conv), y, w, adjoint_attrs);
    ASSERT_TRUE(ty.ok()) << ty.status().to_string();
    ASSERT_EQ(ty->shape(), x.shape()) << conv.to_string();
    const double lhs = dot(*cx, y), rhs = dot(x, *ty);
    EXPECT_LE(std::abs(lhs - rhs), 1e-5 * (std::abs(lhs) + 1.0)) << conv.to_string();
    ++checked;
  }
  EXPECT_EQ(checked, 120);
}

// Q3 "Keras Conv2D kernels are (filters, kh, kw, in)" - no, (kh, kw, in, filters); depthwise
// (kh, kw, in, multiplier); TFLite CONV_2D and TRANSPOSE_CONV (out, kh, kw, in), TFLite
// DEPTHWISE_CONV_2D (1, kh, kw, in * multiplier); ONNX/PyTorch Conv (M, C/g, k..),
// ConvTranspose (C, M/g, k..). (Each proven numerically above.)
TEST(WeightQuestions, EachFrameworksKernelLayout) {
  const Layer conv{LayerKind::kConv, 3, 8, 1, {5, 4}};
  EXPECT_EQ(*weights::weight_shape(conv, Convention::kKeras), (Shape{5, 4, 3, 8}));
  EXPECT_EQ(*weights::weight_shape(conv, Convention::kTfLite), (Shape{8, 5, 4, 3}));
  EXPECT_EQ(*weights::weight_shape(conv, Convention::kOnnx), (Shape{8, 3, 5, 4}));
  const Layer depthwise{LayerKind::kDepthwise, 3, 6, 3, {5, 4}};
  EXPECT_EQ(*weights::weight_shape(depthwise, Convention::kKeras), (Shape{5, 4, 3, 2}));
  EXPECT_EQ(*weights::weight_shape(depthwise, Convention::kTfLite), (Shape{1, 5, 4, 6}));
  EXPECT_EQ(*weights::weight_shape(depthwise, Convention::kOnnx), (Shape{6, 1, 5, 4}));
  const Layer deconv{LayerKind::kConvTranspose, 3, 8, 1, {5, 4}};
  EXPECT_EQ(*weights::weight_shape(deconv, Convention::kTfLite), (Shape{8, 5, 4, 3}));
  EXPECT_EQ(*weights::weight_shape(deconv, Convention::kOnnx), (Shape{3, 8, 5, 4}));
  const Layer grouped{LayerKind::kConvTranspose, 4, 6, 2, {3}};
  EXPECT_EQ(*weights::weight_shape(grouped, Convention::kOnnx), (Shape{4, 3, 3}));
}

// Q4 "Transfer weights between Conv2D layers with different channel counts": slicing
// w[:, :, :, :n] of a PyTorch weight cuts the kernel width; outputs are axis 0. Truncating or
// zero-padding outputs keeps the kept ones exact; replicating inputs keeps the output only with
// the weights divided by the factor, and only when the new inputs are copies.
TEST(WeightQuestions, ResizingChannelsAndWhatItDoes) {
  const Layer conv{LayerKind::kConv, 4, 8, 1, {3, 5}};
  EXPECT_EQ(weights::axis_names(conv, Convention::kOnnx)->back(), "kW");  // w[..., :n] cuts kW
  const Tensor w = random_tensor({8, 4, 3, 5}, 21);
  const Tensor bias = random_tensor({8}, 22);
  const Tensor x = random_tensor({1, 4, 6, 7}, 23);
  auto run = [](const Layer& layer, const Tensor& input, const Tensor& weight, const Tensor& b) {
    GraphBuilder g;
    g.input("x", input);
    g.constant("w", weight);
    g.constant("b", b);
    g.node("Conv", {"x", "w", "b"}, "y", {{"group", layer.groups}});
    return *g.run("y");
  };
  const Tensor y = run(conv, x, w, bias);
  auto channels = [](const Tensor& t, int64_t begin, int64_t count) {
    const int64_t plane = t.shape()[2] * t.shape()[3];
    return Tensor::from_floats({count, plane}, std::span(t.data<float>() + begin * plane,
                                                         static_cast<size_t>(count * plane)));
  };

  auto truncated =
      weights::resize_channels(w, bias, conv, Convention::kOnnx, weights::ChannelSide::kOutput,
                               weights::ChannelResize::kTruncate, 6);
  ASSERT_TRUE(truncated.ok()) << truncated.status().to_string();
  EXPECT_EQ(truncated->weight.shape(), (Shape{6, 4, 3, 5}));
  const Tensor y6 = run(truncated->layer, x, truncated->weight, *truncated->bias);
  EXPECT_EQ(max_abs_diff(channels(y6, 0, 6), channels(y, 0, 6)), 0.0f);

  auto padded =
      *weights::resize_channels(w, bias, conv, Convention::kOnnx, weights::ChannelSide::kOutput,
                                weights::ChannelResize::kZeroPad, 10);
  const Tensor y10 = run(padded.layer, x, padded.weight, *padded.bias);
  EXPECT_EQ(max_abs_diff(channels(y10, 0, 8), channels(y, 0, 8)), 0.0f);
  EXPECT_EQ(max_abs_diff(channels(y10, 8, 2), Tensor(DType::kFloat32, {2, 12})), 0.0f);

  // Inputs replicated twice: x2 = [x, x].
  Tensor x2(DType::kFloat32, {1, 8, 6, 7});
  std::copy_n(x.data<float>(), x.element_count(), x2.data<float>());
  std::copy_n(x.data<float>(), x.element_count(), x2.data<float>() + x.element_count());
  auto replicated =
      *weights::resize_channels(w, bias, conv, Convention::kOnnx, weights::ChannelSide::kInput,
                                weights::ChannelResize::kReplicate, 8);
  EXPECT_NE(replicated.effect.find("divided by 2"), std::string::npos) << replicated.effect;
  EXPECT_LE(max_abs_diff(run(replicated.layer, x2, replicated.weight, bias), y), 1e-5f);
  // Replicating without the division (the popular answer) doubles the convolution part.
  Tensor undivided = replicated.weight.clone();
  for (int64_t i = 0; i < undivided.element_count(); ++i) undivided.data<float>()[i] *= 2;
  EXPECT_GT(max_abs_diff(run(replicated.layer, x2, undivided, bias), y), 0.1f);
  // Zero-padded inputs: whatever the new channels carry, the output is the same.
  auto wider =
      *weights::resize_channels(w, bias, conv, Convention::kOnnx, weights::ChannelSide::kInput,
                                weights::ChannelResize::kZeroPad, 6);
  Tensor x6 = random_tensor({1, 6, 6, 7}, 24);
  std::copy_n(x.data<float>(), x.element_count(), x6.data<float>());
  EXPECT_EQ(max_abs_diff(run(wider.layer, x6, wider.weight, bias), y), 0.0f);
  // Keras's layout resizes the last axis for outputs.
  const Tensor kernel = *weights::convert(w, conv, Convention::kOnnx, Convention::kKeras);
  auto keras_truncated = *weights::resize_channels(kernel, bias, conv, Convention::kKeras,
                                                   weights::ChannelSide::kOutput,
                                                   weights::ChannelResize::kTruncate, 6);
  EXPECT_EQ(keras_truncated.weight.shape(), (Shape{3, 5, 4, 6}));
}

// Q5 "What output size does a transposed convolution give?" 4x4, kernel 3, stride 2, 'valid':
// 9x9 ((4 - 1) * 2 + 3), not 7x7; and it scatters each input cell times the kernel (zeros
// between), it does not interpolate.
TEST(WeightQuestions, DeconvOutputSizeAndScatter) {
  const AxisShape axis{4, 3, 2, 1};
  EXPECT_EQ(weights::keras_geometry(kT, axis, keras(kValid))->output, 9);
  EXPECT_EQ(weights::torch_geometry(kT, axis, torch(0))->output, 9);
  conv::AxisSpec spec;
  spec.input = 4;
  spec.kernel = 3;
  spec.stride = 2;
  EXPECT_EQ(conv::resolve_conv_transpose_axis(spec, conv::AutoPad::kValid,
                                              conv::OutputShapePadding::kSpec)
                ->output,
            9);
  // One input cell at (1, 2) lands as the kernel at (2, 4); everything else is zero.
  const Layer layer{LayerKind::kConvTranspose, 1, 1, 1, {3, 3}};
  Tensor x(DType::kFloat32, {1, 1, 4, 4});
  x.data<float>()[1 * 4 + 2] = 1.0f;
  const Tensor w = random_tensor({1, 1, 3, 3}, 31);
  const Tensor y = *run_layer(layer, x, w, {{"strides", std::vector<int64_t>{2, 2}}});
  ASSERT_EQ(y.shape(), (Shape{1, 1, 9, 9}));
  for (int64_t i = 0; i < 9; ++i) {
    for (int64_t j = 0; j < 9; ++j) {
      const bool in_kernel = i >= 2 && i < 5 && j >= 4 && j < 7;
      const float expected = in_kernel ? w.data<float>()[(i - 2) * 3 + (j - 4)] : 0.0f;
      ASSERT_EQ(y.data<float>()[i * 9 + j], expected) << i << ", " << j;
    }
  }
  // Kernel 1, stride 2: the input's cells with zeros inserted between them.
  const Layer k1{LayerKind::kConvTranspose, 1, 1, 1, {1, 1}};
  const Tensor ones = Tensor::from_floats({1, 1, 1, 1}, std::vector<float>{1.0f});
  const Tensor xr = random_tensor({1, 1, 4, 4}, 32);
  const Tensor z = *run_layer(k1, xr, ones, {{"strides", std::vector<int64_t>{2, 2}}});
  ASSERT_EQ(z.shape(), (Shape{1, 1, 7, 7}));
  for (int64_t i = 0; i < 7; ++i) {
    for (int64_t j = 0; j < 7; ++j) {
      const float expected =
          (i % 2 == 0 && j % 2 == 0) ? xr.data<float>()[(i / 2) * 4 + j / 2] : 0.0f;
      ASSERT_EQ(z.data<float>()[i * 7 + j], expected);
    }
  }
}

}  // namespace
}  // namespace ort_lite

#include "layer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <random>

#include <fmt/format.h>

namespace ort_lite::bench {

namespace {

constexpr char kAxes[] = {'d', 'h', 'w'};

// Splits "ic64ih16ph1_2" into {"ic": [64], "ih": [16], "ph": [1, 2]}.
Result<std::map<std::string, std::vector<int64_t>>> tokenize(const std::string& text) {
  std::map<std::string, std::vector<int64_t>> fields;
  size_t i = 0;
  auto bad = [&](const std::string& why) {
    return invalid_argument(fmt::format("layer descriptor '{}': {} at position {}", text, why, i));
  };
  while (i < text.size()) {
    size_t key_end = i;
    while (key_end < text.size() && std::islower(static_cast<unsigned char>(text[key_end]))) {
      ++key_end;
    }
    if (key_end == i) return bad("expected a field name (letters)");
    const std::string key = text.substr(i, key_end - i);
    i = key_end;
    std::vector<int64_t> values;
    do {
      if (!values.empty()) ++i;  // the '_' between two values
      size_t number_end = i;
      if (number_end < text.size() && text[number_end] == '-') ++number_end;
      while (number_end < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[number_end]))) {
        ++number_end;
      }
      if (number_end == i || (number_end == i + 1 && text[i] == '-')) {
        return bad(fmt::format("field '{}' needs a number", key));
      }
      values.push_back(std::stoll(text.substr(i, number_end - i)));
      i = number_end;
    } while (i < text.size() && text[i] == '_' && values.size() < 2);
    if (fields.count(key)) return bad(fmt::format("field '{}' appears twice", key));
    fields[key] = std::move(values);
  }
  return fields;
}

}  // namespace

Result<LayerSpec> parse_layer(const std::string& descriptor, conv::ConvKind kind) {
  ORTL_ASSIGN_OR_RETURN(auto fields, tokenize(descriptor));
  LayerSpec spec;
  spec.name = descriptor;
  spec.descriptor = descriptor;
  spec.kind = kind;
  auto take = [&](const std::string& key) -> std::optional<std::vector<int64_t>> {
    auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    auto values = it->second;
    fields.erase(it);
    return values;
  };
  auto single = [&](const std::string& key, std::optional<int64_t> fallback) -> Result<int64_t> {
    auto values = take(key);
    if (!values) {
      if (fallback) return *fallback;
      return invalid_argument(
          fmt::format("layer descriptor '{}': field '{}' is required", descriptor, key));
    }
    if (values->size() != 1) {
      return invalid_argument(
          fmt::format("layer descriptor '{}': field '{}' takes one value", descriptor, key));
    }
    return values->front();
  };
  ORTL_ASSIGN_OR_RETURN(spec.groups, single("g", 1));
  ORTL_ASSIGN_OR_RETURN(spec.batch, single("mb", 1));
  ORTL_ASSIGN_OR_RETURN(spec.in_channels, single("ic", std::nullopt));
  ORTL_ASSIGN_OR_RETURN(spec.out_channels, single("oc", std::nullopt));

  auto has_axis = [&](char axis) {
    for (const char* prefix : {"i", "o", "k", "s", "d", "p", "op"}) {
      if (fields.count(std::string(prefix) + axis)) return true;
    }
    return false;
  };
  const int rank = has_axis('d') ? 3 : has_axis('h') ? 2 : 1;
  // The axes of this rank, and the first one whose value a missing axis copies.
  std::vector<char> axes(std::end(kAxes) - rank, std::end(kAxes));
  for (const char* prefix : {"i", "o", "k", "s", "d", "p", "op"}) {
    std::optional<std::vector<int64_t>> first;
    for (char axis : axes) {
      auto values = take(std::string(prefix) + axis);
      if (!values && first) values = first;
      if (!first) first = values;
      const std::string p = prefix;
      if (!values) {
        if (p == "i" || p == "k") {
          return invalid_argument(fmt::format("layer descriptor '{}': field '{}{}' is required",
                                              descriptor, prefix, axis));
        }
        if (p == "o") continue;
      }
      const int64_t fallback = p == "s" || p == "d" ? 1 : 0;
      const int64_t begin = values ? values->front() : fallback;
      const int64_t end = values && values->size() == 2 ? values->back() : begin;
      if (values && values->size() == 2 && p != "p") {
        return invalid_argument(fmt::format(
            "layer descriptor '{}': only pads take two values (begin_end)", descriptor));
      }
      if (p == "i") spec.input.push_back(begin);
      if (p == "o") spec.output.push_back(begin);
      if (p == "k") spec.kernel.push_back(begin);
      if (p == "s") spec.strides.push_back(begin);
      if (p == "d") spec.dilations.push_back(begin);
      if (p == "op") spec.output_padding.push_back(begin);
      if (p == "p") {
        spec.pads_begin.push_back(begin);
        spec.pads_end.push_back(end);
      }
    }
  }
  if (!spec.output.empty() && spec.output.size() != axes.size()) {
    return invalid_argument(fmt::format(
        "layer descriptor '{}': give the output size of every axis or none", descriptor));
  }
  if (!fields.empty()) {
    return invalid_argument(fmt::format("layer descriptor '{}': unknown field '{}'", descriptor,
                                        fields.begin()->first));
  }
  if (kind == conv::ConvKind::kConv &&
      !std::all_of(spec.output_padding.begin(), spec.output_padding.end(),
                   [](int64_t v) { return v == 0; })) {
    return invalid_argument(
        fmt::format("layer descriptor '{}': output padding is for --deconv only", descriptor));
  }
  return spec;
}

Result<LayerModel> build_layer_model(const LayerSpec& spec) {
  const bool transposed = spec.kind == conv::ConvKind::kConvTranspose;
  if (spec.groups < 1 || spec.in_channels % spec.groups || spec.out_channels % spec.groups) {
    return invalid_argument(fmt::format("layer '{}': ic {} and oc {} must be multiples of g {}",
                                        spec.name, spec.in_channels, spec.out_channels,
                                        spec.groups));
  }
  Node node;
  node.name = spec.name;
  node.op_type = transposed ? "ConvTranspose" : "Conv";
  node.opset = 17;
  node.inputs = {"x", "w"};
  if (spec.bias) node.inputs.push_back("b");
  node.outputs = {"y"};
  node.attributes["kernel_shape"] = spec.kernel;
  node.attributes["strides"] = spec.strides;
  node.attributes["dilations"] = spec.dilations;
  node.attributes["group"] = spec.groups;
  const bool pads_given =
      std::any_of(spec.pads_begin.begin(), spec.pads_begin.end(),
                  [](int64_t p) { return p != 0; }) ||
      std::any_of(spec.pads_end.begin(), spec.pads_end.end(), [](int64_t p) { return p != 0; });
  if (!spec.auto_pad.empty()) {
    node.attributes["auto_pad"] = spec.auto_pad;
  } else {
    std::vector<int64_t> pads = spec.pads_begin;
    pads.insert(pads.end(), spec.pads_end.begin(), spec.pads_end.end());
    node.attributes["pads"] = pads;
  }
  if (transposed) {
    node.attributes["output_padding"] = spec.output_padding;
    if (!spec.output.empty() && !pads_given && spec.auto_pad.empty()) {
      node.attributes["output_shape"] = spec.output;
    }
  }

  Shape x{spec.batch, spec.in_channels}, w;
  w = transposed ? Shape{spec.in_channels, spec.out_channels / spec.groups}
                 : Shape{spec.out_channels, spec.in_channels / spec.groups};
  for (int i = 0; i < spec.rank(); ++i) {
    x.push_back(spec.input[static_cast<size_t>(i)]);
    w.push_back(spec.kernel[static_cast<size_t>(i)]);
  }
  LayerModel model;
  ORTL_ASSIGN_OR_RETURN(conv::ConvAttributes attributes, conv::parse_conv_attributes(node));
  std::optional<Shape> bias;
  if (spec.bias) bias = Shape{spec.out_channels};
  ORTL_ASSIGN_OR_RETURN(model.problem, conv::resolve_conv_problem(node, attributes, x, w, bias,
                                                                  conv::OutputShapePadding::kSpec));
  if (!spec.output.empty()) {
    const Shape computed = model.problem.output_shape();
    if (!std::equal(spec.output.begin(), spec.output.end(), computed.begin() + 2)) {
      return invalid_argument(fmt::format(
          "layer '{}': the descriptor's output sizes do not match the computed output {}",
          spec.name, shape_to_string(computed)));
    }
  }

  Graph& g = model.graph;
  g.source = "ort-lite-bench layer " + spec.name;
  g.opsets[""] = 17;
  std::vector<Dim> dims;
  for (int64_t d : x) dims.push_back(Dim{d, ""});
  g.inputs.push_back(ValueInfo{"x", DType::kFloat32, "float", dims});
  g.outputs.push_back(ValueInfo{"y", DType::kFloat32, "float", std::nullopt});
  // Weights of the scale a trained layer has (fan-in normalized), so outputs stay O(1).
  std::mt19937 rng(1234);
  const double fan_in = static_cast<double>(
      (transposed ? spec.in_channels : spec.in_channels / spec.groups) *
      std::accumulate(spec.kernel.begin(), spec.kernel.end(), int64_t{1}, std::multiplies<>()));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const float scale = static_cast<float>(1.0 / std::sqrt(fan_in));
  Tensor weights(DType::kFloat32, w);
  for (float& v : weights.mutable_values<float>()) v = dist(rng) * scale;
  g.initializers["w"] = weights;
  if (spec.bias) {
    Tensor b(DType::kFloat32, {spec.out_channels});
    for (float& v : b.mutable_values<float>()) v = dist(rng) * 0.1f;
    g.initializers["b"] = b;
  }
  g.nodes.push_back(std::move(node));
  return model;
}

double layer_flops(const conv::ConvProblem& p) {
  double kernel = 1, in = 1, out = 1;
  for (const auto& a : p.axes) {
    kernel *= static_cast<double>(a.kernel);
    in *= static_cast<double>(a.input);
    out *= static_cast<double>(a.output);
  }
  const double per_group_in = static_cast<double>(p.in_channels / p.groups);
  const double per_group_out = static_cast<double>(p.out_channels / p.groups);
  const double batch = static_cast<double>(p.batch);
  // Conv: every output cell reads C/g inputs per tap; ConvTranspose: every input cell
  // scatters to M/g outputs per tap.
  if (p.kind == conv::ConvKind::kConv) {
    return 2.0 * batch * static_cast<double>(p.out_channels) * out * per_group_in * kernel;
  }
  return 2.0 * batch * static_cast<double>(p.in_channels) * in * per_group_out * kernel;
}

}  // namespace ort_lite::bench

// ort-lite-weights: conv and deconv weights between PyTorch/ONNX, Keras/TF, TFLite and
// ort-lite's canonical form, exactly (ort_lite/ops/weight_conventions.h and
// framework_padding.h hold the rules; this file only reads files and prints).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "common/shape_args.h"
#include "ort_lite/importers/onnx_edit.h"
#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/ops/conv_problem.h"
#include "ort_lite/ops/framework_padding.h"
#include "ort_lite/ops/weight_conventions.h"
#include "ort_lite/session.h"

namespace ort_lite::weights_tool {
namespace {

using weights::Convention;
using weights::Layer;
using weights::LayerKind;

const std::vector<std::string> kConventionNames{"pytorch", "onnx", "keras", "tflite", "canonical"};
const std::vector<std::string> kKindNames{"conv", "convtranspose", "deconv", "depthwise"};

std::string shape_with_axes(const Layer& layer, Convention convention) {
  Result<Shape> shape = weights::weight_shape(layer, convention);
  if (!shape.ok()) return "cannot: " + shape.status().message();
  return fmt::format("{} ({})", shape_to_string(*shape),
                     fmt::join(*weights::axis_names(layer, convention), ", "));
}

std::string convention_title(Convention c) {
  switch (c) {
    case Convention::kOnnx:
      return "onnx/pytorch";
    case Convention::kKeras:
      return "keras/tf";
    case Convention::kTfLite:
      return "tflite";
    case Convention::kCanonical:
      return "canonical";
  }
  return "?";
}

// --- convert -------------------------------------------------------------------------------

struct ConvertArgs {
  std::string input, output, kind, from, to;
  std::optional<int64_t> groups;
};

Status run_convert(const ConvertArgs& a) {
  ORTL_ASSIGN_OR_RETURN(Tensor w, read_npy(a.input));
  const LayerKind kind = *weights::layer_kind_from_name(a.kind);
  const Convention from = *weights::convention_from_name(a.from);
  const Convention to = *weights::convention_from_name(a.to);
  Result<Layer> layer = weights::layer_from_shape(kind, from, w.shape(), a.groups);
  if (!layer.ok()) return layer.status().with_context(a.input);
  Result<Tensor> converted = weights::convert(w, *layer, from, to);
  if (!converted.ok()) return converted.status().with_context(a.input);
  ORTL_RETURN_IF_ERROR(write_npy(a.output, *converted));
  fmt::print("layer: {}\n", layer->to_string());
  fmt::print("from {:<13} {}\n", convention_title(from) + ":", shape_with_axes(*layer, from));
  fmt::print("to   {:<13} {}\n", convention_title(to) + ":", shape_with_axes(*layer, to));
  fmt::print("wrote {}\n", a.output);
  return Status::Ok();
}

// --- resize-channels -------------------------------------------------------------------------

struct ResizeArgs {
  std::string input, output, kind, convention, side, mode, bias, bias_output;
  int64_t count = 0;
};

Status run_resize(const ResizeArgs& a) {
  ORTL_ASSIGN_OR_RETURN(Tensor w, read_npy(a.input));
  std::optional<Tensor> bias;
  if (!a.bias.empty()) {
    ORTL_ASSIGN_OR_RETURN(bias, read_npy(a.bias));
  }
  const Convention convention = *weights::convention_from_name(a.convention);
  Result<Layer> layer = weights::layer_from_shape(*weights::layer_kind_from_name(a.kind),
                                                  convention, w.shape(), std::nullopt);
  if (!layer.ok()) return layer.status().with_context(a.input);
  const auto side =
      a.side == "input" ? weights::ChannelSide::kInput : weights::ChannelSide::kOutput;
  const auto how = a.mode == "truncate"   ? weights::ChannelResize::kTruncate
                   : a.mode == "zero-pad" ? weights::ChannelResize::kZeroPad
                                          : weights::ChannelResize::kReplicate;
  Result<weights::ResizedWeights> r =
      weights::resize_channels(w, bias, *layer, convention, side, how, a.count);
  if (!r.ok()) return r.status().with_context(a.input);
  ORTL_RETURN_IF_ERROR(write_npy(a.output, r->weight));
  fmt::print("layer: {}\n", layer->to_string());
  fmt::print("now:   {}\n", r->layer.to_string());
  fmt::print("weight {} -> {}, wrote {}\n", shape_to_string(w.shape()),
             shape_to_string(r->weight.shape()), a.output);
  if (bias && side == weights::ChannelSide::kOutput) {
    if (a.bias_output.empty()) {
      return invalid_argument("the outputs changed, so the bias did: give --bias-output FILE");
    }
    ORTL_RETURN_IF_ERROR(write_npy(a.bias_output, *r->bias));
    fmt::print("bias {} -> {}, wrote {}\n", shape_to_string(bias->shape()),
               shape_to_string(r->bias->shape()), a.bias_output);
  }
  fmt::print("effect: {}\n", r->effect);
  return Status::Ok();
}

// --- model helpers ---------------------------------------------------------------------------

bool is_conv_node(const Node& node) {
  return node.domain.empty() && (node.op_type == "Conv" || node.op_type == "ConvTranspose");
}

// Every value's shape in the model for its declared (or overridden) input shapes, from the
// prepared plan with every optimization off (so each node reports its own outputs).
Result<std::map<std::string, Shape>> value_shapes(const Graph& graph,
                                                  const std::vector<std::string>& shape_args) {
  ORTL_ASSIGN_OR_RETURN(const auto overrides, tools::parse_shape_overrides(shape_args));
  SessionOptions options;
  options.optimizations = Optimizations::level(0);
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(graph, options));
  std::vector<NamedTensor> feeds;
  std::map<std::string, Shape> shapes;
  for (const ValueInfo& input : session->inputs()) {
    Shape shape;
    if (auto it = overrides.find(input.name); it != overrides.end()) {
      shape = it->second;
    } else {
      if (!input.shape) {
        return invalid_argument(fmt::format(
            "input '{}' has no declared shape: give --shape {}=DIMS", input.name, input.name));
      }
      for (const Dim& d : *input.shape) {
        if (!d.is_fixed()) {
          return invalid_argument(
              fmt::format("input '{}' has a symbolic dim '{}': give --shape {}=DIMS", input.name,
                          d.symbol, input.name));
        }
        shape.push_back(d.value);
      }
    }
    ORTL_ASSIGN_OR_RETURN(Tensor t, Tensor::create(input.dtype.value_or(DType::kFloat32), shape));
    feeds.push_back({input.name, t});
    shapes[input.name] = shape;
  }
  ORTL_ASSIGN_OR_RETURN(std::vector<NodeReport> reports, session->describe(feeds));
  std::map<std::string, const NodeReport*> by_label;
  for (const NodeReport& r : reports) by_label[r.node] = &r;
  for (const auto& [name, t] : graph.initializers) shapes[name] = t.shape();
  for (const Node& node : graph.nodes) {
    auto it = by_label.find(node.label());
    if (it == by_label.end()) continue;
    for (size_t i = 0; i < node.outputs.size() && i < it->second->output_shapes.size(); ++i) {
      shapes[node.outputs[i]] = it->second->output_shapes[i];
    }
  }
  return shapes;
}

Result<conv::ConvProblem> conv_problem(const Node& node,
                                       const std::map<std::string, Shape>& shapes) {
  auto shape_of = [&](size_t i) -> Result<Shape> {
    if (i >= node.inputs.size() || node.inputs[i].empty()) {
      return invalid_model(fmt::format("{}: input {} is missing", node.label(), i));
    }
    auto it = shapes.find(node.inputs[i]);
    if (it == shapes.end()) {
      return invalid_model(
          fmt::format("{}: the shape of '{}' is not known", node.label(), node.inputs[i]));
    }
    return it->second;
  };
  ORTL_ASSIGN_OR_RETURN(conv::ConvAttributes attributes, conv::parse_conv_attributes(node));
  ORTL_ASSIGN_OR_RETURN(Shape x, shape_of(0));
  ORTL_ASSIGN_OR_RETURN(Shape w, shape_of(1));
  std::optional<Shape> bias;
  if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
    ORTL_ASSIGN_OR_RETURN(bias, shape_of(2));
  }
  return conv::resolve_conv_problem(node, attributes, x, w, bias, conv::OutputShapePadding::kSpec);
}

// The weights library's view of a resolved node: depthwise when every group reads one channel.
Layer layer_of(const conv::ConvProblem& p, bool depthwise_allowed = true) {
  Layer layer;
  layer.kind = p.kind == conv::ConvKind::kConvTranspose ? LayerKind::kConvTranspose
               : (depthwise_allowed && p.groups > 1 && p.groups == p.in_channels)
                   ? LayerKind::kDepthwise
                   : LayerKind::kConv;
  layer.in_channels = p.in_channels;
  layer.out_channels = p.out_channels;
  layer.groups = p.groups;
  for (const auto& a : p.axes) layer.kernel.push_back(a.kernel);
  return layer;
}

const Node* find_node(const Graph& graph, const std::string& name) {
  for (const Node& node : graph.nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

std::string tuple(const std::vector<int64_t>& values) {
  return values.size() == 1 ? fmt::format("{}", values[0])
                            : fmt::format("({})", fmt::join(values, ", "));
}

// --- explain ---------------------------------------------------------------------------------

std::string axis_formula(const conv::ConvProblem& p, const conv::AxisGeometry& a) {
  const int64_t k = a.effective_kernel();
  if (p.kind == conv::ConvKind::kConvTranspose) {
    return fmt::format(
        "full = stride*(in-1) + (k-1)*d + 1 = {}*({}-1) + ({}-1)*{} + 1 = {}; "
        "out = full - begin - end = {} - {} - {} = {}",
        a.stride, a.input, a.kernel, a.dilation, a.full(), a.full(), a.pads_begin, a.pads_end,
        a.output);
  }
  return fmt::format(
      "out = floor((in + begin + end - k_eff) / stride) + 1 = floor(({} + {} + {} - {}) / {}) + 1 "
      "= {}",
      a.input, a.pads_begin, a.pads_end, k, a.stride, a.output);
}

// "D", "H", "W" for the spatial axes of 1-D to 3-D layers, else the index.
std::string axis_name(int64_t rank, int64_t i) {
  static const char* kAxis[] = {"D", "H", "W"};
  return rank <= 3 ? kAxis[3 - rank + i] : fmt::format("{}", i);
}

std::string torch_layer(const conv::ConvProblem& p, const Layer& layer) {
  const int64_t r = p.spatial_rank();
  std::vector<int64_t> kernel, stride, dilation, padding, output_padding;
  std::vector<std::string> extras;
  for (int64_t i = 0; i < r; ++i) {
    const auto& a = p.axes[static_cast<size_t>(i)];
    Result<weights::TorchAxis> t = weights::torch_setting(layer.kind, a);
    const std::string name = axis_name(r, i);
    if (!t.ok()) return "none exact (axis " + name + ": " + t.status().message() + ")";
    kernel.push_back(a.kernel);
    stride.push_back(a.stride);
    dilation.push_back(a.dilation);
    padding.push_back(t->padding);
    output_padding.push_back(t->output_padding);
    if (!t->exact_alone()) {
      std::string extra = name + ": " + t->to_string(layer.kind);
      // The popular near miss: moving the end crop into output_padding keeps the size only.
      const int64_t c = t->crop_end;
      if (t->crop_begin == 0 && c > 0 && c < std::max(a.stride, a.dilation)) {
        extra += fmt::format(" (padding={}, output_padding={} gives this size but shifted by {})",
                             t->padding + c, c, c);
      }
      extras.push_back(extra);
    }
  }
  if (r > 3) return "none (PyTorch has 1-D, 2-D and 3-D layers)";
  const bool transpose = p.kind == conv::ConvKind::kConvTranspose;
  std::string text = fmt::format(
      "torch.nn.{}{}d({}, {}, kernel_size={}, stride={}, padding={}, {}dilation={}, groups={})",
      transpose ? "ConvTranspose" : "Conv", r, p.in_channels, p.out_channels, tuple(kernel),
      tuple(stride), tuple(padding),
      transpose ? fmt::format("output_padding={}, ", tuple(output_padding)) : "", tuple(dilation),
      p.groups);
  if (!extras.empty()) text += fmt::format("\n      not exact alone; {}", fmt::join(extras, "; "));
  return text;
}

std::string keras_layer(const conv::ConvProblem& p, const Layer& layer) {
  const int64_t r = p.spatial_rank();
  if (r > 3) return "none (Keras has 1-D, 2-D and 3-D layers)";
  if (Status s = weights::check_layer(layer, Convention::kKeras); !s.ok()) {
    return "none: " + s.message();
  }
  std::vector<weights::KerasAxis> settings;
  for (const auto& a : p.axes) {
    Result<weights::KerasAxis> k = weights::keras_setting(layer.kind, a);
    if (!k.ok()) return "none exact: " + k.status().message();
    settings.push_back(*k);
  }
  // One padding mode for all axes; where the axes disagree, 'valid' plus explicit steps.
  bool same = true;
  for (const auto& s : settings) same = same && s.padding == settings[0].padding;
  if (!same) {
    settings.clear();
    for (const auto& a : p.axes) {
      weights::KerasAxis v;
      v.padding = weights::KerasPadding::kValid;
      if (layer.kind == LayerKind::kConvTranspose) {
        v.output_padding = a.pads_end < 0 ? -a.pads_end : 0;
        v.crop_begin = a.pads_begin;
        v.crop_end = std::max<int64_t>(a.pads_end, 0);
      } else {
        v.pad_begin = a.pads_begin;
        v.pad_end = a.pads_end;
      }
      settings.push_back(v);
    }
  }
  std::vector<int64_t> kernel, stride, dilation, op, pad_b, pad_e, crop_b, crop_e;
  bool any_op = false, any_pad = false, any_crop = false;
  for (size_t i = 0; i < settings.size(); ++i) {
    const auto& a = p.axes[i];
    const auto& s = settings[i];
    kernel.push_back(a.kernel);
    stride.push_back(a.stride);
    dilation.push_back(a.dilation);
    op.push_back(s.output_padding.value_or(0));
    any_op = any_op || s.output_padding.has_value();
    pad_b.push_back(s.pad_begin);
    pad_e.push_back(s.pad_end);
    crop_b.push_back(s.crop_begin);
    crop_e.push_back(s.crop_end);
    any_pad = any_pad || s.pad_begin != 0 || s.pad_end != 0;
    any_crop = any_crop || s.crop_begin != 0 || s.crop_end != 0;
  }
  const char* padding = settings[0].padding == weights::KerasPadding::kSame ? "same" : "valid";
  std::string name =
      layer.kind == LayerKind::kConvTranspose ? "Conv" + std::to_string(r) + "DTranspose"
      : layer.kind == LayerKind::kDepthwise   ? "DepthwiseConv" + std::to_string(r) + "D"
                                              : "Conv" + std::to_string(r) + "D";
  std::string first_arg = layer.kind == LayerKind::kDepthwise
                              ? fmt::format("depth_multiplier={}", p.out_channels / p.in_channels)
                              : fmt::format("{}", p.out_channels);
  std::string text = fmt::format("keras.layers.{}({}, {}, strides={}, padding='{}'", name,
                                 first_arg, tuple(kernel), tuple(stride), padding);
  if (layer.kind == LayerKind::kConvTranspose) {
    text += any_op ? fmt::format(", output_padding={}", tuple(op)) : ", output_padding=None";
  }
  text += fmt::format(", dilation_rate={}", tuple(dilation));
  if (layer.kind == LayerKind::kConv && p.groups > 1) text += fmt::format(", groups={}", p.groups);
  text += ")";
  auto pairs = [](const std::vector<int64_t>& b, const std::vector<int64_t>& e) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < b.size(); ++i) parts.push_back(fmt::format("({}, {})", b[i], e[i]));
    return parts.size() == 1 ? parts[0] : fmt::format("({})", fmt::join(parts, ", "));
  };
  if (any_pad) {
    text = fmt::format("keras.layers.ZeroPadding{}D({}) (negative: Cropping) then ", r,
                       pairs(pad_b, pad_e)) +
           text;
  }
  if (any_crop) text += fmt::format(" then keras.layers.Cropping{}D({})", r, pairs(crop_b, crop_e));
  return text;
}

// The node's attributes as the model gives them: "auto_pad=SAME_UPPER strides=[2, 2]".
std::string attributes_text(const Node& node) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : node.attributes) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
      parts.push_back(fmt::format("{}={}", name, *i));
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      parts.push_back(fmt::format("{}={}", name, *s));
    } else if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) {
      parts.push_back(fmt::format("{}=[{}]", name, fmt::join(*ints, ", ")));
    }
  }
  return parts.empty() ? "(none)" : fmt::format("{}", fmt::join(parts, " "));
}

struct ExplainArgs {
  std::string model, dot;
  std::vector<std::string> shapes;
};

Status write_dot(const Graph& graph, const std::map<std::string, Shape>& shapes,
                 const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error(fmt::format("{}: cannot open for writing", path));
  auto quoted = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '\n') {
        q += "\\n";
        continue;
      }
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  auto shape_text = [&](const std::string& value) {
    auto it = shapes.find(value);
    return it == shapes.end() ? std::string("?") : shape_to_string(it->second);
  };
  out << "digraph model {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=Helvetica];\n"
      << "  edge [fontname=Helvetica, fontsize=10];\n";
  std::map<std::string, std::string> producer;
  for (const ValueInfo& input : graph.inputs) {
    producer[input.name] = "input:" + input.name;
    out << "  " << quoted("input:" + input.name)
        << " [shape=ellipse, label=" << quoted(input.name + "\n" + shape_text(input.name))
        << "];\n";
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    const std::string id = fmt::format("node{}", i);
    std::string label = node.op_type + "\n" + node.name;
    for (size_t k = 1; k < node.inputs.size(); ++k) {
      if (graph.initializers.count(node.inputs[k])) {
        label += "\n" + node.inputs[k] + " " + shape_text(node.inputs[k]);
      }
    }
    out << "  " << id << " [label=" << quoted(label) << "];\n";
    for (const std::string& output : node.outputs) producer[output] = id;
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& input : graph.nodes[i].inputs) {
      auto it = producer.find(input);
      if (input.empty() || it == producer.end()) continue;
      out << "  " << quoted(it->second) << " -> node" << i
          << " [label=" << quoted(input + " " + shape_text(input)) << "];\n";
    }
  }
  for (const ValueInfo& output : graph.outputs) {
    out << "  " << quoted("output:" + output.name)
        << " [shape=ellipse, label=" << quoted(output.name + "\n" + shape_text(output.name))
        << "];\n";
    if (auto it = producer.find(output.name); it != producer.end()) {
      out << "  " << quoted(it->second) << " -> " << quoted("output:" + output.name) << ";\n";
    }
  }
  out << "}\n";
  return out.good() ? Status::Ok() : io_error(fmt::format("{}: write failed", path));
}

Status run_explain(const ExplainArgs& a) {
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(a.model));
  Result<std::map<std::string, Shape>> shapes_or = value_shapes(graph, a.shapes);
  if (!shapes_or.ok()) return shapes_or.status().with_context(a.model);
  const std::map<std::string, Shape>& shapes = *shapes_or;
  // What the runtime chooses, with its default optimizations.
  std::map<std::string, std::string> implementation;
  {
    ORTL_ASSIGN_OR_RETURN(auto session, Session::create(graph));
    std::vector<NamedTensor> feeds;
    for (const ValueInfo& input : session->inputs()) {
      ORTL_ASSIGN_OR_RETURN(
          Tensor t, Tensor::create(input.dtype.value_or(DType::kFloat32), shapes.at(input.name)));
      feeds.push_back({input.name, t});
    }
    ORTL_ASSIGN_OR_RETURN(std::vector<NodeReport> reports, session->describe(feeds));
    for (const NodeReport& r : reports) implementation[r.node] = r.implementation;
  }
  int convs = 0;
  for (const Node& node : graph.nodes) {
    if (!is_conv_node(node)) continue;
    ++convs;
    Result<conv::ConvProblem> p = conv_problem(node, shapes);
    if (!p.ok()) return p.status().with_context(a.model);
    const Layer layer = layer_of(*p);
    fmt::print("{}: X {} -> Y {}, groups {}{}\n", node.label(), shape_to_string(p->input_shape()),
               shape_to_string(p->output_shape()), p->groups,
               layer.kind == LayerKind::kDepthwise ? " (depthwise)" : "");
    fmt::print("  attributes: {}\n", attributes_text(node));
    fmt::print("  weight '{}' {}\n", node.inputs[1], shape_to_string(p->weight_shape()));
    for (Convention c :
         {Convention::kOnnx, Convention::kKeras, Convention::kTfLite, Convention::kCanonical}) {
      fmt::print("    {:<13} {}\n", convention_title(c), shape_with_axes(layer, c));
    }
    for (size_t i = 0; i < p->axes.size(); ++i) {
      const auto& ax = p->axes[i];
      fmt::print("  axis {}: in {}, kernel {}, stride {}, dilation {}, pads {} + {}\n",
                 axis_name(p->spatial_rank(), static_cast<int64_t>(i)), ax.input, ax.kernel,
                 ax.stride, ax.dilation, ax.pads_begin, ax.pads_end);
      fmt::print("    {}\n", axis_formula(*p, ax));
    }
    fmt::print("  pytorch: {}\n", torch_layer(*p, layer));
    fmt::print("  keras:   {}\n", keras_layer(*p, layer));
    std::string chosen = "folded or fused into another node";
    // Fused nodes keep the conv's name and list what they took: "Conv 'c1 + Relu'".
    const std::string prefix = node.op_type + " '" + node.name;
    for (const auto& [label, impl] : implementation) {
      if (label.rfind(prefix, 0) == 0 && label.size() > prefix.size() &&
          (label[prefix.size()] == '\'' || label[prefix.size()] == ' ')) {
        chosen = label + ": " + impl;
      }
    }
    fmt::print("  runtime: {}\n\n", chosen);
  }
  if (convs == 0) fmt::print("{}: no Conv or ConvTranspose nodes\n", a.model);
  if (!a.dot.empty()) {
    ORTL_RETURN_IF_ERROR(write_dot(graph, shapes, a.dot));
    fmt::print("wrote {} (render: dot -Tpng {} -o graph.png)\n", a.dot, a.dot);
  }
  return Status::Ok();
}

// --- graft -----------------------------------------------------------------------------------

struct GraftArgs {
  std::string model, output, from, kind = "auto";
  std::vector<std::string> nodes, weights, biases;
  std::vector<std::string> shapes;
};

Status run_graft(const GraftArgs& a) {
  if (a.nodes.size() != a.weights.size()) {
    return invalid_argument(fmt::format("{} --node but {} --weight: give one weight per node",
                                        a.nodes.size(), a.weights.size()));
  }
  if (!a.biases.empty() && a.biases.size() != a.nodes.size()) {
    return invalid_argument("give --bias for every --node or for none");
  }
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(a.model));
  const Convention from = *weights::convention_from_name(a.from);
  std::map<std::string, Tensor> values;
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const Node* node = find_node(graph, a.nodes[i]);
    if (!node) return invalid_argument(fmt::format("{}: no node named '{}'", a.model, a.nodes[i]));
    if (!is_conv_node(*node)) {
      return invalid_argument(
          fmt::format("{}: {} is not a Conv or ConvTranspose", a.model, node->label()));
    }
    const std::string& w_name = node->inputs.size() > 1 ? node->inputs[1] : "";
    auto w_it = graph.initializers.find(w_name);
    if (w_it == graph.initializers.end()) {
      return invalid_argument(fmt::format("{}: {}: its weight '{}' is not an initializer", a.model,
                                          node->label(), w_name));
    }
    for (const Node& other : graph.nodes) {
      if (&other == node) continue;
      for (const auto& input : other.inputs) {
        if (input == w_name) {
          return invalid_argument(
              fmt::format("{}: weight '{}' is also read by {}; grafting would change both", a.model,
                          w_name, other.label()));
        }
      }
    }
    // The node's layer from its current weight (ONNX layout) and group.
    std::map<std::string, Shape> shapes{{w_name, w_it->second.shape()}};
    const int64_t group = node->attributes.count("group")
                              ? std::get<int64_t>(node->attributes.at("group"))
                              : int64_t{1};
    const LayerKind onnx_kind =
        node->op_type == "ConvTranspose" ? LayerKind::kConvTranspose : LayerKind::kConv;
    Result<Layer> layer_or =
        weights::layer_from_shape(onnx_kind, Convention::kOnnx, w_it->second.shape(), group);
    if (!layer_or.ok()) return layer_or.status().with_context(a.model + ": " + node->label());
    Layer layer = *layer_or;
    const bool one_channel_groups = group > 1 && layer.in_channels == group;
    if (layer.kind == LayerKind::kConv &&
        (a.kind == "depthwise" || (a.kind == "auto" && one_channel_groups))) {
      if (!one_channel_groups) {
        return invalid_argument(fmt::format("{}: {} is not depthwise (group {} of {} channels)",
                                            a.model, node->label(), group, layer.in_channels));
      }
      layer.kind = LayerKind::kDepthwise;
    }
    ORTL_ASSIGN_OR_RETURN(Tensor w, read_npy(a.weights[i]));
    ORTL_ASSIGN_OR_RETURN(Shape expected, weights::weight_shape(layer, from));
    if (w.shape() != expected) {
      return invalid_argument(fmt::format("{}: {} holds {}; {} wants a {} weight of shape {}",
                                          a.weights[i], shape_to_string(w.shape()),
                                          layer.to_string(), node->label(), a.from,
                                          shape_with_axes(layer, from)));
    }
    Result<Tensor> onnx_w = weights::convert(w, layer, from, Convention::kOnnx);
    if (!onnx_w.ok()) return onnx_w.status().with_context(a.weights[i]);
    values[w_name] = *onnx_w;
    fmt::print("{}: weight '{}' <- {} ({} {} -> onnx {})\n", node->label(), w_name, a.weights[i],
               a.from, shape_to_string(w.shape()), shape_to_string(onnx_w->shape()));
    if (!a.biases.empty()) {
      const std::string b_name = node->inputs.size() > 2 ? node->inputs[2] : "";
      if (!graph.initializers.count(b_name)) {
        return invalid_argument(
            fmt::format("{}: {} has no bias initializer to graft into", a.model, node->label()));
      }
      ORTL_ASSIGN_OR_RETURN(Tensor b, read_npy(a.biases[i]));
      if (b.shape() != Shape{layer.out_channels} || b.dtype() != DType::kFloat32) {
        return invalid_argument(fmt::format("{}: {} {}; {} wants float32 [{}]", a.biases[i],
                                            dtype_name(b.dtype()), shape_to_string(b.shape()),
                                            node->label(), layer.out_channels));
      }
      values[b_name] = b;
      fmt::print("{}: bias '{}' <- {}\n", node->label(), b_name, a.biases[i]);
    }
  }
  ORTL_RETURN_IF_ERROR(write_with_initializers(a.model, values, a.output));
  // The new model must still load and run: prove it before saying so.
  ORTL_ASSIGN_OR_RETURN(Graph grafted, import_onnx_file(a.output));
  Result<std::map<std::string, Shape>> check = value_shapes(grafted, a.shapes);
  if (!check.ok())
    return check.status().with_context(a.output + " (written, but it does not plan)");
  fmt::print("wrote {} (loads and plans)\n", a.output);
  return Status::Ok();
}

// --- adjoint ---------------------------------------------------------------------------------

struct AdjointArgs {
  std::string model, node, output;
  std::vector<std::string> shapes;
};

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  Tensor t(DType::kFloat32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.element_count(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Result<Tensor> run_single(const Node& node, const std::string& input, const Tensor& x,
                          const std::string& w_name, const Tensor& w) {
  Graph g;
  g.source = "adjoint check";
  g.opsets[""] = node.opset;
  std::vector<Dim> dims;
  for (int64_t d : x.shape()) dims.push_back(Dim{d, ""});
  g.inputs.push_back(ValueInfo{input, DType::kFloat32, "float32", dims});
  g.initializers[w_name] = w;
  g.nodes.push_back(node);
  g.outputs.push_back(ValueInfo{node.outputs[0], std::nullopt, "", std::nullopt});
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(std::move(g)));
  ORTL_ASSIGN_OR_RETURN(auto outputs, session->run({{input, x}}));
  return outputs[0].tensor;
}

// <a, b> in double, and the sum of its terms' magnitudes: the scale rounding errors are
// measured against (the inner product itself may cancel down to almost nothing).
struct Dot {
  double value = 0, magnitude = 0;
};
Dot dot(const Tensor& a, const Tensor& b) {
  Dot d;
  for (int64_t i = 0; i < a.element_count(); ++i) {
    const double term = double{a.data<float>()[i]} * double{b.data<float>()[i]};
    d.value += term;
    d.magnitude += std::abs(term);
  }
  return d;
}

Status run_adjoint(const AdjointArgs& a) {
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(a.model));
  const Node* node = find_node(graph, a.node);
  if (!node) return invalid_argument(fmt::format("{}: no node named '{}'", a.model, a.node));
  if (node->op_type != "Conv" || !node->domain.empty()) {
    return invalid_argument(fmt::format("{}: {} is not a Conv", a.model, node->label()));
  }
  auto w_it = graph.initializers.find(node->inputs.size() > 1 ? node->inputs[1] : "");
  if (w_it == graph.initializers.end()) {
    return invalid_argument(
        fmt::format("{}: {}: its weight is not an initializer", a.model, node->label()));
  }
  Result<std::map<std::string, Shape>> shapes = value_shapes(graph, a.shapes);
  if (!shapes.ok()) return shapes.status().with_context(a.model);
  Result<conv::ConvProblem> p = conv_problem(*node, *shapes);
  if (!p.ok()) return p.status().with_context(a.model);

  // The adjoint: the same weight bytes read as ConvTranspose (C' = M, M' = C), same strides,
  // dilations, group and pads, and the output_padding that returns the Conv's input size.
  std::vector<int64_t> strides, dilations, pads_begin, pads_end, output_padding, kernel;
  for (const auto& ax : p->axes) {
    const weights::AdjointAxis adj = weights::adjoint_axis(ax);
    strides.push_back(ax.stride);
    dilations.push_back(ax.dilation);
    kernel.push_back(ax.kernel);
    pads_begin.push_back(adj.pads_begin);
    pads_end.push_back(adj.pads_end);
    output_padding.push_back(adj.output_padding);
  }
  std::vector<int64_t> pads = pads_begin;
  pads.insert(pads.end(), pads_end.begin(), pads_end.end());
  Node adjoint;
  adjoint.name = node->name + "_adjoint";
  adjoint.op_type = "ConvTranspose";
  adjoint.opset = std::max<int64_t>(node->opset, 11);
  adjoint.inputs = {"y", "w"};
  adjoint.outputs = {"x"};
  adjoint.attributes = {{"strides", strides},     {"dilations", dilations},
                        {"pads", pads},           {"output_padding", output_padding},
                        {"kernel_shape", kernel}, {"group", p->groups}};
  const Shape y_shape = p->output_shape();
  ORTL_RETURN_IF_ERROR(write_single_node_model(
      {adjoint, {{"y", y_shape}}, {{"w", w_it->second}}, p->input_shape(), "ort-lite-weights"},
      a.output));

  // Check <conv(x), y> = <x, convT(y)> on random data, through the runtime (bias left out: it
  // is not part of the linear map).
  Node conv = *node;
  conv.inputs = {"x", "w"};
  conv.outputs = {"conv_x"};
  const Tensor x = random_tensor(p->input_shape(), 1);
  const Tensor y = random_tensor(y_shape, 2);
  ORTL_ASSIGN_OR_RETURN(Tensor conv_x, run_single(conv, "x", x, "w", w_it->second));
  ORTL_ASSIGN_OR_RETURN(Tensor adjoint_y, run_single(adjoint, "y", y, "w", w_it->second));
  if (adjoint_y.shape() != x.shape()) {
    return internal_error(fmt::format("the adjoint gives {}, not the Conv's input {}",
                                      shape_to_string(adjoint_y.shape()),
                                      shape_to_string(x.shape())));
  }
  const Dot lhs = dot(conv_x, y), rhs = dot(x, adjoint_y);
  // float32 convolutions round each output; those errors add up with random signs, far below
  // the terms' magnitude, while a wrong adjoint (a flipped kernel, shifted pads) moves the
  // inner product by about magnitude / sqrt(outputs), 1e-4 even at 10^8 outputs.
  constexpr double kTolerance = 1e-6;
  const double relative =
      std::abs(lhs.value - rhs.value) / std::max(std::max(lhs.magnitude, rhs.magnitude), 1e-30);
  fmt::print("{}: X {} -> Y {}\n", node->label(), shape_to_string(x.shape()),
             shape_to_string(y_shape));
  fmt::print(
      "adjoint ConvTranspose: weight '{}' {} unchanged, strides {}, pads [{}], "
      "output_padding [{}], group {}\n",
      w_it->first, shape_to_string(w_it->second.shape()), tuple(strides), fmt::join(pads, ", "),
      fmt::join(output_padding, ", "), p->groups);
  fmt::print(
      "<conv(x), y> = {:.9g}\n<x, convT(y)> = {:.9g}\n"
      "difference {:.3g} of the terms' magnitude {:.6g}: {:.3g} ({})\n",
      lhs.value, rhs.value, std::abs(lhs.value - rhs.value), std::max(lhs.magnitude, rhs.magnitude),
      relative, relative <= kTolerance ? "the adjoint identity holds" : "FAILS");
  fmt::print("wrote {}\n", a.output);
  if (relative > kTolerance) return internal_error("the adjoint identity does not hold");
  return Status::Ok();
}

int main_impl(int argc, char** argv) {
  CLI::App app{
      "ort-lite-weights: conv and deconv weights between PyTorch/ONNX, Keras/TF, TFLite and\n"
      "ort-lite's canonical form, exactly.\n\n"
      "Layouts (memory order):   Conv               ConvTranspose      Depthwise\n"
      "  onnx / pytorch          (M, C/g, k..)      (C, M/g, k..)      (C*mult, 1, k..)\n"
      "  keras / tf              (k.., C/g, M)      (k.., M, C)        (k.., C, mult)\n"
      "  tflite (2-D)            (M, kh, kw, C/g)   (M, kh, kw, C)     (1, kh, kw, C*mult)\n"
      "  canonical               (g, M/g, C/g, k..)\n"
      "C: channels the layer reads, M: channels it writes, g: groups. No convention flips or\n"
      "swaps the kernel's spatial axes.",
      "ort-lite-weights"};
  app.require_subcommand(1);
  bool version = false;
  app.add_flag("--version", version, "print the version and exit");

  ConvertArgs convert;
  CLI::App* c = app.add_subcommand("convert", "one .npy weight from one convention to another");
  c->add_option("weight", convert.input, "the weight (.npy, float32)")->required();
  c->add_option("--kind", convert.kind, "conv, convtranspose (deconv) or depthwise")
      ->required()
      ->check(CLI::IsMember(kKindNames));
  c->add_option("--from", convert.from, "pytorch|onnx, keras, tflite or canonical")
      ->required()
      ->check(CLI::IsMember(kConventionNames));
  c->add_option("--to", convert.to, "the target convention")
      ->required()
      ->check(CLI::IsMember(kConventionNames));
  c->add_option("--groups", convert.groups,
                "groups (grouped layers; depthwise in onnx/tflite layouts: the input channels)")
      ->check(CLI::PositiveNumber);
  c->add_option("-o,--output", convert.output, "where to write the converted .npy")->required();

  ResizeArgs resize;
  CLI::App* r = app.add_subcommand(
      "resize-channels", "truncate, zero-pad or replicate a weight's input or output channels");
  r->add_option("weight", resize.input, "the weight (.npy, float32)")->required();
  r->add_option("--kind", resize.kind, "conv or convtranspose")
      ->required()
      ->check(CLI::IsMember({"conv", "convtranspose", "deconv"}));
  r->add_option("--convention", resize.convention, "the weight's convention")
      ->required()
      ->check(CLI::IsMember(kConventionNames));
  r->add_option("--side", resize.side, "input or output")
      ->required()
      ->check(CLI::IsMember({"input", "output"}));
  r->add_option("--mode", resize.mode, "truncate, zero-pad or replicate")
      ->required()
      ->check(CLI::IsMember({"truncate", "zero-pad", "replicate"}));
  r->add_option("--count", resize.count, "the new channel count")
      ->required()
      ->check(CLI::PositiveNumber);
  r->add_option("--bias", resize.bias, "the bias (.npy), resized with the outputs");
  r->add_option("--bias-output", resize.bias_output, "where to write the resized bias");
  r->add_option("-o,--output", resize.output, "where to write the resized weight")->required();

  ExplainArgs explain;
  CLI::App* e = app.add_subcommand(
      "explain",
      "per Conv/ConvTranspose node: weights in every convention, pads and output "
      "size with the formula, the equivalent PyTorch and Keras layers");
  e->add_option("model", explain.model, "the model (.onnx)")->required();
  e->add_option("--shape", explain.shapes, "an input's shape, NAME=1x3x224x224");
  e->add_option("--dot", explain.dot, "also write the graph with shapes as Graphviz DOT");

  GraftArgs graft;
  CLI::App* g = app.add_subcommand(
      "graft", "put weights given in any convention into named Conv/ConvTranspose nodes");
  g->add_option("model", graft.model, "the model (.onnx)")->required();
  g->add_option("--node", graft.nodes, "a node's name (repeat for several)")->required();
  g->add_option("--weight", graft.weights, "its weight (.npy), one per --node")->required();
  g->add_option("--bias", graft.biases, "its bias (.npy), one per --node");
  g->add_option("--from", graft.from, "the weights' convention")
      ->required()
      ->check(CLI::IsMember(kConventionNames));
  g->add_option("--kind", graft.kind,
                "auto (default: depthwise for a Conv whose groups read one channel each), conv "
                "or depthwise")
      ->check(CLI::IsMember({"auto", "conv", "depthwise"}));
  g->add_option("--shape", graft.shapes, "an input's shape for the check, NAME=DIMS");
  g->add_option("-o,--output", graft.output, "where to write the new model")->required();

  AdjointArgs adjoint;
  CLI::App* a = app.add_subcommand(
      "adjoint", "the ConvTranspose that is a Conv node's exact adjoint (tied weights), checked");
  a->add_option("model", adjoint.model, "the model (.onnx)")->required();
  a->add_option("--node", adjoint.node, "the Conv node's name")->required();
  a->add_option("--shape", adjoint.shapes, "an input's shape, NAME=DIMS");
  a->add_option("-o,--output", adjoint.output, "where to write the one-node adjoint model")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    if (version) {
      fmt::print("ort-lite-weights {}\n", ORTL_VERSION);
      return 0;
    }
    return app.exit(err) == 0 ? 0 : 2;
  }
  Status status;
  if (c->parsed()) status = run_convert(convert);
  if (r->parsed()) status = run_resize(resize);
  if (e->parsed()) status = run_explain(explain);
  if (g->parsed()) status = run_graft(graft);
  if (a->parsed()) status = run_adjoint(adjoint);
  if (!status.ok()) {
    fmt::print(stderr, "ort-lite-weights: error: {}\n", status.to_string());
    return status.code() == StatusCode::kInternal ? 3 : 1;
  }
  return 0;
}

}  // namespace
}  // namespace ort_lite::weights_tool

int main(int argc, char** argv) { return ort_lite::weights_tool::main_impl(argc, argv); }

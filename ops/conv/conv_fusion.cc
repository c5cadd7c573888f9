#include "ort_lite/ops/conv_fusion.h"

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/ops/attributes.h"

namespace ort_lite::conv {

namespace {

// Each fusable activation with its float attributes' ONNX defaults (alpha, beta).
struct Fusable {
  const char* op_type;
  const char* alpha_name;
  float alpha;
  const char* beta_name;
  float beta;
};
constexpr Fusable kFusable[] = {
    {"Relu", nullptr, 0, nullptr, 0},
    {"LeakyRelu", "alpha", 0.01f, nullptr, 0},
    {"Elu", "alpha", 1.0f, nullptr, 0},
    {"Selu", "alpha", 1.67326319217681884765625f, "gamma", 1.05070102214813232421875f},
    {"Sigmoid", nullptr, 0, nullptr, 0},
    {"HardSigmoid", "alpha", 0.2f, "beta", 0.5f},
    {"HardSwish", nullptr, 0, nullptr, 0},
    {"Tanh", nullptr, 0, nullptr, 0},
    {"Softplus", nullptr, 0, nullptr, 0},
    {"Gelu", nullptr, 0, nullptr, 0},
};

}  // namespace

std::optional<Activation> fusable_activation(const Node& node) {
  if (!node.domain.empty() || node.inputs.empty() || node.outputs.size() != 1) return std::nullopt;
  // Opsets 1-5 carry `consumed_inputs` and other legacy forms: leave those nodes alone.
  if (node.opset < 6) return std::nullopt;
  AttributeReader reader(node);
  if (node.op_type == "Clip") {
    // Opsets 6-10: min and max attributes; 11+: inputs, which must be constants the rewrite
    // reads (it passes them as attributes here).
    if (node.opset >= 11) return std::nullopt;
    auto lo = reader.get_float("min", -std::numeric_limits<float>::max());
    auto hi = reader.get_float("max", std::numeric_limits<float>::max());
    if (!lo.ok() || !hi.ok() || !reader.check_known({"min", "max"}).ok()) return std::nullopt;
    return Activation{"Clip", *lo, *hi, ""};
  }
  for (const Fusable& f : kFusable) {
    if (node.op_type != f.op_type) continue;
    if (node.inputs.size() != 1) return std::nullopt;
    Activation a{f.op_type, f.alpha, f.beta, ""};
    std::vector<std::string_view> known;
    if (f.alpha_name) known.push_back(f.alpha_name);
    if (f.beta_name) known.push_back(f.beta_name);
    if (node.op_type == "Gelu") {
      auto approximate = reader.get_string("approximate", "none");
      if (!approximate.ok() || (*approximate != "none" && *approximate != "tanh")) {
        return std::nullopt;
      }
      a.approximate = *approximate;
      known.push_back("approximate");
    }
    for (const auto& [name, value] : node.attributes) {
      if (std::find(known.begin(), known.end(), std::string_view(name)) == known.end()) {
        return std::nullopt;
      }
    }
    if (f.alpha_name) {
      auto alpha = reader.get_float(f.alpha_name, f.alpha);
      if (!alpha.ok()) return std::nullopt;
      a.alpha = *alpha;
    }
    if (f.beta_name) {
      auto beta = reader.get_float(f.beta_name, f.beta);
      if (!beta.ok()) return std::nullopt;
      a.beta = *beta;
    }
    return a;
  }
  return std::nullopt;
}

void write_activation(const Activation& activation, Node& node) {
  node.attributes["activation"] = activation.op_type;
  node.attributes["activation_alpha"] = activation.alpha;
  node.attributes["activation_beta"] = activation.beta;
  if (!activation.approximate.empty()) {
    node.attributes["activation_approximate"] = activation.approximate;
  }
  if (!activation.slope.empty()) node.attributes["activation_slope"] = activation.slope;
}

Result<ConvFusion> parse_conv_fusion(const Node& node) {
  ConvFusion fusion;
  if (node.domain != kOrtLiteDomain) return fusion;
  AttributeReader reader(node);
  ORTL_ASSIGN_OR_RETURN(int64_t residual, reader.get_int("residual", 0));
  if (residual != 0 && residual != 1) {
    return reader.error(StatusCode::kInvalidModel, "residual", "must be 0 or 1");
  }
  fusion.residual = residual == 1;
  if (reader.has("activation")) {
    Activation a;
    ORTL_ASSIGN_OR_RETURN(a.op_type, reader.get_string("activation", ""));
    ORTL_ASSIGN_OR_RETURN(a.alpha, reader.get_float("activation_alpha", 0));
    ORTL_ASSIGN_OR_RETURN(a.beta, reader.get_float("activation_beta", 0));
    ORTL_ASSIGN_OR_RETURN(a.approximate, reader.get_string("activation_approximate", ""));
    if (a.op_type == "PRelu") {
      auto slope = node.attributes.find("activation_slope");
      const auto* values = slope == node.attributes.end()
                               ? nullptr
                               : std::get_if<std::vector<float>>(&slope->second);
      if (!values || values->empty()) {
        return reader.error(StatusCode::kInvalidModel, "activation_slope",
                            "a fused PRelu needs its slope: one value or one per output channel");
      }
      a.slope = *values;
    }
    const bool known = a.op_type == "Clip" || a.op_type == "SiLU" || a.op_type == "PRelu" ||
                       std::any_of(std::begin(kFusable), std::end(kFusable),
                                   [&](const Fusable& f) { return a.op_type == f.op_type; });
    if (!known) {
      return reader.error(StatusCode::kUnsupported, "activation",
                          fmt::format("'{}' is not an activation ort-lite fuses", a.op_type));
    }
    fusion.activation = a;
  }
  return fusion;
}

}  // namespace ort_lite::conv

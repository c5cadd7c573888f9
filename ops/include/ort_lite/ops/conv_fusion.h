// What a fused convolution computes after the Conv / ConvTranspose itself:
//   Y = activation(conv(X, W, B) + residual)        (each part optional)
// The graph rewrites (ops/rewrites/) write it as a node of ort-lite's own domain with the conv's
// op type, the conv's attributes plus the ones below, and the residual as a 4th input:
//   domain ai.ort_lite, op Conv | ConvTranspose, inputs X, W, B (may be omitted), residual?
//   activation        the ONNX op type folded in: Relu, LeakyRelu, Elu, Selu, Sigmoid,
//                     HardSigmoid, HardSwish, Tanh, Softplus, Clip, Gelu, PRelu, or SiLU for
//                     x * Sigmoid(x) written as two nodes (absent: none)
//   activation_alpha, activation_beta   its float attributes (Clip: min and max), as ONNX
//                     defines them for that op (defaults filled in by the rewrite)
//   activation_approximate              Gelu's 'none' or 'tanh'
//   activation_slope  PRelu's constant slope: one value, or one per output channel
//   residual          1: input 3 is added before the activation
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/status.h"

namespace ort_lite::conv {

inline constexpr const char* kOrtLiteDomain = "ai.ort_lite";

struct Activation {
  std::string op_type;  // "Relu", "Clip", ...
  float alpha = 0, beta = 0;
  std::string approximate;        // Gelu only
  std::vector<float> slope = {};  // PRelu only: one value, or one per output channel
  bool operator==(const Activation&) const = default;
};

struct ConvFusion {
  bool residual = false;
  std::optional<Activation> activation;
  bool any() const { return residual || activation.has_value(); }
  bool prelu() const { return activation && activation->op_type == "PRelu"; }
};

// The activations a rewrite may fold in, with their ONNX attribute defaults: nullopt when
// op_type is not one of them (or its attributes are not the float ones listed).
std::optional<Activation> fusable_activation(const Node& node);

// Reads the fusion attributes of a node of kOrtLiteDomain (none for ONNX's own Conv).
Result<ConvFusion> parse_conv_fusion(const Node& node);

// The attributes that describe `activation` on a fused node.
void write_activation(const Activation& activation, Node& node);

}  // namespace ort_lite::conv

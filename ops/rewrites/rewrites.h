// Graph rewrites between import and planning: each folds or fuses one pattern into a
// Conv / ConvTranspose, computing the same function up to float rounding. One file per
// rewrite, each behind its switch in Optimizations (ort_lite/options.h):
//
//   forward_constant_identities  (always, first) readers of Identity(initializer) read the
//                        initializer, so the rewrites below see the constant
//   fold_batch_norm      Conv -> BatchNormalization (inference, constant parameters): the
//                        weights scaled per output channel (ConvTranspose: on weight axis 1,
//                        group-aware), the bias shifted; the BatchNormalization disappears
//   fold_channel_affine  Conv -> Mul / Div / Add / Sub by a per-channel (or scalar) constant
//   fuse_residual_add    Conv -> Add(other): a fused node adding `other` (conv_fusion.h)
//   fuse_matmul_bias     MatMul(A, constant B) -> Add(constant bias) (a Linear layer) as one
//                        matmul adding the bias, which fuse_activation may then extend
//   fuse_gelu            the Div -> Erf -> Add -> Mul -> Mul form of GELU becomes one Gelu
//   fuse_activation      Conv -> Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSwish, Elu, Gelu...
//                        (also after a fused MatMul + bias, PRelu excepted)
//   fuse_batch_norm_relu BatchNormalization -> Relu (not after a conv) in one pass
//   fuse_channel_shuffle Reshape -> Transpose -> Reshape of ShuffleNet's channel shuffle becomes
//                        one ChannelShuffle that keeps channels-last values so
//
// A pattern folds only through a value with no other reader that is not a graph output (so no
// result vanishes), and never across an activation (Conv -> Relu -> BatchNormalization stays).
// The fused node takes the place of the pattern's last node, so every input it reads is
// computed before it.
#pragma once

#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/options.h"

namespace ort_lite::rewrites {

struct RewriteCounts {
  int identities_forwarded = 0;
  int batch_norms_folded = 0;
  int channel_affines_folded = 0;
  int residual_adds_fused = 0;
  int matmul_biases_fused = 0;
  int gelus_fused = 0;
  int activations_fused = 0;
  int channel_shuffles_fused = 0;
  int batch_norm_relus_fused = 0;
  int initializers_dropped = 0;  // left unread by the folds
};

RewriteCounts rewrite_graph(Graph& graph, const Optimizations& optimizations);

int forward_constant_identities(Graph& graph);
int fold_batch_norm(Graph& graph);
int fold_channel_affine(Graph& graph);
int fuse_residual_add(Graph& graph);
int fuse_matmul_bias(Graph& graph);
int fuse_gelu(Graph& graph);
int fuse_activation(Graph& graph);
int fuse_channel_shuffle(Graph& graph);
int fuse_batch_norm_relu(Graph& graph);

}  // namespace ort_lite::rewrites

// LayerNormalization's Y on oneDNN's layer_normalization primitive: X seen as (rows, cols)
// with cols the normalized axes, scale and (optionally) shift of cols values.
#pragma once

#include <memory>

#include "ort_lite/kernel.h"

namespace ort_lite::onednn {

// Reads X, Scale and (with `shift`) B from inputs 0, 1, 2; writes Y to output 0. nullptr when
// the primitive cannot take it.
std::unique_ptr<Kernel> make_layer_norm_kernel(int64_t rows, int64_t cols, float epsilon,
                                               bool shift);

}  // namespace ort_lite::onednn

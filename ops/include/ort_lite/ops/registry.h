#pragma once

#include "ort_lite/kernel.h"

namespace ort_lite {

// Adds every op ort-lite implements to `registry`: the one explicit list (ops/registry.cc).
void register_builtin_ops(OpRegistry& registry);

}  // namespace ort_lite

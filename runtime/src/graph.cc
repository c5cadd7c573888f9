#include "ort_lite/graph.h"

#include <fmt/format.h>

namespace ort_lite {

std::string Dim::to_string() const {
  if (is_fixed()) return std::to_string(value);
  return symbol.empty() ? "?" : symbol;
}

}  // namespace ort_lite

#include "common/shape_args.h"

#include <cstdlib>

#include <fmt/format.h>

namespace ort_lite::tools {

Result<Shape> parse_dims(const std::string& text) {
  Shape shape;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t x = text.find('x', start);
    const std::string part =
        text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    char* end = nullptr;
    const long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 0) {
      return invalid_argument(fmt::format("'{}' is not a shape like 1x3x224x224", text));
    }
    shape.push_back(v);
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return shape;
}

Result<std::map<std::string, Shape>> parse_shape_overrides(const std::vector<std::string>& args) {
  std::map<std::string, Shape> overrides;
  for (const std::string& s : args) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_argument(
          fmt::format("'{}': expected NAME=DIMS (a shape like x=1x3x224x224)", s));
    }
    ORTL_ASSIGN_OR_RETURN(overrides[s.substr(0, eq)], parse_dims(s.substr(eq + 1)));
  }
  return overrides;
}

}  // namespace ort_lite::tools

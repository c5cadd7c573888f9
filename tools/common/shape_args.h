// Command-line shapes shared by the tools: "1x3x224x224" and NAME=DIMS overrides.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ort_lite/status.h"
#include "ort_lite/tensor.h"

namespace ort_lite::tools {

// "1x3x224x224" -> [1, 3, 224, 224]; an error names the text and the expected form.
Result<Shape> parse_dims(const std::string& text);
// {"x=1x3x8x8", ...} -> {x: [1, 3, 8, 8], ...}
Result<std::map<std::string, Shape>> parse_shape_overrides(const std::vector<std::string>& args);

}  // namespace ort_lite::tools

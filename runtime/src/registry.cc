#include <algorithm>

#include "ort_lite/kernel.h"

namespace ort_lite {

namespace {
// "ai.onnx" and "" name the same (default) domain.
std::string normalized(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }
}  // namespace

void OpRegistry::add(OpDefinition definition) {
  definition.domain = normalized(definition.domain);
  definitions_.push_back(std::move(definition));
}

const OpDefinition* OpRegistry::find(const std::string& domain, const std::string& op_type,
                                     int64_t opset) const {
  const std::string d = normalized(domain);
  for (const auto& def : definitions_) {
    if (def.domain == d && def.op_type == op_type && def.first_opset <= opset &&
        opset <= def.last_opset) {
      return &def;
    }
  }
  return nullptr;
}

void OpRegistry::set_layout_class(const std::string& op_type, LayoutClassFn layout_class) {
  for (auto& def : definitions_) {
    if (def.op_type == op_type) def.layout_class = layout_class;
  }
}

bool OpRegistry::knows(const std::string& domain, const std::string& op_type) const {
  const std::string d = normalized(domain);
  return std::any_of(definitions_.begin(), definitions_.end(), [&](const OpDefinition& def) {
    return def.domain == d && def.op_type == op_type;
  });
}

}  // namespace ort_lite

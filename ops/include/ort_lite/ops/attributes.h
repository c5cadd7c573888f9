// Typed access to a node's attributes, with errors that name the node, the attribute, the
// value and the rule: "Conv 'c1': attribute 'strides' must be a list of ints, got a string".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/status.h"

namespace ort_lite {

class AttributeReader {
 public:
  explicit AttributeReader(const Node& node) : node_(node) {}

  bool has(const std::string& name) const { return node_.attributes.count(name) > 0; }
  Result<int64_t> get_int(const std::string& name, int64_t default_value) const;
  Result<float> get_float(const std::string& name, float default_value) const;
  Result<std::string> get_string(const std::string& name, std::string default_value) const;
  // An absent attribute reads as an empty list.
  Result<std::vector<int64_t>> get_ints(const std::string& name) const;

  // Refuses attributes outside `known`: the spec defines no others, so one we do not know means
  // a newer opset or a mistake, and ignoring it could silently change the result.
  Status check_known(std::initializer_list<std::string_view> known) const;
  Status check_known(std::span<const std::string_view> known) const;

  // "Conv 'c1': attribute 'strides': <message>"
  Status error(StatusCode code, const std::string& name, const std::string& message) const;

 private:
  const Node& node_;
};

}  // namespace ort_lite

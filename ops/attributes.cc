#include "ort_lite/ops/attributes.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ort_lite {

namespace {
const char* kind_name(const AttributeValue& value) {
  switch (value.index()) {
    case 0:
      return "an int";
    case 1:
      return "a float";
    case 2:
      return "a string";
    case 3:
      return "a list of ints";
    case 4:
      return "a list of floats";
    case 5:
      return "a list of strings";
    case 6:
      return "a tensor";
  }
  return "an unknown kind";
}
}  // namespace

Status AttributeReader::error(StatusCode code, const std::string& name,
                              const std::string& message) const {
  return Status(code, fmt::format("{}: attribute '{}': {}", node_.label(), name, message));
}

Result<int64_t> AttributeReader::get_int(const std::string& name, int64_t default_value) const {
  auto it = node_.attributes.find(name);
  if (it == node_.attributes.end()) return default_value;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return *v;
  return error(StatusCode::kInvalidModel, name,
               fmt::format("must be an int, got {}", kind_name(it->second)));
}

Result<float> AttributeReader::get_float(const std::string& name, float default_value) const {
  auto it = node_.attributes.find(name);
  if (it == node_.attributes.end()) return default_value;
  if (const auto* v = std::get_if<float>(&it->second)) return *v;
  return error(StatusCode::kInvalidModel, name,
               fmt::format("must be a float, got {}", kind_name(it->second)));
}

Result<std::string> AttributeReader::get_string(const std::string& name,
                                                std::string default_value) const {
  auto it = node_.attributes.find(name);
  if (it == node_.attributes.end()) return default_value;
  if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
  return error(StatusCode::kInvalidModel, name,
               fmt::format("must be a string, got {}", kind_name(it->second)));
}

Result<std::vector<int64_t>> AttributeReader::get_ints(const std::string& name) const {
  auto it = node_.attributes.find(name);
  if (it == node_.attributes.end()) return std::vector<int64_t>{};
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  // A single-element list can arrive as a plain int from hand-written models.
  if (const auto* v = std::get_if<int64_t>(&it->second)) return std::vector<int64_t>{*v};
  return error(StatusCode::kInvalidModel, name,
               fmt::format("must be a list of ints, got {}", kind_name(it->second)));
}

Status AttributeReader::check_known(std::initializer_list<std::string_view> known) const {
  return check_known(std::span<const std::string_view>(known.begin(), known.size()));
}

Status AttributeReader::check_known(std::span<const std::string_view> known) const {
  for (const auto& [name, value] : node_.attributes) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return error(StatusCode::kUnsupported, name,
                   fmt::format("is not an attribute of {} (known: {})", node_.op_type,
                               fmt::join(known, ", ")));
    }
  }
  return Status::Ok();
}

}  // namespace ort_lite

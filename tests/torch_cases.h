// The PyTorch-made Conv / ConvTranspose cases of tests/data/torch_conv (cases.txt and the
// <name>.{x,w,b,y}.npy files beside it; regenerate with tests/data/torch_conv/make_cases.py).
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ort_lite/graph.h"

namespace ort_lite {

inline const std::filesystem::path kCaseDir =
    std::filesystem::path(ORTL_TEST_DATA_DIR) / "torch_conv";
inline constexpr size_t kMinimumCases = 40;

struct TorchCase {
  std::string name;
  std::string op_type;
  std::map<std::string, AttributeValue> attributes;
  std::string line;  // as written in cases.txt, for messages
};

struct CaseFile {
  std::vector<TorchCase> cases;
  std::vector<std::string> errors;  // malformed lines
};

// "a,b,c" -> {a, b, c}; false on anything that is not a list of integers.
inline bool parse_ints(const std::string& text, std::vector<int64_t>& out) {
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    try {
      out.push_back(std::stoll(item, &used));
    } catch (const std::exception&) {
      return false;
    }
    if (used != item.size()) return false;
  }
  return !out.empty();
}

inline CaseFile load_cases() {
  CaseFile file;
  std::ifstream in(kCaseDir / "cases.txt");
  if (!in) {
    file.errors.push_back("cannot open " + (kCaseDir / "cases.txt").string());
    return file;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream words(line);
    TorchCase c;
    c.line = line;
    words >> c.name >> c.op_type;
    bool ok = !c.name.empty() && (c.op_type == "Conv" || c.op_type == "ConvTranspose");
    std::string word;
    while (ok && words >> word) {
      const size_t eq = word.find('=');
      if (eq == std::string::npos || eq == 0) {
        ok = false;
        break;
      }
      const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
      if (key == "auto_pad") {
        c.attributes[key] = value;
      } else {
        std::vector<int64_t> ints;
        ok = parse_ints(value, ints);
        if (key == "group") {
          ok = ok && ints.size() == 1;
          if (ok) c.attributes[key] = ints[0];
        } else {
          c.attributes[key] = ints;
        }
      }
    }
    if (ok) {
      file.cases.push_back(std::move(c));
    } else {
      file.errors.push_back("malformed line: " + line);
    }
  }
  return file;
}

inline const CaseFile& case_file() {
  static const CaseFile file = load_cases();
  return file;
}

}  // namespace ort_lite

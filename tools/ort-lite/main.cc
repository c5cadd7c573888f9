// ort-lite: runs an ONNX model on tensor files and prints (or checks) its outputs.
//
// The flow is: parse the command line into CliOptions -> load the Session -> read and assign the
// inputs -> (report) -> run (repeat) -> print, compare and write each output. Every failure is a
// Status that ends up on stderr as "ort-lite: error: ..." with an exit code from exit_code_for().
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "common/random_inputs.h"
#include "common/shape_args.h"
#include "ort_lite/importers/onnx_importer.h"
#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"
#include "tensor_summary.h"

#ifndef ORTL_VERSION
#define ORTL_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace ort_lite::cli {
namespace {

// Exit codes (documented in kUsage).
constexpr int kExitOk = 0;
constexpr int kExitMismatch = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

constexpr std::string_view kDescription = R"(ort-lite [options] MODEL.onnx [INPUT...]
ort-lite info MODEL.onnx
ort-lite batch MODEL.onnx INPUT... -o DIR [--jobs N]

Runs an ONNX model on tensor files (or, with no INPUT, on random inputs made from the model's
declared shapes) and prints every output's name, dtype, shape and min/max/mean. 'info' prints
the model's inputs and outputs (symbolic dims by name), opsets and op counts, without running.
'batch' loads the model once and runs each INPUT (one sample: a .npy or .pb for a one-input
model, or a .npz holding every input by name) with --jobs concurrent runs, writing
DIR/<input stem>.npz; an input that fails is reported by name and the others go on.
)";

constexpr std::string_view kFooter = R"(Inputs:
  FILE                  a .npy or ONNX TensorProto .pb file, given to the model's inputs in
                        order (a .pb whose name field names a model input goes to that input),
                        or a .npz archive whose arrays go to the inputs of their names
  NAME=FILE             gives FILE to the model input NAME
  DIR                   a folder such as test_data_set_0: its input_0.pb, input_1.pb, ...

Exit status:
  0  success (and every output matched --compare)
  1  an output differs from --compare beyond tolerance (or in shape or dtype)
  2  bad usage or bad input: unknown option, unreadable or malformed model or tensor file,
     missing, unknown or duplicate input, wrong shape or dtype, unsupported op
  3  internal error (a bug in ort-lite or a failure inside a dependency)
)";

struct CliOptions {
  bool help = false;
  std::string help_text;
  bool version = false;
  std::string model_path;
  bool info = false;   // ort-lite info MODEL.onnx
  bool batch = false;  // ort-lite batch MODEL.onnx INPUT... -o DIR
  int jobs = 1;
  std::vector<std::string> inputs;        // as written: FILE, NAME=FILE or DIR
  std::vector<std::string> input_shapes;  // --input-shape NAME=DIMS, for random inputs
  uint32_t seed = 0;
  std::optional<std::string> output_dir;
  SessionOptions session;
  std::optional<std::string> compare_path;                         // --compare PATH
  std::vector<std::pair<std::string, std::string>> compare_named;  // --compare NAME=FILE
  Tolerance tolerance;
  bool report = false;
  std::optional<int> repeat;
  int warmup = 1;
};

Status usage_error(const std::string& message) {
  return invalid_argument(message + " (see 'ort-lite --help')");
}

// Validators whose messages say what is wanted and what was given: "--threads: needs an
// integer >= 0, got 'two'".
CLI::Validator integer_at_least(int minimum) {
  return CLI::Validator(
      [minimum](std::string& text) -> std::string {
        int value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || ptr != end || value < minimum) {
          return fmt::format("needs an integer >= {}, got '{}'", minimum, text);
        }
        return "";
      },
      fmt::format("INT>={}", minimum));
}

CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
          return fmt::format("needs a non-negative number, got '{}'", text);
        }
        return "";
      },
      "NUMBER>=0");
}

// The command line through CLI11: options with their validators, generated help (kUsage's
// text is its description and footer); "info" and "batch" are the first positional word.
Result<CliOptions> parse_args(int argc, char** argv) {
  CliOptions options;
  CLI::App app{std::string(kDescription), "ort-lite"};
  app.footer(std::string(kFooter));
  app.get_formatter()->column_width(30);
  app.add_flag("--version", options.version, "print the version and exit");
  std::vector<std::string> positional;
  app.add_option("args", positional,
                 "MODEL.onnx and its INPUTs (or: info MODEL, batch MODEL INPUT...)");
  std::string output_dir;
  app.add_option("-o,--output-dir", output_dir,
                 "write each output to DIR/<output name>.npy (DIR is created; characters other "
                 "than letters, digits, '.', '-' and '_' become '_'); a DIR ending in .npz is one "
                 "archive of every output, by name");
  app.add_option("--input-shape", options.input_shapes,
                 "the shape of a random input, e.g. x=1x3x224x224 (needed for symbolic dims)")
      ->allow_extra_args(false);
  app.add_option("--seed", options.seed,
                 "seed of the random inputs (default 0): float32 uniform in [-1, 1), other types "
                 "zero");
  app.add_option("--threads", options.session.threads, "threads per run (default 0: one per core)")
      ->check(integer_at_least(0));
  app.add_option("--jobs", options.jobs, "batch: concurrent runs (default 1)")
      ->check(integer_at_least(1));
  std::string backend = "onednn";
  app.add_option("--backend", backend, "onednn (default) or reference (plain loops, the oracle)")
      ->check(CLI::IsMember({"onednn", "reference"}));
  app.add_flag("--legacy-output-shape-padding", options.session.legacy_output_shape_padding,
               "ConvTranspose with output_shape and an odd total padding puts the extra pixel at "
               "the end, like ONNX Runtime < 1.14 and TensorRT");
  std::vector<std::string> compare;
  // Vector options take one value per occurrence (repeat the option), so that INPUTs after
  // them stay positional.
  app.add_option("--compare", compare,
                 "PATH: check the outputs against an .npy or .pb file (one output), a .npz or a "
                 "folder of <output name>.npy or output_<i>.pb files (an ONNX test_data_set_0); "
                 "NAME=FILE: check the output NAME (repeatable). Floating types compare by value "
                 "(a float16 output against float32 expected values)")
      ->allow_extra_args(false);
  app.add_option("--rtol", options.tolerance.rtol, "relative tolerance of --compare (1e-4)")
      ->check(non_negative_number());
  app.add_option("--atol", options.tolerance.atol,
                 "absolute tolerance of --compare (1e-5): an element matches when |actual - "
                 "expected| <= atol + rtol * |expected|, or both are NaN")
      ->check(non_negative_number());
  app.add_flag("--report", options.report,
               "each node's implementation and output shapes, the layout reorders the plan "
               "added, and the activation memory of a run");
  int repeat = 0;
  app.add_option("--repeat", repeat,
                 "run N times and print the median, p90, p99, min and max wall time per run and "
                 "the runs per second")
      ->check(integer_at_least(1));
  app.add_option("--warmup", options.warmup,
                 "untimed runs before --repeat's (default 1: the first run touches fresh memory "
                 "and code)")
      ->check(integer_at_least(0));
  int opt_level = 1;
  app.add_option("--opt-level", opt_level,
                 "1 (default): channels-last layouts across the graph and the fusions; 0: none "
                 "of them, one kernel per node on plain tensors")
      ->check(CLI::Range(0, 1));
  std::string algorithm = "auto";
  app.add_option("--deconv-algorithm", algorithm,
                 "auto (default: chosen per layer), onednn-deconv, subpixel-conv, gemm-col2im or "
                 "depthwise-direct (where it applies)")
      ->check(CLI::IsMember(
          {"auto", "onednn-deconv", "subpixel-conv", "gemm-col2im", "depthwise-direct"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    options.help_text = app.help();
    options.help = true;
    return options;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  if (options.version) return options;
  if (!output_dir.empty()) options.output_dir = output_dir;
  options.session.backend = *backend_from_name(backend);
  options.session.deconv_algorithm = *deconv_algorithm_from_name(algorithm);
  options.session.optimizations = Optimizations::level(opt_level);
  if (repeat > 0) options.repeat = repeat;
  for (const std::string& text : compare) {
    std::error_code ec;
    const size_t eq = text.find('=');
    if (eq != std::string::npos && eq > 0 && !fs::exists(text, ec)) {
      options.compare_named.emplace_back(text.substr(0, eq), text.substr(eq + 1));
    } else if (options.compare_path) {
      return usage_error(fmt::format(
          "--compare given twice ('{}' and '{}'); name each output with --compare NAME=FILE",
          *options.compare_path, text));
    } else {
      options.compare_path = text;
    }
  }
  if (!positional.empty() && positional.front() == "info") {
    if (positional.size() != 2) return usage_error("'ort-lite info' takes one MODEL.onnx");
    options.info = true;
    positional.erase(positional.begin());
  }
  if (!positional.empty() && positional.front() == "batch") {
    options.batch = true;
    positional.erase(positional.begin());
    if (positional.size() < 2) return usage_error("'ort-lite batch' takes MODEL.onnx INPUT...");
    if (!options.output_dir) return usage_error("'ort-lite batch' writes to -o DIR; give it");
  }
  if (positional.empty()) return usage_error("no model given");
  options.model_path = positional.front();
  options.inputs.assign(positional.begin() + 1, positional.end());
  return options;
}

int exit_code_for(const Status& status) {
  return status.code() == StatusCode::kInternal ? kExitInternal : kExitBadInput;
}

// Adds the file to a message that does not already name it.
Status naming_file(const Status& status, const std::string& path) {
  if (status.ok() || status.message().find(path) != std::string::npos) return status;
  return status.with_context(path);
}

std::string describe_value(const ValueInfo& info) {
  std::string_view text = info.dtype ? dtype_name(*info.dtype) : std::string_view(info.dtype_text);
  if (text.empty()) text = "?";
  if (!info.shape) return fmt::format("{} [?]", text);
  std::vector<std::string> dims;
  for (const Dim& dim : *info.shape) dims.push_back(dim.to_string());
  return fmt::format("{} [{}]", text, fmt::join(dims, ", "));
}

// ---------------------------------------------------------------------------------------------
// Inputs

struct InputFile {
  std::string path;
  std::optional<std::string> name;  // from NAME=FILE
};

// A folder stands for its input_0.pb, input_1.pb, ... (stopping at the first gap).
Result<std::vector<InputFile>> expand_input_args(const std::vector<std::string>& args) {
  std::vector<InputFile> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    size_t eq = arg.find('=');
    if (eq != std::string::npos && eq > 0 && !fs::exists(arg, ec)) {
      files.push_back({arg.substr(eq + 1), arg.substr(0, eq)});
      continue;
    }
    if (fs::is_directory(arg, ec)) {
      size_t before = files.size();
      for (int i = 0;; ++i) {
        fs::path file = fs::path(arg) / fmt::format("input_{}.pb", i);
        if (!fs::exists(file, ec)) break;
        files.push_back({file.string(), std::nullopt});
      }
      if (files.size() == before) {
        return invalid_argument(fmt::format("{}: folder holds no input_0.pb", arg));
      }
      continue;
    }
    files.push_back({arg, std::nullopt});
  }
  return files;
}

struct LoadedInput {
  std::string path;
  std::optional<std::string> name;  // given explicitly, or the .pb's name when it is an input
  Tensor tensor;
};

Result<LoadedInput> read_input_file(const InputFile& file, const std::set<std::string>& names) {
  LoadedInput input{file.path, file.name, {}};
  std::error_code ec;
  if (!fs::exists(file.path, ec)) {
    return io_error(fmt::format("{}: no such file", file.path));
  }
  if (file.path.ends_with(".pb")) {
    Result<NamedTensor> named = read_tensor_pb(file.path);
    if (!named.ok()) return naming_file(named.status(), file.path);
    if (!input.name && names.count(named->name) > 0) input.name = named->name;
    input.tensor = std::move(named->tensor);
  } else {
    Result<Tensor> tensor = read_tensor_file(file.path);
    if (!tensor.ok()) return naming_file(tensor.status(), file.path);
    input.tensor = std::move(*tensor);
  }
  return input;
}

// Reads every input file and assigns it: NAME=FILE first, then .pb files whose name field names
// a graph input, then the remaining files to the remaining inputs in graph order.
Result<std::vector<NamedTensor>> load_inputs(const Session& session, const CliOptions& options) {
  const std::vector<std::string>& args = options.inputs;
  const std::vector<ValueInfo>& graph_inputs = session.inputs();
  ORTL_ASSIGN_OR_RETURN(const auto shapes, tools::parse_shape_overrides(options.input_shapes));
  for (const auto& entry : shapes) {
    const std::string& name = entry.first;  // (clang 14 lambdas cannot capture a binding)
    if (std::none_of(graph_inputs.begin(), graph_inputs.end(),
                     [&](const ValueInfo& i) { return i.name == name; })) {
      return usage_error(fmt::format("--input-shape {}: the model has no input '{}'", name, name));
    }
  }
  if (args.empty()) {
    // No files: every input made up from its declared type and shape, and said so.
    std::vector<NamedTensor> inputs;
    for (const ValueInfo& info : graph_inputs) {
      ORTL_ASSIGN_OR_RETURN(NamedTensor input, tools::random_input(info, shapes, options.seed));
      fmt::print("input  {}: {}\n", info.name, tools::describe_random(input.tensor, options.seed));
      inputs.push_back(std::move(input));
    }
    return inputs;
  }
  if (!shapes.empty()) {
    return usage_error("--input-shape sets the shape of random inputs; it cannot reshape files");
  }
  std::set<std::string> names;
  for (const ValueInfo& info : graph_inputs) names.insert(info.name);
  auto list_inputs = [&] {
    std::vector<std::string> described;
    for (const ValueInfo& info : graph_inputs) {
      described.push_back(fmt::format("'{}' {}", info.name, describe_value(info)));
    }
    return described.empty() ? std::string("none") : fmt::format("{}", fmt::join(described, ", "));
  };

  ORTL_ASSIGN_OR_RETURN(std::vector<InputFile> files, expand_input_args(args));
  std::vector<LoadedInput> loaded;
  for (const InputFile& file : files) {
    if (!file.name && file.path.ends_with(".npz")) {
      // An archive gives each of its arrays to the model input of that name.
      ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> arrays, read_npz(file.path));
      for (NamedTensor& array : arrays) {
        if (names.count(array.name) == 0) {
          return invalid_argument(
              fmt::format("{}: holds '{}', which is not a model input; the "
                          "model's inputs: {}",
                          file.path, array.name, list_inputs()));
        }
        loaded.push_back(
            {fmt::format("{} ({})", file.path, array.name), array.name, std::move(array.tensor)});
      }
      continue;
    }
    if (file.name && names.count(*file.name) == 0) {
      return invalid_argument(fmt::format("unknown input '{}' (in '{}={}'); the model's inputs: {}",
                                          *file.name, *file.name, file.path, list_inputs()));
    }
    ORTL_ASSIGN_OR_RETURN(LoadedInput input, read_input_file(file, names));
    loaded.push_back(std::move(input));
  }

  std::map<std::string, const LoadedInput*> assigned;
  for (const LoadedInput& input : loaded) {
    if (!input.name) continue;
    auto [it, inserted] = assigned.emplace(*input.name, &input);
    if (!inserted) {
      return invalid_argument(fmt::format("input '{}' given twice: by {} and by {}", *input.name,
                                          it->second->path, input.path));
    }
  }
  size_t next = 0;
  for (const LoadedInput& input : loaded) {
    if (input.name) continue;
    while (next < graph_inputs.size() && assigned.count(graph_inputs[next].name) > 0) ++next;
    if (next == graph_inputs.size()) {
      return invalid_argument(
          fmt::format("too many inputs: no model input is left for {}; the model's inputs: {}",
                      input.path, list_inputs()));
    }
    assigned.emplace(graph_inputs[next].name, &input);
  }

  std::vector<NamedTensor> inputs;
  for (const ValueInfo& info : graph_inputs) {
    auto it = assigned.find(info.name);
    if (it == assigned.end()) {
      return invalid_argument(
          fmt::format("missing input '{}' ({}): give it as a file or as {}=FILE", info.name,
                      describe_value(info), info.name));
    }
    fmt::print("input  {}: {} {}  <- {}\n", info.name, dtype_name(it->second->tensor.dtype()),
               shape_to_string(it->second->tensor.shape()), it->second->path);
    inputs.push_back({info.name, it->second->tensor});
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Outputs

// One file name per output: the sanitized output name, made unique.
std::vector<std::string> output_file_names(const std::vector<ValueInfo>& outputs) {
  std::vector<std::string> files;
  std::set<std::string> used;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string stem = outputs[i].name;
    for (char& c : stem) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!keep) c = '_';
    }
    if (stem.empty() || stem == "." || stem == "..") stem = fmt::format("output_{}", i);
    if (used.count(stem) > 0) stem = fmt::format("{}_{}", stem, i);
    used.insert(stem);
    files.push_back(stem + ".npy");
  }
  return files;
}

// The expected tensor for output i of n from --compare PATH.
Result<Tensor> read_expected(const std::string& compare_path, size_t i, size_t n,
                             const std::string& npy_name) {
  std::error_code ec;
  if (!fs::exists(compare_path, ec)) {
    return io_error(fmt::format("{}: no such file or folder (--compare)", compare_path));
  }
  if (!fs::is_directory(compare_path, ec)) {
    if (n != 1) {
      return invalid_argument(fmt::format(
          "--compare {}: the model has {} outputs; give a folder holding one file per output",
          compare_path, n));
    }
    if (compare_path.ends_with(".pb")) {
      Result<NamedTensor> named = read_tensor_pb(compare_path);
      if (!named.ok()) return naming_file(named.status(), compare_path);
      return std::move(named->tensor);
    }
    Result<Tensor> tensor = read_tensor_file(compare_path);
    if (!tensor.ok()) return naming_file(tensor.status(), compare_path);
    return tensor;
  }
  const fs::path npy = fs::path(compare_path) / npy_name;
  const fs::path pb = fs::path(compare_path) / fmt::format("output_{}.pb", i);
  if (fs::exists(npy, ec)) {
    Result<Tensor> tensor = read_npy(npy.string());
    if (!tensor.ok()) return naming_file(tensor.status(), npy.string());
    return tensor;
  }
  if (fs::exists(pb, ec)) {
    Result<NamedTensor> named = read_tensor_pb(pb.string());
    if (!named.ok()) return naming_file(named.status(), pb.string());
    return std::move(named->tensor);
  }
  return io_error(fmt::format("--compare {}: found neither {} nor {}", compare_path,
                              npy.filename().string(), pb.filename().string()));
}

// The expected tensor of each output (nullopt: not compared), from --compare PATH or NAME=FILE.
Result<std::vector<std::optional<Tensor>>> read_all_expected(
    const CliOptions& options, const std::vector<ValueInfo>& outputs,
    const std::vector<std::string>& files) {
  std::vector<std::optional<Tensor>> expected(outputs.size());
  // The array called `name` in a .npz archive.
  auto from_archive = [](const std::string& path, const std::string& name) -> Result<Tensor> {
    ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> arrays, read_npz(path));
    for (NamedTensor& a : arrays) {
      if (a.name == name) return std::move(a.tensor);
    }
    return invalid_argument(fmt::format("{}: holds no array '{}' (--compare)", path, name));
  };
  if (options.compare_path && options.compare_path->ends_with(".npz")) {
    for (size_t i = 0; i < outputs.size(); ++i) {
      ORTL_ASSIGN_OR_RETURN(expected[i], from_archive(*options.compare_path, outputs[i].name));
    }
  } else if (options.compare_path) {
    for (size_t i = 0; i < outputs.size(); ++i) {
      ORTL_ASSIGN_OR_RETURN(expected[i],
                            read_expected(*options.compare_path, i, outputs.size(), files[i]));
    }
  }
  for (const auto& wanted : options.compare_named) {
    const std::string &name = wanted.first, &path = wanted.second;  // (see load_inputs)
    auto it = std::find_if(outputs.begin(), outputs.end(),
                           [&](const ValueInfo& o) { return o.name == name; });
    if (it == outputs.end()) {
      std::vector<std::string> names;
      for (const ValueInfo& o : outputs) names.push_back("'" + o.name + "'");
      return invalid_argument(
          fmt::format("--compare {}={}: the model has no output '{}' (outputs: {})", name, path,
                      name, fmt::join(names, ", ")));
    }
    const size_t i = static_cast<size_t>(it - outputs.begin());
    if (expected[i]) {
      return invalid_argument(fmt::format("--compare: output '{}' is given twice", name));
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return io_error(fmt::format("{}: no such file (--compare {}={})", path, name, path));
    }
    if (path.ends_with(".npz")) {
      ORTL_ASSIGN_OR_RETURN(expected[i], from_archive(path, name));
    } else if (path.ends_with(".pb")) {
      Result<NamedTensor> named = read_tensor_pb(path);
      if (!named.ok()) return naming_file(named.status(), path);
      expected[i] = std::move(named->tensor);
    } else {
      Result<Tensor> tensor = read_tensor_file(path);
      if (!tensor.ok()) return naming_file(tensor.status(), path);
      expected[i] = std::move(*tensor);
    }
  }
  return expected;
}

void print_output(const NamedTensor& output) {
  if (output.tensor.element_count() == 0) {
    fmt::print("output {}: {} {}  (empty: no elements)\n", output.name,
               dtype_name(output.tensor.dtype()), shape_to_string(output.tensor.shape()));
    return;
  }
  const TensorStats stats = compute_stats(output.tensor);
  std::string nan_note = stats.nan_count > 0 ? fmt::format("  NaN {}", stats.nan_count) : "";
  fmt::print("output {}: {} {}  min {:.6g}  max {:.6g}  mean {:.6g}{}\n", output.name,
             dtype_name(output.tensor.dtype()), shape_to_string(output.tensor.shape()), stats.min,
             stats.max, stats.mean, nan_note);
}

void print_comparison(const Comparison& c) {
  if (c.worst_flat_index < 0 && !c.reason.empty()) {  // shape or dtype mismatch
    fmt::print("  compare: FAIL ({})\n", c.reason);
    return;
  }
  std::string worst =
      c.worst_flat_index < 0
          ? std::string("(no elements)")
          : fmt::format("worst at {} (actual {:.9g}, expected {:.9g})",
                        shape_to_string(c.worst_index), c.worst_actual, c.worst_expected);
  fmt::print("  compare{}: max abs error {:.3g}  max rel error {:.3g}  {}  {}{}\n",
             c.note.empty() ? "" : " (" + c.note + ")", c.max_abs_error, c.max_rel_error, worst,
             c.pass ? "PASS" : "FAIL", c.pass ? "" : fmt::format(" ({})", c.reason));
}

void print_report(const std::vector<NodeReport>& report) {
  fmt::print("nodes ({}):\n", report.size());
  for (const NodeReport& node : report) {
    std::vector<std::string> shapes;
    for (const Shape& shape : node.output_shapes) shapes.push_back(shape_to_string(shape));
    fmt::print("  {}  [{}]  -> {}\n", node.node, node.implementation, fmt::join(shapes, ", "));
  }
}

// Runs `repeat` times (at least once) and returns the last outputs.
Result<std::vector<NamedTensor>> run_timed(const Session& session,
                                           const std::vector<NamedTensor>& inputs,
                                           std::optional<int> repeat, int warmup) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> millis;
  std::optional<std::vector<NamedTensor>> outputs;
  const int runs = repeat.value_or(1);
  // Warm-up runs (with --repeat) are not timed: the first one touches fresh memory and code.
  for (int r = 0; repeat && r < warmup; ++r) {
    ORTL_ASSIGN_OR_RETURN(outputs, session.run(inputs));
  }
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    ORTL_ASSIGN_OR_RETURN(outputs, session.run(inputs));
    millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  if (repeat) {
    std::sort(millis.begin(), millis.end());
    const double median = millis.size() % 2 == 1
                              ? millis[millis.size() / 2]
                              : (millis[millis.size() / 2 - 1] + millis[millis.size() / 2]) / 2;
    // Nearest-rank percentiles: the smallest time at least p% of the runs do not exceed.
    auto percentile = [&](double p) {
      const size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(runs)));
      return millis[std::clamp<size_t>(rank, 1, millis.size()) - 1];
    };
    double total = 0;
    for (double ms : millis) total += ms;
    fmt::print(
        "time: median {:.3f} ms per run over {} runs (p90 {:.3f}, p99 {:.3f}, min {:.3f}, max "
        "{:.3f}; {:.1f} runs/s; {} warm-up run{} not counted)\n",
        median, runs, percentile(90), percentile(99), millis.front(), millis.back(),
        total > 0 ? 1000.0 * runs / total : 0.0, warmup, warmup == 1 ? "" : "s");
  }
  return std::move(*outputs);
}

// ort-lite info: what the model declares and holds, without preparing it.
Result<int> print_info(const std::string& model_path) {
  ORTL_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(model_path));
  fmt::print("model: {}\n", model_path);
  std::vector<std::string> opsets;
  for (const auto& [domain, version] : graph.opsets) {
    opsets.push_back(fmt::format("{} {}", domain.empty() ? "ai.onnx" : domain, version));
  }
  fmt::print("opsets: {}\n", fmt::join(opsets, ", "));
  for (const ValueInfo& info : graph.inputs) {
    fmt::print("input  {}: {}\n", info.name, describe_value(info));
  }
  for (const ValueInfo& info : graph.outputs) {
    fmt::print("output {}: {}\n", info.name, describe_value(info));
  }
  size_t weights = 0;
  for (const auto& [name, tensor] : graph.initializers) weights += tensor.byte_size();
  fmt::print("initializers: {} ({:.2f} MiB)\n", graph.initializers.size(), weights / 1048576.0);
  std::map<std::string, int> counts;
  for (const Node& node : graph.nodes) {
    ++counts[node.domain.empty() ? node.op_type : node.domain + "." + node.op_type];
  }
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  fmt::print("nodes: {}\n", graph.nodes.size());
  for (const auto& [op, count] : sorted) fmt::print("  {:>5}  {}\n", count, op);
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// Batch

// One sample's inputs from its file: a .npz holds each input by name; a .npy or .pb is the one
// input of a one-input model.
Result<std::vector<NamedTensor>> read_sample(const Session& session, const std::string& path) {
  const std::vector<ValueInfo>& declared = session.inputs();
  if (path.ends_with(".npz")) {
    ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> arrays, read_npz(path));
    return arrays;  // names are checked by the run
  }
  if (declared.size() != 1) {
    return invalid_argument(
        fmt::format("{}: the model has {} inputs; give each sample as a .npz holding them by name",
                    path, declared.size()));
  }
  Result<Tensor> tensor = read_tensor_file(path);
  if (!tensor.ok()) return naming_file(tensor.status(), path);
  return std::vector<NamedTensor>{{declared[0].name, std::move(*tensor)}};
}

// Loads the model once and runs every input file with `jobs` concurrent runs sharing its plan.
// Returns 0 when every input ran, 2 when some failed (each reported with its file).
Result<int> run_batch(const CliOptions& options) {
  using Clock = std::chrono::steady_clock;
  ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                        Session::load(options.model_path, options.session));
  const std::string& dir = *options.output_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0) {
    return io_error(fmt::format("{}: cannot create or write the output folder", dir));
  }
  // Each input's archive name, unique even when two inputs share a stem.
  std::vector<std::string> out_paths;
  std::set<std::string> used;
  for (const std::string& input : options.inputs) {
    std::string stem = fs::path(input).stem().string();
    for (int k = 2; !used.insert(stem).second; ++k)
      stem = fmt::format("{}_{}", fs::path(input).stem().string(), k);
    out_paths.push_back((fs::path(dir) / (stem + ".npz")).string());
  }
  const size_t total = options.inputs.size();
  std::atomic<size_t> next{0}, done{0}, failed{0};
  std::mutex report_mutex;  // one message at a time on stderr
  const bool terminal = isatty(fileno(stderr)) != 0;
  const auto start = Clock::now();
  auto progress = [&] {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const size_t d = done.load();
    const double rate = seconds > 0 ? d / seconds : 0;
    fmt::print(stderr, "\r\033[K{}/{} inputs, {:.1f} inputs/s, {:.0f} s left", d, total, rate,
               rate > 0 ? (total - d) / rate : 0.0);
  };
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < total;) {
      const std::string& input = options.inputs[i];
      Status status = [&]() -> Status {
        ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> feeds, read_sample(*session, input));
        ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> outputs, session->run(feeds));
        return write_npz(out_paths[i], outputs);
      }();
      ++done;
      std::lock_guard<std::mutex> lock(report_mutex);
      if (!status.ok()) {
        ++failed;
        const std::string text = status.to_string();
        fmt::print(stderr, "{}ort-lite: error: {}{}\n", terminal ? "\r\033[K" : "",
                   text.find(input) == std::string::npos ? input + ": " : "", text);
      }
      if (terminal) progress();
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < std::min<int>(options.jobs, static_cast<int>(total)); ++j) {
    workers.emplace_back(worker);
  }
  for (std::thread& t : workers) t.join();
  if (terminal) fmt::print(stderr, "\r\033[K");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  fmt::print(
      "batch: {} inputs, {} succeeded, {} failed, in {:.2f} s ({:.1f} inputs/s, {} "
      "concurrent runs); outputs in {}\n",
      total, total - failed.load(), failed.load(), seconds, seconds > 0 ? total / seconds : 0.0,
      std::min<size_t>(options.jobs, total), dir);
  return failed.load() == 0 ? kExitOk : kExitBadInput;
}

// Returns the exit code, or a Status for errors.
Result<int> run_cli(const CliOptions& options) {
  if (options.batch) return run_batch(options);
  if (options.info) return print_info(options.model_path);
  ORTL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                        Session::load(options.model_path, options.session));
  const int threads = options.session.threads;
  fmt::print("model: {}  (backend {}, threads {})\n", options.model_path,
             backend_name(options.session.backend),
             threads == 0 ? std::string("all cores") : std::to_string(threads));
  ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, load_inputs(*session, options));

  if (options.report) {
    ORTL_ASSIGN_OR_RETURN(std::vector<NodeReport> report, session->describe(inputs));
    print_report(report);
    ORTL_ASSIGN_OR_RETURN(PlanMemory memory, session->memory(inputs));
    fmt::print(
        "activation memory per run: {:.2f} MiB (arena {:.2f}, scratch {:.2f}, outputs {:.2f})\n",
        memory.total() / 1048576.0, memory.arena_bytes / 1048576.0,
        memory.scratch_bytes / 1048576.0, memory.output_bytes / 1048576.0);
  }
  // Everything the outputs will be checked against or written to is checked before the run, so
  // that a typo does not cost a long run first.
  const std::vector<std::string> files = output_file_names(session->outputs());
  ORTL_ASSIGN_OR_RETURN(auto expected, read_all_expected(options, session->outputs(), files));
  const bool output_npz = options.output_dir && options.output_dir->ends_with(".npz");
  if (output_npz) {
    const fs::path parent = fs::absolute(*options.output_dir).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec) || access(parent.c_str(), W_OK) != 0) {
      return io_error(fmt::format("{}: its folder {} does not exist or is not writable",
                                  *options.output_dir, parent.string()));
    }
  } else if (options.output_dir) {
    std::error_code ec;
    fs::create_directories(*options.output_dir, ec);
    if (ec) {
      return io_error(fmt::format("{}: cannot create the output folder: {}", *options.output_dir,
                                  ec.message()));
    }
    if (access(options.output_dir->c_str(), W_OK) != 0) {
      return io_error(fmt::format("{}: the output folder is not writable", *options.output_dir));
    }
  }
  ORTL_ASSIGN_OR_RETURN(std::vector<NamedTensor> outputs,
                        run_timed(*session, inputs, options.repeat, options.warmup));
  if (files.size() != outputs.size()) {
    return internal_error(fmt::format("the session returned {} outputs for {} graph outputs",
                                      outputs.size(), files.size()));
  }

  bool all_pass = true;
  for (size_t i = 0; i < outputs.size(); ++i) {
    print_output(outputs[i]);
    if (options.output_dir && !output_npz) {
      const std::string path = (fs::path(*options.output_dir) / files[i]).string();
      ORTL_RETURN_IF_ERROR(naming_file(write_npy(path, outputs[i].tensor), path));
      fmt::print("  written to {}\n", path);
    }
    if (expected[i]) {
      const Comparison comparison =
          compare_tensors(outputs[i].tensor, *expected[i], options.tolerance);
      print_comparison(comparison);
      all_pass = all_pass && comparison.pass;
    }
  }
  if (output_npz) {
    ORTL_RETURN_IF_ERROR(write_npz(*options.output_dir, outputs));
    fmt::print("outputs written to {}\n", *options.output_dir);
  }
  if (options.compare_path || !options.compare_named.empty()) {
    fmt::print("{} (rtol {:g}, atol {:g})\n", all_pass ? "PASS" : "FAIL", options.tolerance.rtol,
               options.tolerance.atol);
  }
  return all_pass ? kExitOk : kExitMismatch;
}

void print_error(const Status& status) {
  fmt::print(stderr, "ort-lite: error: {}\n", status.to_string());
}

int cli_main(int argc, char** argv) {
  Result<CliOptions> options = parse_args(argc, argv);
  if (!options.ok()) {
    print_error(options.status());
    return kExitBadInput;
  }
  if (options->help) {
    fmt::print("{}", options->help_text);
    return kExitOk;
  }
  if (options->version) {
    fmt::print("ort-lite {}\n", ORTL_VERSION);
    return kExitOk;
  }
  Result<int> code = run_cli(*options);
  std::fflush(stdout);
  if (!code.ok()) {
    print_error(code.status());
    return exit_code_for(code.status());
  }
  return *code;
}

}  // namespace
}  // namespace ort_lite::cli

int main(int argc, char** argv) {
  try {
    return ort_lite::cli::cli_main(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ort-lite: error: internal error: unexpected exception: {}\n", e.what());
  } catch (...) {
    fmt::print(stderr, "ort-lite: error: internal error: unexpected exception\n");
  }
  return ort_lite::cli::kExitInternal;
}

// ort-lite-bench: where the time goes, layer by layer and node by node.
//
//   ort-lite-bench --deconv g1mb1ic64ih16oc32oh32kh4sh2ph1 [--json out.json]   one layer
//   ort-lite-bench --suite [--threads 1 2]                                    the bundled layers
//   ort-lite-bench model.onnx [inputs] [--trace trace.json]                   a model, per node
//
// Layers run through ort-lite's own op path (a one-node model in a Session, the code a model
// runs) beside the raw oneDNN primitive on the same problem; times are medians over rounds in
// which the two alternate. Every mode prints a table and can write JSON.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/random_inputs.h"
#include "common/shape_args.h"
#include "layer.h"
#include "onednn/raw_primitive.h"
#include "ort_lite/importers/tensor_io.h"
#include "ort_lite/session.h"
#include "peak.h"
#include "suite.h"

#ifndef ORTL_VERSION
#define ORTL_VERSION "unknown"
#endif

namespace ort_lite::bench {
namespace {

using Json = nlohmann::ordered_json;

struct Options {
  std::vector<int> threads;
  int rounds = 5;
  double block_ms = 40;  // each round runs one side for about this long
  bool check = true;
  std::string json_path, trace_path;
  std::string auto_pad;
  bool no_bias = false;
  std::vector<std::string> shapes;  // name=1x3x224x224
  int warmup = 3;
  int runs = 0;  // model mode: 0 = as many as fit in about a second
  SessionOptions session;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

// The peak per thread count, measured once.
const Peak& peak_for(int threads) {
  static std::map<int, Peak> peaks;
  auto it = peaks.find(threads);
  if (it == peaks.end()) it = peaks.emplace(threads, measure_peak(threads)).first;
  return it->second;
}

// Sets OpenMP's thread count for code that is not ort-lite's (the raw primitive, the peak).
class OmpThreads {
 public:
  explicit OmpThreads(int n) : previous_(omp_get_max_threads()) { omp_set_num_threads(n); }
  ~OmpThreads() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

bool on_terminal() { return isatty(fileno(stderr)) != 0; }

// A one-line progress note on a terminal, overwritten by the next (quiet otherwise).
void progress(const std::string& text) {
  if (!on_terminal()) return;
  fmt::print(stderr, "\r\033[K{}", text);
  std::fflush(stderr);
}
void progress_done() {
  if (on_terminal()) fmt::print(stderr, "\r\033[K");
}

// ---------------------------------------------------------------------------------------------
// Layer mode

struct LayerResult {
  LayerSpec spec;
  conv::ConvProblem problem;
  int threads = 1;
  double flops = 0;
  double lite_median = 0, lite_min = 0, other_steps_median = 0;
  std::optional<double> raw_median, raw_min;
  std::string implementation, raw_implementation;
  std::optional<double> max_abs_error;
  double output_scale = 0;
  std::vector<std::string> warnings;
  double peak_gflops = 0;
  std::string peak_isa;
};

double gflops(double flops, double ms) { return ms > 0 ? flops / (ms * 1e6) : 0; }

Result<std::vector<NamedTensor>> run_checked(const Session& session,
                                             const std::vector<NamedTensor>& feeds,
                                             RunProfile* profile = nullptr) {
  return session.run(feeds, profile);
}

// Times the layer on ort-lite and on the raw primitive in alternating blocks.
Result<LayerResult> bench_layer(const LayerSpec& spec, int threads, const Options& options) {
  LayerResult r;
  r.spec = spec;
  r.threads = threads;
  ORTL_ASSIGN_OR_RETURN(LayerModel model, build_layer_model(spec));
  r.problem = model.problem;
  r.flops = layer_flops(model.problem);
  const Peak& peak = peak_for(threads);
  r.peak_gflops = peak.gflops;
  r.peak_isa = peak.isa;

  SessionOptions session_options = options.session;
  session_options.threads = threads;
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(model.graph, session_options));
  const Tensor x = tools::random_tensor(DType::kFloat32, model.problem.input_shape(), 7);
  const std::vector<NamedTensor> feeds{{"x", x}};
  ORTL_ASSIGN_OR_RETURN(auto report, session->describe(feeds));
  for (const NodeReport& node : report) {
    if (node.node.find("'" + spec.name + "'") != std::string::npos) {
      r.implementation = node.implementation;
    }
  }

  std::unique_ptr<onednn::RawPrimitive> raw;
  {
    OmpThreads scope(threads);
    auto created = onednn::RawPrimitive::create(model.problem);
    if (created.ok()) {
      raw = std::move(created).value();
      r.raw_implementation = raw->implementation();
    } else {
      r.warnings.push_back("no raw primitive: " + created.status().message());
    }
  }

  // Warm-up, and an estimate of one run to size the blocks.
  RunProfile profile;
  Tensor output;
  for (int i = 0; i < 2; ++i) {
    ORTL_ASSIGN_OR_RETURN(auto out, run_checked(*session, feeds, &profile));
    output = out[0].tensor;
  }
  const int block = std::clamp(
      static_cast<int>(options.block_ms / std::max(profile.total_us / 1e3, 1e-3)), 2, 500);
  std::vector<double> lite, other, raw_times;
  for (int round = 0; round < options.rounds; ++round) {
    for (int i = 0; i < block; ++i) {
      ORTL_ASSIGN_OR_RETURN(auto out, run_checked(*session, feeds, &profile));
      double node_us = 0, rest_us = 0;
      for (const StepProfile& step : profile.steps) {
        (step.node.find("'" + spec.name + "'") != std::string::npos ? node_us : rest_us) +=
            step.duration_us;
      }
      lite.push_back(node_us / 1e3);
      other.push_back(rest_us / 1e3);
    }
    if (raw) {
      OmpThreads scope(threads);
      for (int i = 0; i < block; ++i) raw_times.push_back(raw->run_once());
    }
  }
  r.lite_median = median(lite);
  r.lite_min = *std::min_element(lite.begin(), lite.end());
  r.other_steps_median = median(other);
  if (!raw_times.empty()) {
    r.raw_median = median(raw_times);
    r.raw_min = *std::min_element(raw_times.begin(), raw_times.end());
  }

  if (options.check) {
    SessionOptions reference_options = session_options;
    reference_options.backend = Backend::kReference;
    ORTL_ASSIGN_OR_RETURN(auto reference, Session::create(model.graph, reference_options));
    ORTL_ASSIGN_OR_RETURN(auto expected, reference->run(feeds));
    const auto e = expected[0].tensor.values<float>();
    const auto a = output.values<float>();
    double worst = 0, scale = 0;
    for (size_t i = 0; i < e.size(); ++i) {
      worst = std::max(worst, std::abs(static_cast<double>(a[i]) - e[i]));
      scale = std::max(scale, std::abs(static_cast<double>(e[i])));
    }
    r.max_abs_error = worst;
    r.output_scale = scale;
    if (!(worst <= 1e-4 * std::max(1.0, scale))) {
      r.warnings.push_back(fmt::format("max abs error {:.3g} against the reference", worst));
    }
  }
  // A oneDNN reference implementation is 10-50x slower than its JIT kernels: say so loudly.
  for (const std::string* impl : {&r.implementation, &r.raw_implementation}) {
    if (impl->find("ref") != std::string::npos && impl->find("reference") == std::string::npos) {
      r.warnings.push_back("oneDNN chose a reference ('ref') implementation: " + *impl);
    }
  }
  return r;
}

Json layer_json(const LayerResult& r) {
  Json j;
  j["name"] = r.spec.name;
  j["kind"] = r.problem.kind == conv::ConvKind::kConv ? "conv" : "deconv";
  j["descriptor"] = r.spec.descriptor;
  j["problem"] = r.problem.to_string();
  j["threads"] = r.threads;
  j["mflop"] = r.flops / 1e6;
  j["ort_lite_median_ms"] = r.lite_median;
  j["ort_lite_min_ms"] = r.lite_min;
  j["ort_lite_gflops"] = gflops(r.flops, r.lite_median);
  j["percent_of_peak"] = 100 * gflops(r.flops, r.lite_median) / r.peak_gflops;
  j["other_steps_median_ms"] = r.other_steps_median;
  j["implementation"] = r.implementation;
  if (r.raw_median) {
    j["raw_median_ms"] = *r.raw_median;
    j["raw_min_ms"] = *r.raw_min;
    j["raw_gflops"] = gflops(r.flops, *r.raw_median);
    j["raw_implementation"] = r.raw_implementation;
    j["speedup_vs_raw"] = *r.raw_median / r.lite_median;
  }
  if (r.max_abs_error) {
    j["max_abs_error"] = *r.max_abs_error;
    j["output_max_abs"] = r.output_scale;
  }
  j["warnings"] = r.warnings;
  return j;
}

void print_layer(const LayerResult& r) {
  fmt::print("{} {}  ({} threads, {:.1f} MFLOP)\n",
             r.problem.kind == conv::ConvKind::kConv ? "conv" : "deconv", r.spec.descriptor,
             r.threads, r.flops / 1e6);
  fmt::print("  problem      {}\n", r.problem.to_string());
  const double lite_gf = gflops(r.flops, r.lite_median);
  fmt::print("  ort-lite     median {:.4f} ms  min {:.4f} ms  {:8.1f} GFLOP/s  {:5.1f}% of peak\n",
             r.lite_median, r.lite_min, lite_gf, 100 * lite_gf / r.peak_gflops);
  fmt::print("               {}\n", r.implementation);
  if (r.other_steps_median > 0.0005) {
    fmt::print("               + {:.4f} ms in other steps (layout reorders at the graph edges)\n",
               r.other_steps_median);
  }
  if (r.raw_median) {
    const double raw_gf = gflops(r.flops, *r.raw_median);
    fmt::print(
        "  raw oneDNN   median {:.4f} ms  min {:.4f} ms  {:8.1f} GFLOP/s  {:5.1f}% of peak\n",
        *r.raw_median, *r.raw_min, raw_gf, 100 * raw_gf / r.peak_gflops);
    fmt::print("               {}\n", r.raw_implementation);
    fmt::print("  ort-lite is {:.2f}x the raw primitive's speed\n", *r.raw_median / r.lite_median);
  }
  if (r.max_abs_error) {
    fmt::print("  max abs error vs the reference backend: {:.3g} (output max |y| {:.3g})\n",
               *r.max_abs_error, r.output_scale);
  }
  fmt::print("  peak         {:.1f} GFLOP/s ({}, {} threads, measured)\n", r.peak_gflops,
             r.peak_isa, r.threads);
  for (const std::string& w : r.warnings) fmt::print("  WARNING: {}\n", w);
}

Status write_json(const std::string& path, const Json& j) {
  if (path.empty()) return Status::Ok();
  std::ofstream out(path);
  if (!out) return io_error(fmt::format("{}: cannot open for writing", path));
  out << j.dump(2) << "\n";
  if (!out) return io_error(fmt::format("{}: write failed", path));
  return Status::Ok();
}

Json machine_json() {
  Json j;
  j["cpu"] = cpu_name();
  j["cores"] = available_cores();
  j["version"] = ORTL_VERSION;
  return j;
}

Status run_layer_mode(const std::string& descriptor, conv::ConvKind kind, const Options& options) {
  ORTL_ASSIGN_OR_RETURN(LayerSpec spec, parse_layer(descriptor, kind));
  spec.auto_pad = options.auto_pad;
  spec.bias = !options.no_bias;
  Json j = machine_json();
  j["mode"] = "layer";
  j["results"] = Json::array();
  fmt::print("CPU: {}\n", cpu_name());
  for (int threads : options.threads) {
    ORTL_ASSIGN_OR_RETURN(LayerResult r, bench_layer(spec, threads, options));
    print_layer(r);
    j["results"].push_back(layer_json(r));
  }
  return write_json(options.json_path, j);
}

Status run_suite_mode(const Options& options) {
  const auto& layers = suite_layers();
  Json j = machine_json();
  j["mode"] = "suite";
  j["results"] = Json::array();
  std::vector<LayerResult> results;
  const size_t total = layers.size() * options.threads.size();
  size_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const SuiteLayer& layer : layers) {
    ORTL_ASSIGN_OR_RETURN(LayerSpec spec, parse_layer(layer.descriptor, layer.kind));
    spec.name = layer.name;
    spec.auto_pad = layer.auto_pad;
    for (size_t t = 0; t < options.threads.size(); ++t) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress(fmt::format("[{}/{}] {} at {} thread(s)  ({:.0f} s)", done + 1, total, layer.name,
                           options.threads[t], elapsed));
      Options per_layer = options;
      per_layer.check = options.check && t == 0;  // one reference check per layer is enough
      auto r = bench_layer(spec, options.threads[t], per_layer);
      ++done;
      if (!r.ok()) return r.status().with_context(layer.name);
      j["results"].push_back(layer_json(*r));
      results.push_back(std::move(r).value());
    }
  }
  progress_done();

  fmt::print("CPU: {}\n", cpu_name());
  for (int threads : options.threads) {
    fmt::print("peak {:.1f} GFLOP/s at {} thread(s) ({})\n", peak_for(threads).gflops, threads,
               peak_for(threads).isa);
  }
  fmt::print("\n{:18s} {:>3s} {:>8s} {:>9s} {:>9s} {:>7s} {:>8s} {:>6s} {:>9s}  {}\n", "layer",
             "thr", "MFLOP", "ort-lite", "raw", "lite/raw", "GFLOP/s", "%peak", "max err",
             "algorithm");
  for (const LayerResult& r : results) {
    const double gf = gflops(r.flops, r.lite_median);
    fmt::print("{:18s} {:3d} {:8.1f} {:8.4f}m {:>9s} {:>8s} {:8.1f} {:5.1f}% {:>9s}  {}\n",
               r.spec.name, r.threads, r.flops / 1e6, r.lite_median,
               r.raw_median ? fmt::format("{:.4f}m", *r.raw_median) : "-",
               r.raw_median ? fmt::format("{:.2f}x", *r.raw_median / r.lite_median) : "-", gf,
               100 * gf / r.peak_gflops,
               r.max_abs_error ? fmt::format("{:.1e}", *r.max_abs_error) : "",
               r.implementation.substr(0, 60));
    for (const std::string& w : r.warnings) fmt::print("    WARNING: {}\n", w);
  }
  return write_json(options.json_path, j);
}

// ---------------------------------------------------------------------------------------------
// Model mode

// The model's inputs: files given by position or NAME=FILE, the rest random from the declared
// shapes (symbolic dims from --shape NAME=DIMS).
Result<std::vector<NamedTensor>> model_inputs(const Session& session,
                                              const std::vector<std::string>& files,
                                              const Options& options,
                                              std::vector<std::string>& notes) {
  ORTL_ASSIGN_OR_RETURN(const auto overrides, tools::parse_shape_overrides(options.shapes));
  std::map<std::string, Tensor> given;
  const auto& declared = session.inputs();
  for (size_t i = 0; i < files.size(); ++i) {
    const size_t eq = files[i].find('=');
    std::string name, path = files[i];
    if (eq != std::string::npos) {
      name = files[i].substr(0, eq);
      path = files[i].substr(eq + 1);
    } else if (i < declared.size()) {
      name = declared[i].name;
    } else {
      return invalid_argument(
          fmt::format("more input files than the model's {} inputs", declared.size()));
    }
    ORTL_ASSIGN_OR_RETURN(given[name], read_tensor_file(path));
  }
  std::vector<NamedTensor> feeds;
  for (const ValueInfo& input : declared) {
    if (auto it = given.find(input.name); it != given.end()) {
      feeds.push_back({input.name, it->second});
      continue;
    }
    ORTL_ASSIGN_OR_RETURN(NamedTensor random, tools::random_input(input, overrides, 7));
    notes.push_back(
        fmt::format("input {}: {}", input.name, tools::describe_random(random.tensor, 7)));
    feeds.push_back(std::move(random));
  }
  return feeds;
}

Status run_model_mode(const std::string& model_path, const std::vector<std::string>& files,
                      const Options& options) {
  Json j = machine_json();
  j["mode"] = "model";
  j["model"] = model_path;
  j["results"] = Json::array();
  Json trace = Json::array();
  double trace_offset_us = 0;
  fmt::print("CPU: {}\nmodel: {}\n", cpu_name(), model_path);
  for (int threads : options.threads) {
    SessionOptions session_options = options.session;
    session_options.threads = threads;
    const auto load_start = std::chrono::steady_clock::now();
    ORTL_ASSIGN_OR_RETURN(auto session, Session::load(model_path, session_options));
    std::vector<std::string> notes;
    ORTL_ASSIGN_OR_RETURN(auto feeds, model_inputs(*session, files, options, notes));
    for (const std::string& note : notes) fmt::print("{}\n", note);
    ORTL_ASSIGN_OR_RETURN(auto report, session->describe(feeds));
    ORTL_ASSIGN_OR_RETURN(PlanMemory memory, session->memory(feeds));
    const double load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start)
            .count();
    RunProfile profile;
    for (int i = 0; i < options.warmup; ++i) {
      ORTL_RETURN_IF_ERROR(session->run(feeds, &profile).status());
    }
    // Per step, the samples of every timed run.
    std::vector<std::vector<double>> step_ms;
    std::vector<StepProfile> steps;
    std::vector<double> totals;
    const auto timing_start = std::chrono::steady_clock::now();
    for (int run = 0;; ++run) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - timing_start).count();
      if (options.runs > 0 ? run >= options.runs : (run >= 10 && elapsed > 1.0) || run >= 5000) {
        break;
      }
      ORTL_RETURN_IF_ERROR(session->run(feeds, &profile).status());
      totals.push_back(profile.total_us / 1e3);
      if (steps.empty()) {
        steps = profile.steps;
        step_ms.resize(steps.size());
      }
      for (size_t s = 0; s < profile.steps.size() && s < step_ms.size(); ++s) {
        step_ms[s].push_back(profile.steps[s].duration_us / 1e3);
      }
      if (run < 20) {
        for (const StepProfile& step : profile.steps) {
          trace.push_back(
              {{"cat", "Node"},
               {"pid", 1},
               {"tid", threads},
               {"ts", trace_offset_us + step.start_us},
               {"dur", step.duration_us},
               {"ph", "X"},
               {"name", step.node},
               {"args", {{"op_name", step.op_type}, {"provider", step.implementation}}}});
        }
        trace_offset_us += profile.total_us + 50;
      }
    }
    const double total_median = median(totals);
    double steps_sum = 0, reorder_ms = 0;
    int reorders = 0;
    struct Row {
      size_t index;
      double ms;
    };
    std::vector<Row> rows;
    for (size_t s = 0; s < steps.size(); ++s) {
      const double ms = median(step_ms[s]);
      steps_sum += ms;
      if (steps[s].op_type == "Reorder") {
        reorder_ms += ms;
        ++reorders;
      }
      rows.push_back({s, ms});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ms > b.ms; });
    fmt::print(
        "\nthreads {}: {} runs, median {:.3f} ms per run (min {:.3f}), load + prepare {:.1f} ms\n",
        threads, totals.size(), total_median, *std::min_element(totals.begin(), totals.end()),
        load_ms);
    fmt::print(
        "activation memory per run: {:.2f} MiB (arena {:.2f}, scratch {:.2f}, outputs {:.2f})\n",
        memory.total() / 1048576.0, memory.arena_bytes / 1048576.0,
        memory.scratch_bytes / 1048576.0, memory.output_bytes / 1048576.0);
    fmt::print(
        "{} steps ({} folded nodes not run); layout reorders: {} steps, {:.3f} ms ({:.1f}%)\n",
        steps.size(), report.size() >= steps.size() ? report.size() - steps.size() : 0, reorders,
        reorder_ms, steps_sum > 0 ? 100 * reorder_ms / steps_sum : 0);
    fmt::print("{:>9s} {:>6s}  {:40s} {}\n", "ms", "share", "node", "implementation");
    Json nodes = Json::array();
    for (const Row& row : rows) {
      const StepProfile& step = steps[row.index];
      const double share = steps_sum > 0 ? 100 * row.ms / steps_sum : 0;
      fmt::print("{:9.4f} {:5.1f}%  {:40s} {}\n", row.ms, share, step.node.substr(0, 40),
                 step.implementation.substr(0, 100));
      nodes.push_back({{"node", step.node},
                       {"op_type", step.op_type},
                       {"implementation", step.implementation},
                       {"median_ms", row.ms},
                       {"share_percent", share}});
    }
    j["results"].push_back({{"threads", threads},
                            {"runs", totals.size()},
                            {"median_ms", total_median},
                            {"min_ms", *std::min_element(totals.begin(), totals.end())},
                            {"load_and_prepare_ms", load_ms},
                            {"reorder_ms", reorder_ms},
                            {"activation_bytes", memory.total()},
                            {"nodes", nodes}});
  }
  ORTL_RETURN_IF_ERROR(write_json(options.json_path, j));
  if (!options.trace_path.empty()) {
    std::ofstream out(options.trace_path);
    if (!out) return io_error(fmt::format("{}: cannot open for writing", options.trace_path));
    out << trace.dump() << "\n";
  }
  return Status::Ok();
}

int exit_code(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInternal:
      return 3;
    default:
      return 2;
  }
}

int main_impl(int argc, char** argv) {
  CLI::App app{
      "ort-lite-bench: times Conv/ConvTranspose layers and whole models on ort-lite.\n\n"
      "  ort-lite-bench --deconv g1mb1ic64ih16oc32oh32kh4sh2ph1 [--json out.json]\n"
      "  ort-lite-bench --suite [--threads 1 2]\n"
      "  ort-lite-bench model.onnx [INPUT | NAME=FILE]... [--shape NAME=1x3x224x224] "
      "[--trace t.json]\n\n"
      "Layer descriptors (benchdnn style): g mb ic oc, then i/o/k/s/d/p per axis d|h|w, e.g.\n"
      "ih16 (16x16), kh4, sh2, ph1 or ph1_2 (begin_end), dh2 (ONNX dilation, 1 = dense),\n"
      "oph1 (output_padding). A layer runs through ort-lite's op path beside the raw oneDNN\n"
      "primitive on the same problem, alternating in rounds; times are medians. GFLOP/s count\n"
      "every kernel tap, those on padding too, so a kernel that skips padded taps can show\n"
      "more than 100% of the measured FMA peak.",
      "ort-lite-bench"};
  std::string conv_desc, deconv_desc;
  bool suite = false, version = false;
  std::vector<std::string> positional;
  Options options;
  std::string backend = "onednn";
  app.add_option("--conv", conv_desc, "benchmark one Conv layer given by a descriptor");
  app.add_option("--deconv", deconv_desc, "benchmark one ConvTranspose layer");
  app.add_flag("--suite", suite, "benchmark the bundled suite of realistic layers");
  app.add_option("--threads", options.threads,
                 "thread counts to run at (default: 1 2 for --suite, else all cores)")
      ->check(CLI::Range(1, max_threads()));
  app.add_option("--rounds", options.rounds, "rounds of alternating timing blocks (default 5)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--block-ms", options.block_ms, "target length of one timing block in ms (40)")
      ->check(CLI::Range(1.0, 10000.0));
  app.add_option("--auto-pad", options.auto_pad, "auto_pad of the layer")
      ->check(CLI::IsMember({"SAME_UPPER", "SAME_LOWER", "VALID"}));
  app.add_flag("--no-bias", options.no_bias, "the layer has no bias input");
  app.add_flag("!--no-check", options.check, "skip the comparison with the reference backend");
  app.add_option("--json", options.json_path, "also write the results as JSON to this file");
  app.add_option("--trace", options.trace_path,
                 "model mode: write a Chrome trace-event file (Perfetto, chrome://tracing)");
  app.add_option("--shape,--input-shape", options.shapes,
                 "model mode: an input's shape, NAME=1x3x224x224");
  app.add_option("--warmup", options.warmup, "model mode: untimed runs first (default 3)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--runs", options.runs, "model mode: timed runs (default: about 1 s)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--backend", backend, "onednn (default) or reference")
      ->check(CLI::IsMember({"onednn", "reference"}));
  std::string algorithm = "auto";
  app.add_option("--algorithm", algorithm,
                 "ConvTranspose algorithm: auto (default, chosen per layer), onednn-deconv, "
                 "subpixel-conv, gemm-col2im, depthwise-direct")
      ->check(CLI::IsMember(
          {"auto", "onednn-deconv", "subpixel-conv", "gemm-col2im", "depthwise-direct"}));
  int opt_level = 1;
  app.add_option("--opt-level", opt_level,
                 "1 (default): layouts and fusions; 0: one kernel per node on plain tensors")
      ->check(CLI::Range(0, 1));
  app.add_flag("--version", version, "print the version and exit");
  app.add_option("model_and_inputs", positional, "MODEL.onnx and its inputs (model mode)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (version) {
    fmt::print("ort-lite-bench {}\n", ORTL_VERSION);
    return 0;
  }
  options.session.backend = *backend_from_name(backend);
  options.session.deconv_algorithm = *deconv_algorithm_from_name(algorithm);
  options.session.optimizations = Optimizations::level(opt_level);
  const int modes = !conv_desc.empty() + !deconv_desc.empty() + suite + !positional.empty();
  if (modes != 1) {
    fmt::print(stderr,
               "ort-lite-bench: error: give exactly one of --conv, --deconv, --suite or a model "
               "(see --help)\n");
    return 2;
  }
  if (options.threads.empty()) {
    options.threads = suite ? std::vector<int>{1, 2} : std::vector<int>{available_cores()};
  }
  Status status;
  if (suite) {
    status = run_suite_mode(options);
  } else if (!conv_desc.empty()) {
    status = run_layer_mode(conv_desc, conv::ConvKind::kConv, options);
  } else if (!deconv_desc.empty()) {
    status = run_layer_mode(deconv_desc, conv::ConvKind::kConvTranspose, options);
  } else {
    status = run_model_mode(positional[0], {positional.begin() + 1, positional.end()}, options);
  }
  if (!status.ok()) {
    progress_done();
    fmt::print(stderr, "ort-lite-bench: error: {}\n", status.to_string());
  }
  return exit_code(status);
}

}  // namespace
}  // namespace ort_lite::bench

int main(int argc, char** argv) { return ort_lite::bench::main_impl(argc, argv); }
